/**
 * `BoundedSemaphore`: a shared semaphore that refuses to be released past its initial
 * value.
 *
 * @module
 */
import { registerShareable } from '../internal/shm/shareable.js';
import { argRangeError } from '../internal/base/validate.js';
import { WaitList } from '../internal/shm/waitList.js';
import { SEMAPHORE_BOUND, Semaphore, type SemaphoreState } from './Semaphore.js';

/**
 * A {@link Semaphore} whose value may never exceed its initial value: a `release()`
 * without a matching `acquire()` is a bug, and it throws.
 *
 * Python equivalent: `threading.BoundedSemaphore(value=1)`; over-release raises
 * `ValueError` there, `RangeError` here. The check and the increment are one
 * compare-and-swap, so two racing releases can never both pass the bound.
 *
 * Cancellation: as {@link Semaphore}.
 *
 * @example
 * ```ts
 * const slots = new BoundedSemaphore(2);
 * await slots.acquire();
 * slots.release();
 * slots.release(); // RangeError: released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /**
   * @param value The initial (and maximum) number of permits, an integer >= 0.
   * @throws RangeError/TypeError as `Semaphore`.
   */
  constructor(value = 1) {
    super(value);
    Atomics.store(this._words, SEMAPHORE_BOUND, value);
  }

  /** The initial value, which the value may never exceed. */
  get bound(): number {
    return Atomics.load(this._words, SEMAPHORE_BOUND);
  }

  /** @internal */
  protected override _name(): string {
    return 'BoundedSemaphore';
  }

  /** @internal */
  protected override _boundText(): string {
    return `/${this.bound}`;
  }

  /**
   * @internal
   * @throws RangeError when the release would pass the bound (Python: `ValueError`
   * "Semaphore released too many times").
   */
  protected override _checkRelease(value: number, n: number): void {
    const bound = this.bound;
    if (value + n > bound) {
      throw argRangeError(
        `BoundedSemaphore released too many times: release(${n}) with value ${value} ` +
          `would pass its bound ${bound}; release only what you acquired`,
      );
    }
  }

  static {
    registerShareable('BoundedSemaphore', (state: SemaphoreState) =>
      (Object.create(BoundedSemaphore.prototype) as BoundedSemaphore)._attach(
        new Int32Array(state.words),
        new WaitList(state.waiters),
      ),
    );
  }
}
