/**
 * `BoundedSemaphore`: a cross-process semaphore that refuses to be released past its
 * initial value.
 *
 * @module
 */
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { registerShareable } from '../internal/shm/shareable.js';
import { Semaphore } from './Semaphore.js';

/**
 * A {@link Semaphore} whose value may never exceed its initial value: releasing more
 * than was acquired is a bug, and it rejects with `RangeError`.
 *
 * Python equivalent: `multiprocessing.BoundedSemaphore(value=1)` (`ValueError` there).
 *
 * Cancellation: as {@link Semaphore}.
 *
 * @example
 * ```ts
 * const sem = new BoundedSemaphore(1);
 * await sem.release(); // rejects: RangeError, nothing was acquired
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  protected override get _typeName(): string {
    return 'mp.BoundedSemaphore';
  }

  protected override get _what(): string {
    return 'BoundedSemaphore';
  }

  static {
    registerShareable('mp.BoundedSemaphore', (state: HandleState) =>
      reviveHandle(BoundedSemaphore, state),
    );
  }
}
