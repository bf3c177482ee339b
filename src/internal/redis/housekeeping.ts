/**
 * The housekeeping of a `DistributedExecutor`, on two timers:
 *
 * - reconciliation: the stored state of the pending jobs is read and settles the futures
 *   whose events were missed — after every reconnect, and every `reconcileInterval`. Its
 *   timer is also what keeps the process alive while futures are pending (a Redis outage
 *   leaves no other live handle), so it is referenced only then;
 * - trimming by age: the queue's finished jobs older than `keepFinished.age` are removed,
 *   when the executor does it instead of the worker at each completion (see
 *   `trimSchedule`). Never what keeps the process alive.
 *
 * @module
 */
import type { Queue } from 'bullmq';
import type { Redis as IORedis } from 'ioredis';

import { readJobStates } from './jobStates.js';
import type { JobTable } from './jobTable.js';

/**
 * Longest gap (ms) between two trims by age. What it trades: BullMQ's own trim by age
 * adds a range query to every job's completion and a larger stored `opts` to every job,
 * paid by the workers; the executor's trim is one command per tick, so a job may outlive
 * its age by up to a tick. Either way a job is trimmed only while something runs on the
 * queue (a completion then, an executor now).
 */
const TRIM_EVERY_MS = 5000;
/** Shortest gap (ms) between two trims by age. */
const TRIM_MIN_MS = 100;
/** The executor trims by age only when a tick is at most this fraction of the age. */
const TRIM_TICKS_PER_AGE = 20;
/** Most jobs one trim command removes (BullMQ's own per-completion limit). */
const TRIM_BATCH = 1000;

/**
 * Who trims finished jobs older than `age` ms: the executor every `every` ms (`trimAge`
 * set), or — when a tick would be too coarse for the age — BullMQ at each completion
 * (`trimAge` null).
 */
export function trimSchedule(
  age: number,
  reconcileInterval: number,
): { trimAge: number | null; every: number } {
  const every = Math.min(Math.max(reconcileInterval, TRIM_MIN_MS), TRIM_EVERY_MS);
  return { trimAge: age >= TRIM_TICKS_PER_AGE * every ? age : null, every };
}

export class Housekeeping {
  private reconcileTimer: NodeJS.Timeout | null = null;
  private trimTimer: NodeJS.Timeout | null = null;
  private reconciling = false;
  private trimming = false;
  private stopped = false;

  constructor(
    private readonly redis: IORedis,
    private readonly queue: Queue,
    private readonly table: JobTable,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Starts both timers; `trimAge` null leaves trimming to BullMQ. */
  start(reconcileInterval: number, trimAge: number | null, trimEvery: number): void {
    // setInterval overflows past 2^31 - 1 ms into 1 ms: an extra reconcile is harmless.
    this.reconcileTimer = setInterval(
      () => {
        if (reconcileInterval !== Infinity) void this.reconcile(false);
      },
      Math.min(reconcileInterval, 2 ** 30),
    );
    this.holdOpen(this.table.size > 0);
    if (trimAge !== null) {
      // Not waited for by shutdown: a trim stuck on an unreachable Redis ends when the
      // connection is closed. Once stopped it sends nothing more (a command queued behind
      // the closing QUIT would fail), and what fails then is no news.
      const trim = (): void => {
        this.trimByAge(trimAge).catch((error: unknown) => {
          if (!this.stopped) this.report(error);
        });
      };
      this.trimTimer = setInterval(trim, trimEvery).unref();
    }
  }

  /** Keeps the process alive (futures are pending) or not. */
  holdOpen(on: boolean): void {
    if (on) this.reconcileTimer?.ref();
    else this.reconcileTimer?.unref();
  }

  /**
   * Reads the stored state of the pending jobs and settles the futures whose events were
   * missed. After a reconnect (`all`) every pending job is read; on the periodic tick only
   * those with no news (added, active) since the previous tick, so a missed event is
   * still found within two ticks while a burst's queued jobs are not all read each tick.
   */
  async reconcile(all: boolean): Promise<void> {
    if (this.reconciling || this.stopped) return;
    this.reconciling = true;
    const epoch = this.table.epoch;
    if (!all) this.table.epoch++;
    try {
      const futures = this.table
        .futures()
        .filter((f) => f._added && !f.done() && (all || f._epoch < epoch));
      const keys = futures.map((f) => this.queue.toKey(f._jobId));
      const states = await readJobStates(this.redis, keys);
      futures.forEach((f, i) => this.table.applyState(f, states[i] ?? null));
    } catch (error) {
      this.report(error); // the next round (or reconnect) retries
    } finally {
      this.reconciling = false;
    }
  }

  /** Removes the queue's finished jobs older than `age` ms, a batch at a time. */
  private async trimByAge(age: number): Promise<void> {
    if (this.trimming || this.stopped) return;
    this.trimming = true;
    try {
      for (const state of ['completed', 'failed'] as const) {
        let removed = TRIM_BATCH;
        while (removed === TRIM_BATCH && !this.stopped) {
          removed = (await this.queue.clean(age, TRIM_BATCH, state)).length;
        }
      }
    } finally {
      this.trimming = false;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.reconcileTimer !== null) clearInterval(this.reconcileTimer);
    if (this.trimTimer !== null) clearInterval(this.trimTimer);
  }
}
