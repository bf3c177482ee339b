/**
 * `Event`: a flag shared by processes that tasks can wait for.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { checkTimeout } from '../internal/shm/futex.js';
import { Handle, reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { registerShareable } from '../internal/shm/shareable.js';
import { EventCore } from '../internal/ipc/syncCores.js';

/** A snapshot of a multiprocessing {@link Event}, from `statistics()`. */
export interface EventStatistics {
  readonly set: boolean;
  readonly waiters: number;
}

/**
 * A boolean flag shared by processes: `wait()` resolves once some process calls
 * `set()`.
 *
 * Python equivalent: `multiprocessing.Event` — `set()`, `clear()`, `isSet()`
 * (`is_set()`), `wait(timeout)` resolving to the flag (`false` on timeout).
 *
 * Differences: every call is async. When the creating process exits, other processes'
 * calls reject with `BrokenResourceError` instead of waiting forever.
 *
 * Cancellation: a task cancelled in `wait()` rejects with `CancelledError`.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * new Process({ target: worker, args: [ready] }).start(); // worker: await ready.wait()
 * await ready.set();
 * ```
 */
export class Event extends Handle {
  /** Makes a cleared event, served by this process. */
  constructor() {
    super();
    if (this._revived === null) this._serve(new EventCore());
  }

  protected get _typeName(): string {
    return 'mp.Event';
  }

  /** Sets the flag and wakes every waiter, in every process. */
  set(): Promise<void> {
    return this._request('set', []);
  }

  /** Clears the flag. */
  clear(): Promise<void> {
    return this._request('clear', []);
  }

  /** Resolves to the flag. Python: `is_set()`. */
  isSet(): Promise<boolean> {
    return this._request('isSet', []);
  }

  /**
   * Waits until the flag is set: `true`, or `false` if `timeout` ms passed first.
   *
   * @throws RangeError/TypeError for a bad timeout (at the call).
   */
  wait(timeout?: number | null): Promise<boolean> {
    const ms = checkTimeout('Event.wait() timeout', timeout);
    return this._request('wait', [ms]);
  }

  /** A snapshot: `{ set, waiters }`. */
  statistics(): Promise<EventStatistics> {
    return this._request('stats', []);
  }

  /** `<multiprocessing.Event owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<multiprocessing.Event owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.Event', (state: HandleState) => reviveHandle(Event, state));
  }
}
