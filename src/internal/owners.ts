/**
 * Dead owners of shared primitives. When a concur-managed thread (a `Thread` or a pool
 * worker) exits, the main thread calls `markOwnerDead(threadId)` so that shared locks the
 * thread still held are marked broken and their waiters fail with `BrokenResourceError`
 * instead of hanging.
 *
 * (Stub written by the pool: the threading primitives' registry replaces its body.)
 *
 * @module
 */

/** Marks every live shared primitive still owned by thread `threadId` as broken. */
export function markOwnerDead(threadId: number): void {
  void threadId;
}
