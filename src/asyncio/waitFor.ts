/**
 * `waitFor(aw, ms)`: wait for one awaitable with a timeout, cancelling it on expiry.
 *
 * @module
 */
import { CancelledError, TimeoutError } from '../errors.js';
import { ensureFuture, isAwaitable } from '../futures/ensureFuture.js';
import { Future, isFuture } from '../internal/loop/Future.js';
import { argTypeError, checkDuration, show } from '../internal/base/validate.js';
import { Task } from './Task.js';
import { timeout } from './timeout.js';

/** What `waitFor` accepts: a future or task, a promise, or a function to start. */
export type WaitForTarget<T> = Future<T> | PromiseLike<T> | (() => T | PromiseLike<T>);

/**
 * Waits for `aw` to finish, at most `ms` milliseconds (`null`: no limit).
 *
 * Python equivalent: `asyncio.wait_for(aw, timeout)` (3.12 semantics, built on
 * `timeout()`), with the timeout in ms. `aw` may be a future or task, a promise, or a
 * function — the analogue of passing a coroutine: it runs in the calling task, and with
 * a timeout of 0 or less it is never started.
 *
 * On expiry the awaitable is cancelled and `waitFor` **waits until it has really
 * finished**, then throws `TimeoutError` (its `cause` the `CancelledError`). If the
 * awaitable suppressed the cancellation and returned a value, that value is returned; an
 * error raised while it was being cancelled replaces the `TimeoutError`.
 *
 * Cancellation: cancelling the caller cancels the awaitable. Wrap it in `shield` to time
 * out without cancelling it.
 *
 * @throws TypeError if `aw` is not awaitable; RangeError for a NaN timeout.
 * @example
 * ```ts
 * const page = await waitFor(() => fetchPage(url), 5000);
 * ```
 */
export function waitFor<T>(aw: WaitForTarget<T>, ms: number | null): Promise<T> {
  // Not an `async function`: misuse must throw here, at the call, not reject later.
  if (typeof aw !== 'function' && !isAwaitable(aw)) {
    throw argTypeError(`waitFor() takes a future, a promise or a function, got ${show(aw)}`);
  }
  if (ms !== null) checkDuration('the waitFor() timeout', ms, true);
  return ms !== null && ms <= 0 ? waitNoTime(aw) : waitWithTimeout(aw, ms);
}

/**
 * A timeout of 0 or less: never start a function, give a finished future its result,
 * cancel anything else and wait for it to finish.
 */
async function waitNoTime<T>(aw: WaitForTarget<T>): Promise<T> {
  // A lazy task that is cancelled before its first step never calls its function.
  const future = typeof aw === 'function' ? new Task<T>(aw) : ensureFuture(aw);
  if (future.done()) return future.result();
  await cancelAndWait(future);
  try {
    return future.result();
  } catch (error) {
    if (error instanceof CancelledError)
      throw new TimeoutError('the timeout expired', { cause: error });
    throw error;
  }
}

function waitWithTimeout<T>(aw: WaitForTarget<T>, ms: number | null): Promise<T> {
  return timeout(ms, async () => {
    if (typeof aw === 'function') return await aw();
    return await (isFuture(aw) ? aw : ensureFuture(aw));
  });
}

/** Cancels `future` and waits until it is done (the caller's own cancel still interrupts). */
async function cancelAndWait(future: Future<unknown>): Promise<void> {
  const waiter = new Future<void>();
  const release = (): void => {
    if (!waiter.done()) waiter.setResult();
  };
  future.addDoneCallback(release);
  try {
    future.cancel();
    await waiter;
  } finally {
    future.removeDoneCallback(release);
  }
}
