/**
 * `Semaphore`: a counter of permits that tasks take and give back, handed out fairly.
 *
 * The algorithm is asyncio's 3.14 one (`locks.py`), the version that fixed the
 * cancellation races of earlier releases:
 *
 * - FIFO: `locked()` is true when no permit is left **or** a live (not cancelled) task
 *   waits, so a newcomer never overtakes a waiter even while permits are available.
 * - A permit is reserved for a waiter when it is woken (`_value` drops then, not when
 *   the waiter resumes). A waiter woken and then cancelled before it resumed gives its
 *   permit back.
 * - Every `acquire()` that waited ends — success or cancel — by waking as many further
 *   waiters as there are permits, so permits never sit idle while tasks wait.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { CancelledError } from '../errors.js';
import { ACQUIRED, runHolding } from '../internal/loop/holding.js';
import { checkFunction, checkInteger } from '../internal/base/validate.js';
import { Waiters } from '../internal/loop/waiterQueue.js';

/** A snapshot of a {@link Semaphore}, from `statistics()`. */
export interface SemaphoreStatistics {
  /** Permits available now (permits reserved for woken waiters are not counted). */
  readonly value: number;
  /** Tasks queued in `acquire()` (including ones woken but not yet resumed). */
  readonly waiters: number;
}

/**
 * A semaphore: `value` permits; `acquire()` takes one (waiting while none is free) and
 * `release()` gives one back. Waiters are served first in, first out.
 *
 * Python equivalent: `asyncio.Semaphore(value=1)`. `acquire()` resolves to `true`;
 * `locked()` is true when an `acquire()` would wait. `use(fn)` is the twin of
 * `async with semaphore:`. `release()` may be called more often than `acquire()` (the
 * value then grows); use `BoundedSemaphore` to catch that mistake.
 *
 * Fairness: a newcomer queues behind existing waiters even if permits are available
 * because the woken waiters have not resumed yet.
 *
 * Cancellation: a cancelled `acquire()` rejects with `CancelledError` and holds no
 * permit. If it had already been handed a permit (woken, not yet resumed), the permit
 * goes back and the next waiter is woken: cancels neither leak permits nor hang waiters.
 * An uncontended `acquire()` does not suspend and is not a cancellation point.
 *
 * @example
 * ```ts
 * const connections = new Semaphore(10); // at most 10 requests at a time
 * const pages = await gather(urls.map((url) => connections.use(() => fetchPage(url))));
 * ```
 */
export class Semaphore {
  /** @internal Free permits. Reserved permits of woken waiters are already subtracted. */
  protected _value: number;
  private readonly _waiters = new Waiters<boolean>();

  /**
   * @param value The initial number of permits, an integer >= 0. Default 1.
   * @throws TypeError if `value` is not a number; RangeError if it is negative or not an
   * integer (Python: `ValueError`).
   */
  constructor(value = 1) {
    this._value = checkInteger('the Semaphore value', value, 0);
  }

  /**
   * True when `acquire()` would wait: no permit is free, or tasks are queued ahead.
   * Python: `semaphore.locked()`.
   */
  locked(): boolean {
    return this._value === 0 || (this._waiters.size > 0 && this._waiters.hasLiveWaiter());
  }

  /**
   * Takes a permit, waiting first if none is free or other tasks are queued; resolves to
   * `true`.
   *
   * Python equivalent: `await semaphore.acquire()`. Prefer {@link Semaphore.use}.
   *
   * Cancellation: see the class docs.
   */
  acquire(): Promise<true> {
    // The uncontended path allocates nothing: see ACQUIRED.
    if (this._tryAcquire()) return ACQUIRED;
    return this._acquireSlow();
  }

  /**
   * Gives a permit back and wakes the first waiter, if any.
   *
   * Python equivalent: `semaphore.release()`. On a plain semaphore this never fails, even
   * without a matching `acquire()`.
   */
  release(): void {
    this._value++;
    this._wakeUpNext();
  }

  /**
   * Runs `fn` holding a permit and gives it back afterwards, whether `fn` returns or
   * throws; resolves to what `fn` returns.
   *
   * Python equivalent: `async with semaphore: …` — this is its twin. Taking the permit and
   * arranging its return are one step: a cancellation cannot fall between them.
   *
   * Cancellation: if the task is cancelled while waiting for a permit, `fn` never runs
   * and `use` rejects with `CancelledError`.
   *
   * @throws TypeError if `fn` is not a function.
   * @example
   * ```ts
   * const limit = new Semaphore(3);
   * await limit.use(() => download(file));
   * ```
   */
  use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction(`the function passed to ${this.constructor.name}.use()`, fn);
    return runHolding(this, this._tryAcquire() ? undefined : this._acquireSlow(), fn);
  }

  /** A snapshot of the semaphore's state (Trio style): `{ value, waiters }`. */
  statistics(): SemaphoreStatistics {
    return { value: this._value, waiters: this._waiters.size };
  }

  /** `<Semaphore unlocked value=1>`, `<Semaphore locked value=0 waiters=2>`. */
  [inspectCustom](): string {
    const waiters = this._waiters.size;
    const state = this.locked() ? 'locked' : 'unlocked';
    return `<${this.constructor.name} ${state} value=${this._valueRepr()}${waiters > 0 ? ` waiters=${waiters}` : ''}>`;
  }

  /** @internal The value as shown by the repr. */
  protected _valueRepr(): string {
    return String(this._value);
  }

  private _tryAcquire(): boolean {
    if (this.locked()) return false;
    this._value--;
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
      // Woken (a permit was reserved for us) but cancelled before we resumed: the permit
      // is not ours to keep. The `finally` below passes it on.
      if (error instanceof CancelledError && waiter.done() && !waiter.cancelled()) this._value++;
      throw error;
    } finally {
      // Waiters that queued behind us only because of FIFO may be servable now: wake as
      // many as there are permits.
      while (this._value > 0) {
        if (!this._wakeUpNext()) break;
      }
    }
    return true;
  }

  /** Wakes the first waiter not already woken, reserving a permit for it. */
  private _wakeUpNext(): boolean {
    if (this._waiters.size === 0) return false;
    if (!this._waiters.wakeFirst(true)) return false;
    this._value--;
    return true;
  }
}
