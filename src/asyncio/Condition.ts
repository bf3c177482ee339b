/**
 * `Condition`: a condition variable for tasks, on top of a {@link Lock}.
 *
 * The algorithm is asyncio's (3.14 `locks.py`). Two rules keep it from losing a wake-up:
 * `wait()` always takes the lock back before it returns or throws (so the caller's
 * `finally` runs with the lock held, as it expects), and any `wait()` that ends with an
 * error passes one notification on (`_notify(1)`), because it may have been notified just
 * before the error. The price is an occasional spurious wake-up, which the condition
 * variable protocol allows: callers re-check their predicate (`waitFor` does).
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { CancelledError, InvalidStateError } from '../errors.js';
import { argRangeError, argTypeError, checkFunction, show } from '../internal/base/validate.js';
import { Waiters } from '../internal/loop/waiterQueue.js';
import { Lock, type LockStatistics } from './Lock.js';

/** A snapshot of a {@link Condition}, from `statistics()`. */
export interface ConditionStatistics {
  /** Tasks blocked in `wait()` (including ones notified but not yet resumed). */
  readonly waiters: number;
  /** The underlying lock's statistics. */
  readonly lock: LockStatistics;
}

/**
 * A condition variable: tasks holding the lock `wait()` until another task `notify()`s
 * them, then continue with the lock held again.
 *
 * Python equivalent: `asyncio.Condition(lock=None)` — `wait`, `waitFor` (`wait_for`),
 * `notify(n = 1)`, `notifyAll` (`notify_all`), and the lock's `acquire`, `release`,
 * `locked`. `use(fn)` is the twin of `async with condition:`. Pass a {@link Lock} to share
 * it with other code; by default the condition makes its own.
 *
 * `wait()` may wake spuriously (after another waiter was cancelled, see below), so check
 * the state again after it returns — `waitFor(predicate)` does that loop for you. There is
 * no timeout parameter: wrap the wait in `timeout()` or `waitFor()`.
 *
 * Cancellation: a task cancelled in `wait()` still takes the lock back before the
 * `CancelledError` leaves `wait()` — the very same error instance, message included —
 * so code in `finally` runs holding the lock. If it had been notified just before, the
 * notification passes to another waiter: a notify racing a cancel is never lost.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * const items: string[] = [];
 * // consumer
 * const item = await cond.use(async () => {
 *   await cond.waitFor(() => items.length > 0);
 *   return items.shift()!;
 * });
 * // producer
 * await cond.use(() => {
 *   items.push('job');
 *   cond.notify();
 * });
 * ```
 */
export class Condition {
  private readonly _lock: Lock;
  private readonly _waiters = new Waiters<boolean>();

  /**
   * @param lock The lock to use; a new {@link Lock} when omitted.
   * @throws TypeError if `lock` is given and is not a concur asyncio `Lock`.
   */
  constructor(lock?: Lock) {
    if (lock === undefined) {
      this._lock = new Lock();
    } else {
      if (!(lock instanceof Lock)) {
        throw argTypeError(`a Condition's lock must be an asyncio Lock, got ${show(lock)}`);
      }
      this._lock = lock;
    }
  }

  /** Waits for the underlying lock; resolves to `true`. See {@link Lock.acquire}. */
  acquire(): Promise<true> {
    return this._lock.acquire();
  }

  /**
   * Releases the underlying lock. See {@link Lock.release}.
   *
   * @throws InvalidStateError if the lock is not held.
   */
  release(): void {
    this._lock.release();
  }

  /** True while the underlying lock is held. */
  locked(): boolean {
    return this._lock.locked();
  }

  /**
   * Runs `fn` holding the underlying lock and releases it afterwards; resolves to what
   * `fn` returns. The twin of `async with condition:`; see {@link Lock.use}.
   *
   * @throws TypeError if `fn` is not a function.
   */
  use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction('the function passed to Condition.use()', fn);
    return this._lock.use(fn);
  }

  /**
   * Releases the lock, waits until notified, takes the lock back, and resolves to `true`.
   *
   * Python equivalent: `await condition.wait()`. It may return without a notification of
   * its own (a spurious wake-up), so re-check the state; see {@link Condition.waitFor}.
   *
   * Cancellation: on cancel, the lock is taken back first (waiting for it if needed, even
   * through further cancels), then the same `CancelledError` is thrown. A notification
   * this wait may have received passes to the next waiter.
   *
   * @throws InvalidStateError if the lock is not held (Python: `RuntimeError`).
   */
  wait(): Promise<true> {
    if (!this._lock.locked()) {
      throw new InvalidStateError(
        'Condition.wait() was called without holding the lock; acquire() it (or use use()) first',
      );
    }
    return this._wait();
  }

  /**
   * Waits until `predicate()` returns a truthy value and resolves to that value; the
   * predicate is checked at once and after every wake-up, always with the lock held.
   *
   * Python equivalent: `await condition.wait_for(predicate)`. As in Python, a predicate
   * already true at the call returns without needing the lock.
   *
   * Cancellation: as {@link Condition.wait}.
   *
   * @throws TypeError if `predicate` is not a function, or returns a promise (it must be
   * synchronous). InvalidStateError if the predicate is false and the lock is not held.
   * An error thrown by the predicate rejects the returned promise.
   * @example
   * ```ts
   * await cond.use(() => cond.waitFor(() => queue.length > 0));
   * ```
   */
  waitFor<T>(predicate: () => T): Promise<T> {
    checkFunction('the predicate passed to Condition.waitFor()', predicate);
    let value: T;
    try {
      value = predicate();
    } catch (error) {
      return Promise.reject(error); // the predicate's own failure is operational
    }
    const result = checkPredicateResult(value);
    if (result) return Promise.resolve(result);
    if (!this._lock.locked()) {
      throw new InvalidStateError(
        'Condition.waitFor() was called without holding the lock and its predicate is false; acquire() it (or use use()) first',
      );
    }
    return this._waitForSlow(predicate);
  }

  /**
   * Wakes up to `n` tasks waiting on this condition (fewer if fewer wait). The woken tasks
   * continue only once they take the lock back, i.e. after the caller releases it.
   *
   * Python equivalent: `condition.notify(n=1)`.
   *
   * @param n How many waiters to wake: an integer >= 0, or `Infinity` for all. Default 1.
   * @throws InvalidStateError if the lock is not held; TypeError / RangeError for a bad `n`.
   */
  notify(n = 1): void {
    if (typeof n !== 'number') {
      throw argTypeError(`notify(n): n must be a number, got ${show(n)}`);
    }
    if (!(n >= 0) || (!Number.isInteger(n) && n !== Infinity)) {
      throw argRangeError(`notify(n): n must be an integer >= 0 or Infinity, got ${show(n)}`);
    }
    if (!this._lock.locked()) {
      throw new InvalidStateError(
        'Condition.notify() was called without holding the lock; acquire() it (or use use()) first',
      );
    }
    this._notify(n);
  }

  /**
   * Wakes every task waiting on this condition. Python: `condition.notify_all()`.
   *
   * @throws InvalidStateError if the lock is not held.
   */
  notifyAll(): void {
    if (!this._lock.locked()) {
      throw new InvalidStateError(
        'Condition.notifyAll() was called without holding the lock; acquire() it (or use use()) first',
      );
    }
    this._notify(this._waiters.size);
  }

  /** A snapshot (Trio style): `{ waiters, lock: { locked, waiters } }`. */
  statistics(): ConditionStatistics {
    return { waiters: this._waiters.size, lock: this._lock.statistics() };
  }

  /** `<Condition unlocked>`, `<Condition locked waiters=1>`. */
  [inspectCustom](): string {
    const waiters = this._waiters.size;
    const state = this._lock.locked() ? 'locked' : 'unlocked';
    return `<Condition ${state}${waiters > 0 ? ` waiters=${waiters}` : ''}>`;
  }

  private _notify(n: number): void {
    let woken = 0;
    for (const waiter of this._waiters) {
      if (woken >= n) break;
      if (!waiter.done()) {
        woken++;
        waiter.setResult(false);
      }
    }
  }

  private async _wait(): Promise<true> {
    this._lock.release();
    const waiter = this._waiters.add();
    let failed = false;
    let failure: unknown;
    try {
      await waiter;
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      this._waiters.delete(waiter);
    }
    try {
      // Take the lock back even if this wait was cancelled, and through further cancels:
      // the caller's `finally` expects to hold it. Only CancelledError loops; anything else
      // is a real failure and must not spin.
      let cancelled: CancelledError | null = null;
      for (;;) {
        try {
          await this._lock.acquire();
          break;
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          cancelled = error;
        }
      }
      if (cancelled !== null) throw cancelled; // the most recent instance, unchanged
    } catch (error) {
      this._notify(1);
      throw error;
    }
    if (failed) {
      // The error may have arrived after we were notified: hand the notification on.
      // This can cause a spurious wake-up, which the protocol allows; losing one it does not.
      this._notify(1);
      throw failure;
    }
    return true;
  }

  private async _waitForSlow<T>(predicate: () => T): Promise<T> {
    let result: T;
    do {
      await this.wait();
      result = checkPredicateResult(predicate());
    } while (!result);
    return result;
  }
}

/** A predicate must answer now: a promise would always count as true. */
function checkPredicateResult<T>(result: T): T {
  if (
    result !== null &&
    (typeof result === 'object' || typeof result === 'function') &&
    typeof (result as { then?: unknown }).then === 'function'
  ) {
    throw argTypeError(
      `the predicate passed to Condition.waitFor() must return a plain value, got a promise (${show(result)}); make it synchronous`,
    );
  }
  return result;
}
