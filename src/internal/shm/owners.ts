/**
 * Dead-owner detection: a registry of the shared primitives this thread knows, and
 * `markOwnerDead(threadId)`, which breaks the ones a dead thread still held; and, in a
 * worker thread, `haltIfTerminated()`, which keeps a thread its owner gave up for dead
 * from touching shared state should it still run.
 *
 *   worker exits ──'exit' event──► (thread that owns the Worker) markOwnerDead(threadId)
 *        └─ for each live primitive known here: [kOwnerDied](threadId)
 *              └─ a lock word still owned by threadId + 1 becomes BROKEN (one CAS)
 *                 and every waiter is woken; they throw BrokenResourceError.
 *
 * Every primitive handle created or decoded in this thread registers itself (a WeakRef,
 * so the registry never keeps one alive). A primitive that never reached the thread
 * calling `markOwnerDead` (made in one worker and sent only to another) is not covered;
 * primitives are normally made on the main thread, which owns the workers.
 *
 * @module
 */

/** The hook a primitive implements to break itself when an owner thread died. */
export const kOwnerDied: unique symbol = Symbol.for('concur.ownerDied') as typeof kOwnerDied;

/** A primitive that holds owner-tagged lock words. */
export interface OwnedPrimitive {
  /** Breaks every lock word still owned by `threadId`; true if one was broken. */
  [kOwnerDied](threadId: number): boolean;
}

// On a registered global symbol so that two copies of concur in one thread share it.
const LIVE = Symbol.for('concur.owners.live');
const live: Set<WeakRef<OwnedPrimitive>> = ((globalThis as Record<symbol, unknown>)[LIVE] ??=
  new Set()) as Set<WeakRef<OwnedPrimitive>>;
const cleanup = new FinalizationRegistry<WeakRef<OwnedPrimitive>>((ref) => live.delete(ref));

/** Registers a primitive handle so that `markOwnerDead` reaches it. */
export function trackOwned(primitive: OwnedPrimitive): void {
  const ref = new WeakRef(primitive);
  live.add(ref);
  cleanup.register(primitive, ref);
}

/**
 * Marks as broken every shared lock that the thread `threadId` still held, so that its
 * waiters get `BrokenResourceError` instead of waiting forever. Call it when a thread
 * exits (the worker's `'exit'` event); returns how many primitive handles it broke.
 *
 * concur's `Thread` and pools call it for their workers; call it yourself for workers you
 * start with raw `worker_threads`. It reaches the primitives this thread created or
 * received.
 *
 * Python equivalent: none (a Python thread that dies holding a lock leaves it held);
 * Trio's "owner exited without releasing" `BrokenResourceError`.
 *
 * @example
 * ```ts
 * const worker = new Worker(url, { workerData: encodeShared({ lock }) });
 * worker.once('exit', () => markOwnerDead(worker.threadId));
 * ```
 *
 * Memory ordering: each lock word is broken with one compare-and-swap that succeeds only
 * if the word still names `threadId` as its owner, so a lock released (and perhaps
 * re-taken by another thread) in the meantime is left alone.
 */
export function markOwnerDead(threadId: number): number {
  let broken = 0;
  for (const ref of live) {
    const primitive = ref.deref();
    if (primitive === undefined) {
      live.delete(ref);
      continue;
    }
    if (primitive[kOwnerDied](threadId)) broken++;
  }
  return broken;
}

/** How many primitive handles the registry holds (for tests). */
export function trackedCount(): number {
  return live.size;
}

// ---------------------------------------------------------------------------------------
// A thread its owner has given up for dead.

/** This thread's "terminated" word, which its owner sets (a concur worker thread's cells). */
let terminated: { view: Int32Array; index: number } | null = null;
/** A word nobody notifies: where a terminated thread sleeps. */
let parking: Int32Array | null = null;

/** Where this thread's owner marks it terminated (called once, by a concur worker thread). */
export function watchTermination(view: Int32Array, index: number): void {
  terminated = { view, index };
}

/**
 * Called by this thread after it wakes from a blocking wait. A thread its owner has
 * terminated is dead to the others — what it held is broken, its places in wait lists
 * are given up, its tasks may run elsewhere — so it must not touch shared state again:
 * it sleeps until the runtime ends it. Node ends a terminated thread inside its wait, so
 * this never sleeps there; Deno 2.9 reports the worker's `'exit'` while the thread still
 * runs, and a thread blocked in `Atomics.wait` wakes up later and would go on.
 */
export function haltIfTerminated(): void {
  if (terminated === null || Atomics.load(terminated.view, terminated.index) === 0) return;
  parking ??= new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(parking, 0, 0);
}
