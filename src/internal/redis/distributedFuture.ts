/**
 * The future of a distributed task: its job's id and what the executor tracks about it.
 *
 * @module
 */
import { Future } from '../loop/Future.js';
import type { JobData } from './jobWire.js';
import type { LongTimeout } from '../base/longTimeout.js';

/** What a distributed future asks of its executor when it is cancelled. */
export interface DistributedFutureOwner {
  /** A waiting future was cancelled: forget it and remove its job. */
  _cancelledPending(future: DistributedFuture<unknown>): void;
  /** A running future was cancelled: ask its worker to abort the task. */
  _cancelRunning(future: DistributedFuture<unknown>, msg: string | undefined): void;
}

/**
 * A future returned by `DistributedExecutor.submit`: one job.
 * @internal
 */
export class DistributedFuture<T> extends Future<T> {
  /** @internal Set once the job is stored in Redis. */
  _added = false;
  /** @internal The executor's reconcile epoch at the job's last event (see `reconcile`). */
  _epoch = 0;
  /** @internal Consecutive reconciliations that found no job. */
  _missing = 0;
  /** @internal The job's data until it is sent. */
  _data: JobData | null;
  /** @internal A cancel was sent to the worker running it. */
  _abortSent = false;
  /** @internal The cancel's grace timer. */
  _grace: LongTimeout | null = null;
  /** @internal The message given to `cancel()` while running. */
  _abortMessage: string | undefined = undefined;

  constructor(
    /** @internal */ readonly _owner: DistributedFutureOwner,
    /** @internal */ readonly _jobId: string,
    /** @internal */ readonly _name: string,
    data: JobData,
    /** @internal */ readonly _chunk: boolean,
  ) {
    super();
    this._data = data;
  }

  /**
   * Cancels the task. A task still waiting in the queue is cancelled at once and its job
   * removed (`true`). A running task is asked to stop: its `taskSignal()` is aborted on the
   * worker, and the future ends cancelled when the worker acknowledges or after the
   * executor's `cancelGraceMs` (`true`). `false` once the task finished.
   */
  override cancel(msg?: string): boolean {
    if (this.cancelled()) return true;
    if (this.done()) return false;
    if (this.running()) {
      if (!this._abortSent) this._owner._cancelRunning(this, msg);
      return true;
    }
    this._setCancelled(msg);
    this._owner._cancelledPending(this);
    return true;
  }
}
Object.defineProperty(DistributedFuture, 'name', { value: 'Future' });
