/**
 * `BoundedSemaphore`: a semaphore that refuses to be released more often than acquired.
 *
 * @module
 */
import { argRangeError } from '../internal/base/validate.js';
import { Semaphore, type SemaphoreStatistics } from './Semaphore.js';

/** A snapshot of a {@link BoundedSemaphore}, from `statistics()`. */
export interface BoundedSemaphoreStatistics extends SemaphoreStatistics {
  /** The initial value, which the value may never exceed. */
  readonly bound: number;
}

/**
 * A {@link Semaphore} whose value may never rise above its initial value: a `release()`
 * without a matching `acquire()` throws instead of silently adding a permit.
 *
 * Python equivalent: `asyncio.BoundedSemaphore(value=1)`; the over-release `ValueError`
 * is a `RangeError` here. Everything else — fairness, cancellation, `use(fn)` — is the
 * {@link Semaphore}'s.
 *
 * @example
 * ```ts
 * const pool = new BoundedSemaphore(2);
 * await pool.use(() => query(sql));
 * pool.release(); // RangeError: released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  private readonly _bound: number;

  /**
   * @param value The initial (and maximum) number of permits, an integer >= 0. Default 1.
   * @throws TypeError if `value` is not a number; RangeError if it is negative or not an
   * integer.
   */
  constructor(value = 1) {
    super(value);
    this._bound = value;
  }

  /**
   * Gives a permit back and wakes the first waiter, if any.
   *
   * @throws RangeError if every permit is already back, i.e. `release()` was called more
   * often than `acquire()` (Python: `ValueError`). The semaphore is left unchanged.
   */
  override release(): void {
    if (this._value >= this._bound) {
      throw argRangeError(
        `BoundedSemaphore released too many times: all ${this._bound} permit(s) are already free; call release() once per successful acquire()`,
      );
    }
    super.release();
  }

  /** A snapshot (Trio style): `{ value, bound, waiters }`. */
  override statistics(): BoundedSemaphoreStatistics {
    return { ...super.statistics(), bound: this._bound };
  }

  /** @internal `value/bound`. */
  protected override _valueRepr(): string {
    return `${this._value}/${this._bound}`;
  }
}
