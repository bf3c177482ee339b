/**
 * The types every executor shares with the engines that serve it: what a task is and what
 * `statistics()` reports. `futures/Executor.ts` exports them under their public names.
 *
 * @module
 */

/** Any function that can be a task. */
export type TaskFn = (...args: any[]) => unknown;

/** Counters and gauges of an executor. */
export interface ExecutorStatistics {
  /** Live workers (starting, idle or busy). */
  workers: number;
  /** Workers with at least one task in flight. */
  busy: number;
  /** Workers with nothing to do. */
  idle: number;
  /** Tasks waiting for a worker. */
  queued: number;
  /** Tasks handed to a worker and not yet answered. */
  running: number;
  /** Tasks that finished with a result. */
  completed: number;
  /** Tasks that failed (an error, a crash, a timeout, a serialisation failure). */
  failed: number;
  /** Tasks cancelled, queued or running. */
  cancelled: number;
}
