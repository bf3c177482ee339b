/**
 * What a pool is told (`PoolConfig`, filled in by its executor) and what it reports
 * (`PoolStatistics`, the executor's `statistics()`).
 *
 * @module
 */
import type { ExecutorStatistics } from '../base/executorTypes.js';
import type { ChannelInit, OpenChannel } from '../worker/channel.js';
import type { PoolWorker } from './poolWorker.js';

/** How the pool was configured. */
export interface PoolConfig {
  maxWorkers: number;
  /** How many tasks one worker may run at once (`concurrentTasksPerWorker`). */
  concurrency: number;
  /** Task and arguments run once in each worker before its first task. */
  initializer: { task: unknown; args: unknown[] } | null;
  /** Idle workers exit after this many ms (Infinity: never). */
  idleTimeout: number;
  /** A task running longer than this many ms fails with TimeoutError (Infinity: never). */
  taskTimeout: number;
  /** How long an aborted task may keep its worker before the worker is terminated. */
  cancelGraceMs: number;
  /** A worker exits and is replaced after this many tasks (default: never). */
  maxTasksPerWorker?: number;
  /** Whether workers are other processes (shared memory cannot reach them). */
  crossProcess?: boolean;
  /** Whether self-contained functions may be sent by source. */
  allowSource: boolean;
  /** Worker names are `${namePrefix}_${n}`. */
  namePrefix: string;
  /** What the executor calls itself in messages ("ThreadPoolExecutor"). */
  kind: string;
  resourceLimits?: ChannelInit['resourceLimits'];
  open: OpenChannel;
}

/** Counters and gauges of a pool: what its executor's `statistics()` returns. */
export type PoolStatistics = ExecutorStatistics;

/** How the pool's tasks ended so far. */
export class Tally {
  completed = 0;
  failed = 0;
  cancelled = 0;
}

/** Workers not being stopped. */
export function liveWorkers(workers: readonly PoolWorker[]): number {
  let n = 0;
  for (const worker of workers) if (!worker.stopping) n++;
  return n;
}

/** The statistics of a pool with these `workers`, task counts and `tally`. */
export function statisticsOf(
  workers: readonly PoolWorker[],
  queued: number,
  running: number,
  tally: Tally,
): PoolStatistics {
  let busy = 0;
  let live = 0;
  for (const worker of workers) {
    if (worker.stopping) continue;
    live++;
    if (worker.inFlight > 0) busy++;
  }
  return {
    workers: live,
    busy,
    idle: live - busy,
    queued,
    running,
    completed: tally.completed,
    failed: tally.failed,
    cancelled: tally.cancelled,
  };
}
