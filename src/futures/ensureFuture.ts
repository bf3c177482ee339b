/**
 * `ensureFuture(awaitable)`: a concur `Future` for any awaitable.
 *
 * @module
 */
import { argTypeError, show } from '../internal/base/validate.js';
import { Future, isFuture } from '../internal/loop/Future.js';

/** True for anything with a callable `then`. */
export function isAwaitable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Returns `awaitable` itself if it is a concur `Future` (or task), otherwise a new
 * `Future` that settles as the promise does.
 *
 * Python equivalent: `asyncio.ensure_future` / `asyncio.wrap_future`. Awaiting the
 * wrapper inside a task makes a foreign promise a cancellation point: cancelling the task
 * cancels the wrapper and the `await` throws `CancelledError` at once. The promise itself
 * cannot be stopped; its later outcome is ignored.
 *
 * @throws TypeError if `awaitable` has no `then` method.
 * @example
 * ```ts
 * const body = await ensureFuture(fetch(url).then((r) => r.text()));
 * ```
 */
export function ensureFuture<T>(awaitable: PromiseLike<T> | Future<T>): Future<T> {
  if (isFuture(awaitable)) return awaitable;
  if (!isAwaitable(awaitable)) {
    throw argTypeError(`expected a Future, a Task or a promise, got ${show(awaitable)}`);
  }
  const future = new Future<T>();
  awaitable.then(
    (value) => {
      if (!future.done()) future.setResult(value);
    },
    (error) => {
      if (!future.done()) future.setException(error);
    },
  );
  return future;
}
