/**
 * The job table of a `DistributedExecutor`: its futures still waiting for their jobs, by
 * job id, and what each kind of news about a job means for its future.
 *
 *   event stream (eventReader.ts) ─┐
 *                                  ├─► active / completed / failed / removed ─► settle(future)
 *   stored state (housekeeping.ts) ┘
 *
 * Whatever the source, a job's news settles its future once: the first settles it and
 * takes it out of the table, the rest find nothing. The table also keeps the executor's
 * counts, and wakes a shutdown waiting for the table to empty.
 *
 * @module
 */
import { RemoteError, SerializationError, TaskLostError, WorkerLostError } from '../../errors.js';
import { show } from '../base/validate.js';
import type { DistributedFuture } from './distributedFuture.js';
import type { StoredState } from './jobStates.js';
import { decodeFailure, decodeList } from './jobWire.js';
import { STALLED_REASON } from './peers.js';

/** A future of the table, whatever its result type. */
type Pending = DistributedFuture<unknown>;

export class JobTable {
  readonly counts = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  /** Periodic reconciliations so far; a future's `_epoch` is this at its job's last news. */
  epoch = 0;
  private readonly pending = new Map<string, Pending>();
  private drained: (() => void)[] = [];

  /**
   * @param queue the queue's name, for messages.
   * @param onEmpty called whenever the table becomes empty.
   */
  constructor(
    private readonly queue: string,
    private readonly onEmpty: () => void,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Futures still waiting (a snapshot). */
  futures(): Pending[] {
    return [...this.pending.values()];
  }

  has(jobId: string): boolean {
    return this.pending.has(jobId);
  }

  /** A future submitted now: queued until its job is active. */
  add(f: Pending): void {
    this.pending.set(f._jobId, f);
    this.counts.queued++;
  }

  /**
   * One event of the queue's event stream: `fields` are BullMQ's `[name, value, …]`.
   * Throws on an event of one of this table's jobs that cannot be understood.
   */
  onEvent(fields: string[]): void {
    let event: string | undefined;
    let jobId: string | undefined;
    let value: string | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i];
      if (name === 'event') event = fields[i + 1];
      else if (name === 'jobId') jobId = fields[i + 1];
      else if (name === 'returnvalue' || name === 'failedReason') value = fields[i + 1];
    }
    if (jobId === undefined || !this.pending.has(jobId)) return; // not this executor's job
    if (event === 'completed') {
      if (typeof value !== 'string') throw new TypeError(`job ${jobId} completed with no result`);
      this.completed(jobId, JSON.parse(value));
    } else if (event === 'active') this.active(jobId);
    else if (event === 'failed') this.failed(jobId, value);
    else if (event === 'removed') this.removed(jobId);
  }

  /**
   * A job's stored state, read by a reconciliation. A job missing twice in a row is lost
   * (once may be a retention race).
   */
  applyState(f: Pending, state: StoredState): void {
    if (state === null || f.done()) return;
    if (state.kind === 'missing') {
      if (++f._missing >= 2) this.lose(f, 'vanished from Redis');
      return;
    }
    f._missing = 0;
    if (state.kind === 'completed') this.completed(f._jobId, state.returnvalue);
    else if (state.kind === 'failed') this.failed(f._jobId, state.failedReason);
    else if (state.kind === 'active') this.active(f._jobId);
  }

  active(jobId: string): void {
    const f = this.pending.get(jobId);
    if (f === undefined || f.done() || f.running()) return;
    f._epoch = this.epoch;
    f.setRunningOrNotifyCancel();
    this.counts.queued--;
    this.counts.running++;
  }

  completed(jobId: string, returnvalue: unknown): void {
    const f = this.pending.get(jobId);
    if (f === undefined) return;
    const value = f._chunk
      ? decodeList(returnvalue)
      : typeof returnvalue === 'object' && returnvalue !== null && 'r' in returnvalue
        ? [returnvalue.r]
        : typeof returnvalue === 'object' && returnvalue !== null
          ? [undefined] // { r: undefined } arrives as {}
          : null;
    if (value === null) {
      this.settle(
        f,
        false,
        new SerializationError(
          `the result of job ${jobId} in queue ${this.queue} is not in concur's format: ${show(returnvalue)} (was it written by another program?)`,
        ),
      );
      return;
    }
    this.settle(f, true, f._chunk ? value : value[0]);
  }

  failed(jobId: string, failedReason: unknown): void {
    const f = this.pending.get(jobId);
    if (f === undefined) return;
    const record = decodeFailure(failedReason);
    if (record === null) {
      const reason = String(failedReason);
      const error =
        reason === STALLED_REASON
          ? new WorkerLostError(
              `the workers running job ${jobId} (task ${f._name}) of queue ${this.queue} were lost more often than the workers' lostWorkerRetries allows (BullMQ: "${reason}")`,
            )
          : new RemoteError({ name: 'Error', message: reason });
      this.settle(f, false, error);
    } else if (record.k === 'cancelled') {
      this.settle(f, false, null);
    } else if (record.k === 'serialization') {
      this.settle(f, false, new SerializationError(record.e.message));
    } else {
      this.settle(f, false, new RemoteError(record.e));
    }
  }

  removed(jobId: string): void {
    const f = this.pending.get(jobId);
    if (f === undefined || f.done()) return;
    this.lose(f, 'was removed from Redis');
  }

  private lose(f: Pending, how: string): void {
    this.settle(
      f,
      false,
      new TaskLostError(
        `job ${f._jobId} (task ${f._name}) of queue ${this.queue} ${how} before it finished; its result can never arrive`,
      ),
    );
  }

  /**
   * Ends `f`: with a result (`ok`), an error, or — `value === null` — cancelled. A future
   * already done (cancelled here while its job still ran) only leaves the table.
   */
  settle(f: Pending, ok: boolean, value: unknown): void {
    if (this.pending.get(f._jobId) !== f) return;
    this.pending.delete(f._jobId);
    if (f._grace !== null) {
      f._grace.cancel();
      f._grace = null;
    }
    if (f.running()) this.counts.running--;
    else if (!f.done()) this.counts.queued--;
    if (!f.done()) {
      if (ok) {
        f.setResult(value);
        this.counts.completed++;
      } else if (value === null) {
        f._setCancelled(f._abortMessage);
        this.counts.cancelled++;
      } else {
        f.setException(value);
        this.counts.failed++;
      }
    }
    if (this.pending.size === 0) this.emptied();
  }

  /** A waiting future was cancelled by its caller: it leaves the table, counted cancelled. */
  cancelledWaiting(f: Pending): void {
    this.pending.delete(f._jobId);
    this.counts.queued--;
    this.counts.cancelled++;
    if (this.pending.size === 0) this.emptied();
  }

  /** Fails every future of the table with `error`. */
  failAll(error: unknown): void {
    for (const f of this.futures()) this.settle(f, false, error);
  }

  /** Resolves once the table is empty. */
  whenEmpty(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private emptied(): void {
    this.onEmpty();
    const waiters = this.drained;
    this.drained = [];
    for (const wake of waiters) wake();
  }
}
