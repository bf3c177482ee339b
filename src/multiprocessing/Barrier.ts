/**
 * `Barrier`: a meeting point for a fixed number of parties across processes.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { checkTimeout } from '../internal/shm/futex.js';
import { Handle, reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { registerShareable } from '../internal/shm/shareable.js';
import { BarrierCore } from '../internal/ipc/syncCores.js';
import { argTypeError, checkInteger, show } from '../internal/base/validate.js';

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /**
   * Called once per round in the creating process, when the last party arrives and
   * before any is released. If it throws, the barrier breaks.
   */
  readonly action?: (() => void) | undefined;
  /** The default timeout of `wait()` in ms (`-1`/`undefined`: none). */
  readonly timeout?: number | null | undefined;
}

/** A snapshot of a multiprocessing {@link Barrier}, from `statistics()`. */
export interface BarrierStatistics {
  readonly parties: number;
  readonly nWaiting: number;
  readonly broken: boolean;
}

/**
 * A barrier for `parties` tasks in any processes: each `wait()` blocks until all have
 * arrived, then all are released together.
 *
 * Python equivalent: `multiprocessing.Barrier(parties, action=None, timeout=None)`:
 * `wait(timeout)` resolves to an index in `0 … parties-1` (distinct per party and
 * round), `abort()`, `reset()`, `parties`; `nWaiting()` and `broken()` are async here.
 * A wait that times out breaks the barrier (`BrokenBarrierError` for everyone).
 *
 * Differences: the `action` runs in the creating process (functions cannot cross
 * processes). A process that exits while waiting breaks the barrier: the other waiters
 * reject with `BrokenResourceError`.
 *
 * Cancellation: a cancelled `wait()` leaves the round (the barrier does not break).
 *
 * @throws RangeError/TypeError from the constructor for parties that is not an integer
 * ≥ 1, a non-function action or a bad timeout.
 * @example
 * ```ts
 * const barrier = new Barrier(3);
 * // in each of three processes:
 * const index = await barrier.wait();
 * ```
 */
export class Barrier extends Handle {
  /** How many parties must arrive for a round to complete. */
  readonly parties: number;

  /** Makes a barrier for `parties` parties, served by this process. */
  constructor(parties: number, options: BarrierOptions = {}) {
    super();
    if (this._revived !== null) {
      this.parties = this._revived.parties as number;
      return;
    }
    checkInteger('Barrier parties', parties, 1);
    const action = options.action;
    if (action !== undefined && typeof action !== 'function') {
      throw argTypeError(`Barrier action must be a function, got ${show(action)}`);
    }
    const timeout = checkTimeout('Barrier timeout', options.timeout);
    this.parties = parties;
    this._serve(new BarrierCore(parties, action, timeout));
  }

  protected get _typeName(): string {
    return 'mp.Barrier';
  }

  protected override _extraState(): Record<string, unknown> {
    return { parties: this.parties };
  }

  /**
   * Waits for the other parties; resolves to this party's index once all arrived.
   *
   * @throws RangeError/TypeError for a bad timeout (at the call). Rejects with
   * BrokenBarrierError if the barrier is or becomes broken (abort, reset, a timeout),
   * BrokenResourceError if a waiting process died.
   */
  wait(timeout?: number | null): Promise<number> {
    const ms = timeout === undefined ? undefined : checkTimeout('Barrier.wait() timeout', timeout);
    return this._request('wait', ms === undefined ? [] : [ms]);
  }

  /** Breaks the barrier: current and later waiters reject with `BrokenBarrierError`. */
  abort(): Promise<void> {
    return this._request('abort', []);
  }

  /** Returns it to the empty state; current waiters reject with `BrokenBarrierError`. */
  reset(): Promise<void> {
    return this._request('reset', []);
  }

  /** Resolves to how many parties wait now. Python: `n_waiting`. */
  async nWaiting(): Promise<number> {
    return (await this.statistics()).nWaiting;
  }

  /** Resolves to true while broken. Python: `broken`. */
  async broken(): Promise<boolean> {
    return (await this.statistics()).broken;
  }

  /** A snapshot: `{ parties, nWaiting, broken }`. */
  statistics(): Promise<BarrierStatistics> {
    return this._request('stats', []);
  }

  /** `<multiprocessing.Barrier parties=3 owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<multiprocessing.Barrier parties=${this.parties} owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.Barrier', (state: HandleState) =>
      reviveHandle(Barrier as unknown as new () => Barrier, state),
    );
  }
}
