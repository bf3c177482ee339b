/**
 * `Semaphore`: a counter of permits shared by processes.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { AcquirableHandle } from '../internal/ipc/acquirable.js';
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { registerShareable } from '../internal/shm/shareable.js';
import { SemaphoreCore } from '../internal/ipc/syncCores.js';
import { checkInteger } from '../internal/base/validate.js';

/** A snapshot of a multiprocessing {@link Semaphore}, from `statistics()`. */
export interface SemaphoreStatistics {
  readonly value: number;
  readonly waiters: number;
  /** The bound of a `BoundedSemaphore`, else `null`. */
  readonly bound: number | null;
}

/**
 * A semaphore shared by processes: `acquire()` takes a permit (waiting while there is
 * none), `release(n)` gives permits back.
 *
 * Python equivalent: `multiprocessing.Semaphore(value=1)`, with `getValue()` as
 * `get_value()`.
 *
 * Differences: every call is async; as in Python a semaphore has no owner, so a process
 * that dies holding permits does not break it (its permits are simply not returned).
 * When the creating process exits, other processes' calls reject with
 * `BrokenResourceError`.
 *
 * Cancellation: a task cancelled in `acquire()` rejects with `CancelledError` and holds
 * no permit.
 *
 * @throws RangeError/TypeError from the constructor for a value that is not an integer
 * ≥ 0.
 * @example
 * ```ts
 * const slots = new Semaphore(2);
 * await slots.use(() => download(url)); // at most two processes at a time
 * ```
 */
export class Semaphore extends AcquirableHandle {
  /** Makes a semaphore with `value` permits, served by this process. */
  constructor(value = 1) {
    super();
    if (this._revived !== null) return;
    checkInteger(`${new.target.name} value`, value, 0);
    this._serve(new SemaphoreCore(value, new.target === Semaphore ? null : value));
  }

  protected get _typeName(): string {
    return 'mp.Semaphore';
  }

  protected get _what(): string {
    return 'Semaphore';
  }

  /**
   * Gives `n` permits back, waking up to `n` waiters.
   *
   * @throws TypeError/RangeError (at the call) if `n` is not an integer ≥ 1; rejects with
   * RangeError for a BoundedSemaphore released past its bound (Python: `ValueError`).
   */
  release(n = 1): Promise<void> {
    checkInteger(`${this._what}.release() n`, n, 1);
    return this._request('release', [n]);
  }

  protected override _releaseArgs(): unknown[] {
    return [1];
  }

  protected _releaseOne(): Promise<void> {
    return this.release();
  }

  /** Resolves to the number of free permits. Python: `get_value()`. */
  getValue(): Promise<number> {
    return this._request('getValue', []);
  }

  /** A snapshot: `{ value, waiters, bound }`. */
  statistics(): Promise<SemaphoreStatistics> {
    return this._request('stats', []);
  }

  /** `<multiprocessing.Semaphore owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<multiprocessing.${this._what} owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.Semaphore', (state: HandleState) => reviveHandle(Semaphore, state));
  }
}
