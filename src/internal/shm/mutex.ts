/**
 * The owner-tagged futex mutex under `Lock`, `RLock` and every internal guard.
 *
 * One `Int32` word holds the whole lock:
 *
 *   bits 31..2  owner tag: the `threadId + 1` of the thread that took it (0 when free)
 *   bits  1..0  UNLOCKED 0 · LOCKED 1 · CONTENDED 2 (someone may sleep on the word)
 *               · BROKEN 3 (the owner died holding it; never leaves this state)
 *
 * It is Drepper's three-state mutex ("Futexes are tricky", mutex #2): a taker that had
 * to wait takes the word as CONTENDED, because other waiters may still sleep, and the
 * releaser notifies only when the word was CONTENDED — so an uncontended lock/unlock is
 * one compare-and-swap each and never enters the kernel. Putting the owner in the same
 * word lets `markOwnerDead` break a lock "if and only if that thread still holds it"
 * with a single CAS, with no window in which a release could be lost.
 *
 * Memory ordering: every access is an `Atomics` operation (sequentially consistent), so
 * whatever a holder wrote before its releasing CAS is visible to the next taker after
 * its acquiring CAS.
 *
 * @module
 */
import { nodeBuiltin } from '../runtime/support.js';

import { BrokenResourceError } from '../../errors.js';
import { remaining, waitAsync, waitSync } from './futex.js';

const { threadId } = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

export const UNLOCKED = 0;
export const LOCKED = 1;
export const CONTENDED = 2;
export const BROKEN = 3;

/** This thread's owner tag, already shifted into place. */
export const SELF = (threadId + 1) << 2;

/** Spins before sleeping: a short critical section on another core often ends sooner. */
const SPINS = 100;

/** The thread id named by a lock word, or `null` for a free word. */
export function ownerOf(word: number): number | null {
  return word >>> 2 === 0 ? null : (word >>> 2) - 1;
}

/** The error for a lock whose owner died. */
export function brokenError(what: string, word: number): BrokenResourceError {
  return new BrokenResourceError(
    `${what} is broken: thread ${ownerOf(word)} exited while holding it, so whatever it ` +
      'protected may be half-updated; stop using it (make a new one once the data is repaired)',
  );
}

/** Takes the lock if it is free. Never blocks. */
export function tryLock(view: Int32Array, index: number): boolean {
  return Atomics.compareExchange(view, index, UNLOCKED, SELF | LOCKED) === UNLOCKED;
}

/** Throws if the word is broken (a failed `tryLock` on a dead owner's lock). */
export function checkNotBroken(view: Int32Array, index: number, what: string): void {
  const word = Atomics.load(view, index);
  if ((word & 3) === BROKEN) throw brokenError(what, word);
}

/**
 * One turn of the waiting loop: takes a free word (as CONTENDED, since others may sleep),
 * or makes sure a held word is marked CONTENDED. Returns `true` when taken, or the
 * CONTENDED word value to sleep on — never a LOCKED or free value: sleeping on a word the
 * releaser will not notify (it notifies only CONTENDED words) would lose the wake-up.
 */
function step(view: Int32Array, index: number, what: string): true | number {
  for (;;) {
    const word = Atomics.load(view, index);
    if (word === UNLOCKED) {
      if (Atomics.compareExchange(view, index, UNLOCKED, SELF | CONTENDED) === UNLOCKED) {
        return true;
      }
      continue;
    }
    const state = word & 3;
    if (state === BROKEN) throw brokenError(what, word);
    if (state === CONTENDED) return word;
    const contended = (word & ~3) | CONTENDED;
    if (Atomics.compareExchange(view, index, word, contended) === word) return contended;
  }
}

/**
 * Takes the lock, blocking the thread until `deadline` (a `monotonicNow()` time or
 * `Infinity`). Returns false on timeout. `waiters` is the index of a counter of sleepers
 * kept for statistics. Callers check the main-thread rule first.
 *
 * @throws BrokenResourceError if the owner died while this thread waited.
 */
export function lockSync(
  view: Int32Array,
  index: number,
  waiters: number,
  deadline: number,
  what: string,
): boolean {
  for (let i = 0; i < SPINS; i++) {
    const word = Atomics.load(view, index);
    if (word === UNLOCKED && tryLock(view, index)) return true;
    if ((word & 3) === BROKEN) throw brokenError(what, word);
  }
  for (;;) {
    const next = step(view, index, what);
    if (next === true) return true;
    const left = remaining(deadline);
    if (left === 0) return false;
    // Counted only while asleep: a counter touched on every contended acquire would add
    // two read-modify-writes to the lock's cache line.
    Atomics.add(view, waiters, 1);
    waitSync(view, index, next, left);
    Atomics.sub(view, waiters, 1);
  }
}

/**
 * Takes the lock without blocking the thread: resolves to true once held, false on
 * timeout.
 *
 * Cancellation: a cancelled wait holds nothing and hands any wake-up it consumed on
 * (see futex.ts). `depth`, if >= 0, is the index of an RLock depth word set to
 * `depthValue` the moment the lock is taken.
 */
export async function lockAsync(
  view: Int32Array,
  index: number,
  waiters: number,
  deadline: number,
  what: string,
  depth: number = -1,
  depthValue = 1,
): Promise<boolean> {
  Atomics.add(view, waiters, 1);
  try {
    for (;;) {
      const next = step(view, index, what);
      if (next === true) {
        // Set in the same synchronous run as the CAS: another task of this thread must
        // not see the lock held by its thread with a stale depth (RLock).
        if (depth >= 0) Atomics.store(view, depth, depthValue);
        return true;
      }
      const left = remaining(deadline);
      if (left === 0) return false;
      await waitAsync(view, index, next, left);
    }
  } finally {
    Atomics.sub(view, waiters, 1);
  }
}

/** Outcome of {@link unlock}. */
export const RELEASED = 0;
export const NOT_LOCKED = 1;
export const WAS_BROKEN = 2;

/**
 * Frees the lock (whoever holds it) and wakes one sleeper if any may sleep. Returns
 * RELEASED, NOT_LOCKED, or WAS_BROKEN; the caller turns the last two into errors.
 */
export function unlock(view: Int32Array, index: number): number {
  // The common case first: this thread took it and nobody waits. A failed CAS returns
  // the word it found, which the loop then tries to free as it is.
  let word = Atomics.compareExchange(view, index, SELF | LOCKED, UNLOCKED);
  if (word === (SELF | LOCKED)) return RELEASED;
  for (;;) {
    const state = word & 3;
    if (state === UNLOCKED) return NOT_LOCKED;
    if (state === BROKEN) return WAS_BROKEN;
    const seen = Atomics.compareExchange(view, index, word, UNLOCKED);
    if (seen === word) {
      if (state === CONTENDED) Atomics.notify(view, index, 1);
      return RELEASED;
    }
    word = seen;
  }
}

/**
 * Breaks the lock if the thread `deadThreadId` still holds it, and wakes every sleeper
 * so that each throws BrokenResourceError. True if it broke it.
 */
export function breakIfOwnedBy(view: Int32Array, index: number, deadThreadId: number): boolean {
  for (;;) {
    const word = Atomics.load(view, index);
    const state = word & 3;
    if ((state !== LOCKED && state !== CONTENDED) || ownerOf(word) !== deadThreadId) return false;
    if (Atomics.compareExchange(view, index, word, (word & ~3) | BROKEN) === word) {
      Atomics.notify(view, index);
      return true;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Guards: the internal locks of Queue and Barrier. A guard is held only for a few
// synchronous statements that never call user code and never wait, so even the main
// thread may block on one. The one way a guard stays held is a thread killed inside such
// a section (`worker.terminate()`): markOwnerDead breaks it, and as a last resort a
// guard that makes no progress for GUARD_STUCK_SLICES wait slices is declared broken,
// so a blocked main thread (which cannot run markOwnerDead) never hangs.

const GUARD_SLICE_MS = 50;
const GUARD_STUCK_SLICES = 100; // 5 s without the word changing

/** Takes a guard, blocking briefly if needed (allowed on every thread, see above). */
export function lockGuard(view: Int32Array, index: number, what: string): void {
  if (tryLock(view, index)) return;
  for (let i = 0; i < SPINS; i++) {
    const word = Atomics.load(view, index);
    if (word === UNLOCKED && tryLock(view, index)) return;
    if ((word & 3) === BROKEN) throw brokenError(what, word);
  }
  let stuck = 0;
  let last = -1;
  for (;;) {
    const next = step(view, index, what);
    if (next === true) return;
    if (next === last) {
      if (++stuck >= GUARD_STUCK_SLICES) {
        if (Atomics.compareExchange(view, index, next, (next & ~3) | BROKEN) === next) {
          Atomics.notify(view, index);
          throw brokenError(what, next);
        }
        stuck = 0;
      }
    } else {
      stuck = 0;
      last = next;
    }
    if (waitSync(view, index, next, GUARD_SLICE_MS) !== 'timed-out') stuck = 0;
  }
}

/** Frees a guard taken with {@link lockGuard}. */
export function unlockGuard(view: Int32Array, index: number, what: string): void {
  const outcome = unlock(view, index);
  if (outcome === WAS_BROKEN) throw brokenError(what, Atomics.load(view, index));
}
