/**
 * `Lock`: a fair mutual-exclusion lock for tasks.
 *
 * The algorithm is asyncio's (3.14 `locks.py`). The invariant that keeps it fair and free
 * of lost wake-ups: while the lock is free, the head of the waiter queue is either woken
 * (its future done) or about to hand the wake-up on (it was cancelled and will call
 * `wakeHead` when it resumes). `locked` becomes true only when the woken waiter actually
 * resumes, and until then a newcomer queues behind it, because a woken waiter is a live
 * (not cancelled) waiter.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { CancelledError, InvalidStateError } from '../errors.js';
import { ACQUIRED, runHolding } from '../internal/loop/holding.js';
import { checkFunction } from '../internal/base/validate.js';
import { Waiters } from '../internal/loop/waiterQueue.js';

/** A snapshot of a {@link Lock}, from `statistics()`. */
export interface LockStatistics {
  /** True while the lock is held. */
  readonly locked: boolean;
  /** Tasks queued in `acquire()` (including one woken but not yet resumed). */
  readonly waiters: number;
}

/**
 * A mutual-exclusion lock for tasks: at most one holder, and waiters get it in the order
 * they asked (first in, first out).
 *
 * Python equivalent: `asyncio.Lock`. `acquire()` resolves to `true` once the lock is
 * held; `release()` frees it and wakes exactly one waiter; `locked()` tells whether it is
 * held. `use(fn)` is the twin of `async with lock:`. As in Python the lock has no owner:
 * any code may release it, and it is not reentrant (a holder that acquires again waits
 * forever).
 *
 * Fairness: a newcomer never overtakes a waiter. If the lock is free but a waiter was
 * woken and has not resumed yet, `acquire()` queues behind it.
 *
 * Cancellation: cancelling a task queued in `acquire()` removes it from the queue and
 * rejects its `acquire()` with `CancelledError`; the lock is not taken. If the task had
 * already been woken, the wake-up passes to the next waiter, so a cancel never leaves the
 * lock free with tasks waiting. An uncontended `acquire()` does not suspend and is not a
 * cancellation point (as in asyncio); as with any `await`, other microtasks may run
 * before the caller continues.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * await lock.use(async () => {
 *   // one task at a time in here
 *   await writeRecord(record);
 * });
 * ```
 */
export class Lock {
  private _locked = false;
  private readonly _waiters = new Waiters<boolean>();

  /**
   * Waits until the lock is free, takes it, and resolves to `true`.
   *
   * Python equivalent: `await lock.acquire()`. Prefer {@link Lock.use}, which cannot
   * forget the `release()`.
   *
   * Cancellation: see the class docs; a cancelled `acquire()` rejects with
   * `CancelledError` and holds nothing.
   */
  acquire(): Promise<true> {
    // The uncontended path allocates nothing: see ACQUIRED.
    if (this._tryAcquire()) return ACQUIRED;
    return this._acquireSlow();
  }

  /**
   * Frees the lock and wakes the first waiter, if any. Any code may call it; there is no
   * owner check (as in Python).
   *
   * @throws InvalidStateError if the lock is not held (Python: `RuntimeError`).
   */
  release(): void {
    if (!this._locked) {
      throw new InvalidStateError(
        'Lock.release() was called on an unlocked Lock; release it only after a matching acquire()',
      );
    }
    this._locked = false;
    // Wake the head only. A cancelled head is done, so it is skipped here, and passes the
    // wake-up on itself when its acquire() resumes (see _acquireSlow).
    if (this._waiters.size > 0) this._waiters.wakeHead(true);
  }

  /** True while the lock is held. Python: `lock.locked()`. */
  locked(): boolean {
    return this._locked;
  }

  /**
   * Runs `fn` while holding the lock and releases it afterwards, whether `fn` returns or
   * throws; resolves to what `fn` returns.
   *
   * Python equivalent: `async with lock: …` — this is its twin. Taking the lock and
   * arranging the release are one step: a cancellation cannot fall between them, so the
   * lock is never left held by a cancelled task.
   *
   * Cancellation: if the task is cancelled while waiting for the lock, `fn` never runs and
   * `use` rejects with `CancelledError`; once `fn` runs, the lock is released however it
   * ends.
   *
   * @throws TypeError if `fn` is not a function.
   * @example
   * ```ts
   * const total = await lock.use(async () => {
   *   const n = (await read()) + 1;
   *   await write(n);
   *   return n;
   * });
   * ```
   */
  use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction('the function passed to Lock.use()', fn);
    return runHolding(this, this._tryAcquire() ? undefined : this._acquireSlow(), fn);
  }

  /** A snapshot of the lock's state (Trio style): `{ locked, waiters }`. */
  statistics(): LockStatistics {
    return { locked: this._locked, waiters: this._waiters.size };
  }

  /** `<Lock unlocked>`, `<Lock locked waiters=2>`. */
  [inspectCustom](): string {
    const waiters = this._waiters.size;
    return `<Lock ${this._locked ? 'locked' : 'unlocked'}${waiters > 0 ? ` waiters=${waiters}` : ''}>`;
  }

  /** Takes the lock at once if that is fair: it is free and no live task waits for it. */
  private _tryAcquire(): boolean {
    if (this._locked) return false;
    // A queue of cancelled waiters only does not count (asyncio: "jumping the queue if
    // all are cancelled is an optimization").
    if (this._waiters.size > 0 && this._waiters.hasLiveWaiter()) return false;
    this._locked = true;
    return true;
  }

  private async _acquireSlow(): Promise<true> {
    const waiter = this._waiters.add();
    try {
      try {
        await waiter;
      } finally {
        this._waiters.delete(waiter);
      }
    } catch (error) {
      // Keep the invariant: if the lock is free (and not about to be taken by us), make
      // sure the waiter now at the head runs. This covers a waiter woken and then
      // cancelled before it resumed.
      if (error instanceof CancelledError && !this._locked) this._waiters.wakeHead(true);
      throw error;
    }
    this._locked = true;
    return true;
  }
}
