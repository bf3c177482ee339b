/**
 * `gather(aws, { returnExceptions })`: run awaitables concurrently, results in order.
 *
 * @module
 */
import { CancelledError } from '../errors.js';
import { ensureFuture, isAwaitable } from '../futures/ensureFuture.js';
import { Future, isFuture } from '../internal/loop/Future.js';
import { argTypeError, show } from '../internal/base/validate.js';

/** Options of `gather`. */
export interface GatherOptions {
  /**
   * Put errors (and a `CancelledError` for each cancelled child) in the result array
   * instead of failing at the first one. Default `false`.
   */
  returnExceptions?: boolean;
}

/** The results of `gather` over a tuple of awaitables, element by element. */
export type GatherResults<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: Awaited<T[K]>;
};

/** The results of `gather(…, { returnExceptions: true })`: a value or an error each. */
export type GatherSettled<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: Awaited<T[K]> | Error;
};

/** The future `gather` returns: cancelling it cancels every child still running. */
class GatheringFuture<T> extends Future<T> {
  /** @internal */ _cancelRequested = false;
  /** @internal The message of the cancel that reached a child. */
  _requestedMessage: string | undefined = undefined;

  constructor(readonly _children: readonly Future<unknown>[]) {
    super();
  }

  override cancel(msg?: string): boolean {
    if (this.done()) return false;
    let cancelledAny = false;
    for (const child of this._children) {
      if (child.cancel(msg)) cancelledAny = true;
    }
    // Once a child was cancelled, the gather ends cancelled whatever `returnExceptions`
    // says (bpo-32684).
    if (cancelledAny) {
      this._cancelRequested = true;
      this._requestedMessage = msg;
    }
    return cancelledAny;
  }
}

/**
 * Runs the awaitables concurrently and resolves to their results in input order.
 *
 * Python equivalent: `asyncio.gather(*aws, return_exceptions=…)`. Promises are wrapped
 * with `ensureFuture`; the same future given twice runs once and its result appears
 * twice.
 *
 * - `returnExceptions: false` (default): the first error rejects the gather at once; the
 *   other children are **not** cancelled and keep running (their later errors are marked
 *   retrieved, never reported). A cancelled child rejects the gather with
 *   `CancelledError`, but the gather itself is not `cancelled()`.
 * - `returnExceptions: true`: errors, and a `CancelledError` for each cancelled child,
 *   take their place in the result array.
 *
 * Cancellation: cancelling the returned future — or the task awaiting it — cancels every
 * child not yet done, and the gather ends cancelled even with `returnExceptions: true`.
 * Once all children are done, `cancel()` returns `false`. Use `TaskGroup` when a failure
 * should cancel the siblings.
 *
 * @throws TypeError if `aws` is not iterable or holds something that is not awaitable.
 * @example
 * ```ts
 * const [a, b] = await gather([fetchUser(1), createTask(() => fetchUser(2))]);
 * ```
 */
export function gather<const T extends readonly unknown[]>(
  aws: T,
  options?: GatherOptions & { returnExceptions?: false },
): Future<GatherResults<T>>;
export function gather<const T extends readonly unknown[]>(
  aws: T,
  options: GatherOptions & { returnExceptions: true },
): Future<GatherSettled<T>>;
export function gather<T>(aws: Iterable<T>, options?: GatherOptions): Future<unknown[]>;
export function gather(aws: Iterable<unknown>, options: GatherOptions = {}): Future<unknown[]> {
  if (
    aws === null ||
    typeof (aws as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== 'function'
  ) {
    throw argTypeError(`gather() takes an array (or iterable) of awaitables, got ${show(aws)}`);
  }
  const returnExceptions = options.returnExceptions ?? false;
  if (typeof returnExceptions !== 'boolean') {
    throw argTypeError(`returnExceptions must be a boolean, got ${show(returnExceptions)}`);
  }
  // One child per argument. The same future given twice is the same child (it runs once and
  // its result appears twice): it simply gets one done-callback per appearance, so futures
  // need no identity map — a Map of a million tasks was a third of gather's cost. Other
  // awaitables are wrapped once each, through a map made only when there are any.
  const items = [...aws];
  items.forEach((item, index) => {
    if (!isAwaitable(item)) {
      throw argTypeError(
        `gather() argument ${index} is not awaitable (a Future, Task or promise): ${show(item)}`,
      );
    }
  });
  const children: Future<unknown>[] = new Array<Future<unknown>>(items.length);
  let wrapped: Map<unknown, Future<unknown>> | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (isFuture(item)) {
      children[i] = item;
      continue;
    }
    wrapped ??= new Map();
    let child = wrapped.get(item);
    if (child === undefined) {
      child = ensureFuture(item as PromiseLike<unknown>);
      wrapped.set(item, child);
    }
    children[i] = child;
  }

  const outer = new GatheringFuture<unknown[]>(children);
  if (children.length === 0) {
    outer.setResult([]);
    return outer;
  }
  const total = children.length;
  let finished = 0;

  const onChildDone = (child: Future<unknown>): void => {
    finished++;
    // Mark the child's error retrieved now: the gather owns it (it fails with it, puts it
    // in the results, or drops it once done). Waiting until every child is done would let
    // the loop report it as "never retrieved" in the meantime.
    if (!child.cancelled()) child.exception();
    if (outer.done()) return;
    if (!returnExceptions) {
      if (child.cancelled()) {
        outer.setException(child._makeCancelledError());
        return;
      }
      const error = child.exception();
      if (error !== null) {
        outer.setException(error);
        return;
      }
    }
    if (finished === total) {
      if (outer._cancelRequested) {
        outer._setCancelled(outer._requestedMessage);
        return;
      }
      const results = children.map((c) => {
        if (c.cancelled()) return new CancelledError(c._cancelledMessage() ?? '');
        const error = c.exception();
        return error !== null ? error : c.result();
      });
      outer.setResult(results);
    }
  };
  for (const child of children) child.addDoneCallback(onChildDone);
  return outer;
}
