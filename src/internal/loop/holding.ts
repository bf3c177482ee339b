/**
 * Helpers shared by the acquirable asyncio primitives (Lock, Semaphore, Condition): the
 * shared "acquired" promise of their fast paths and the body of `use(fn)`.
 */

/**
 * The promise every uncontended `acquire()` (and `Event.wait()` on a set event) returns.
 *
 * Why one shared promise: the uncontended path is the hot one (a later benchmark compares
 * it with async-mutex), and a settled promise is immutable, so handing the same object to
 * every caller is safe and allocates nothing per call. Like asyncio's fast path, it is not
 * a cancellation point: no concur future is awaited.
 */
export const ACQUIRED: Promise<true> = Promise.resolve(true);

/** What `use()` needs from a primitive once it is held. */
export interface Releasable {
  release(): void;
}

/**
 * Runs `fn` while `owner` is held and releases it afterwards, whatever `fn` does: the
 * body of `use(fn)`, the `async with` twin.
 *
 * `acquiring` is the pending acquisition, or `undefined` when the caller already took the
 * primitive synchronously (the fast path, saving one microtask hop). Between the end of
 * the acquisition and the `try` below there is no concur `await`, so a task cancellation
 * cannot land in between: it is delivered at `fn`'s next concur `await`, inside the
 * `try`, and the `finally` releases. If the acquisition itself is cancelled, nothing was
 * taken and nothing is released.
 */
export async function runHolding<T>(
  owner: Releasable,
  acquiring: PromiseLike<unknown> | undefined,
  fn: () => T | PromiseLike<T>,
): Promise<T> {
  if (acquiring !== undefined) await acquiring;
  try {
    return await fn();
  } finally {
    owner.release();
  }
}
