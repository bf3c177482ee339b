/**
 * `ThreadPoolExecutor`: tasks on a pool of `worker_threads`.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { inspect } from 'node:util';
import type { ResourceLimits } from 'node:worker_threads';

import { Pool } from '../internal/pool.js';
import { openThreadChannel } from '../internal/threadChannel.js';
import {
  argRangeError,
  argTypeError,
  checkDuration,
  checkFunction,
  show,
} from '../internal/validate.js';
import {
  Executor,
  type ExecutorStatistics,
  type ShutdownOptions,
  type SubmitOptions,
  type TaskFn,
  type TaskResult,
} from './Executor.js';
import type { Future } from './Future.js';

/** Options of {@link ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions {
  /**
   * The most worker threads (default: `os.availableParallelism()`). Workers start on
   * demand and idle ones are reused.
   */
  maxWorkers?: number;
  /**
   * A task (made by `defineTask`, or a self-contained function) each worker runs once,
   * with `initargs`, before its first task. If it throws, the pool is broken: every
   * pending future fails with `BrokenExecutor` and `submit` throws it.
   */
  initializer?: TaskFn | null;
  /** Arguments of `initializer`. */
  initargs?: readonly unknown[];
  /**
   * Milliseconds after which an idle worker exits (default 60 000; `Infinity`: never).
   * Idle workers never keep the process alive either way.
   */
  idleTimeout?: number;
  /** Heap limits of each worker; a worker that exceeds them fails its tasks with `WorkerCrashedError`. */
  resourceLimits?: ResourceLimits;
  /**
   * Milliseconds a task may run, from when it is handed to a worker; past it the future
   * fails with `TimeoutError` and the task's `taskSignal()` is aborted (default: none).
   */
  taskTimeout?: number | null;
  /**
   * Milliseconds an aborted task (cancelled, or past `taskTimeout`) may keep running before
   * its worker is terminated and replaced (default 1000).
   */
  cancelGraceMs?: number;
  /** Prefix of the workers' thread names (default `ThreadPoolExecutor-N`). */
  threadNamePrefix?: string;
}

let poolCount = 0;

/**
 * An executor that runs tasks on a pool of worker threads — in parallel on every core,
 * since Node has no GIL.
 *
 * Python equivalent: `concurrent.futures.ThreadPoolExecutor` (closer still: 3.14's
 * `InterpreterPoolExecutor`, whose workers, like ours, share no objects). Differences:
 * - tasks are code references (`defineTask`) or self-contained functions, and arguments
 *   and results are structured-cloned (concur's threading primitives arrive shared);
 * - a worker that crashes, calls `process.exit` or runs out of memory fails only the
 *   task(s) that had started on it, with `WorkerCrashedError`, and is replaced;
 * - `future.cancel()` also reaches a running task (see *Cancellation*); `taskTimeout`;
 * - `maxWorkers` defaults to the number of cores, not `cores + 4`;
 * - a task counts as running (`future.running()`) from when it is sent to a worker, which
 *   may hold a few tiny tasks at once.
 *
 * Speed: tasks are queued on this thread and sent to workers in batches (one message for
 * up to 512 tasks), so hundreds of thousands of tiny tasks per second pass through; an
 * idle worker picks up a single task in a few microseconds (an `Atomics` wake-up).
 *
 * Cancellation: `future.cancel()` on a queued task cancels it. On a running task the
 * future ends cancelled at once and the signal the task got from `taskSignal()` is
 * aborted; if the task has not finished `cancelGraceMs` later, its worker is terminated
 * and replaced (tasks that had started on that worker fail with `WorkerCrashedError`,
 * the others are requeued).
 *
 * Lifetime: idle workers never keep the process alive; work in flight does, as Python
 * waits for pending futures at exit.
 *
 * @throws {RangeError} `maxWorkers` below 1 (with the value), a negative duration.
 * @throws {TypeError} an option of the wrong kind.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor, asCompleted } from 'concur/futures';
 * import { fetchLength } from './tasks.js';
 *
 * await using pool = new ThreadPoolExecutor({ maxWorkers: 5 });
 * const futures = urls.map((url) => pool.submit(fetchLength, url));
 * for await (const f of asCompleted(futures)) console.log(await f);
 * ```
 */
export class ThreadPoolExecutor extends Executor {
  /** @internal */ readonly _pool: Pool;
  private readonly maxWorkers: number;

  constructor(options: ThreadPoolExecutorOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw argTypeError(`ThreadPoolExecutor options must be an object, got ${show(options)}`);
    }
    const maxWorkers = options.maxWorkers ?? availableParallelism();
    if (typeof maxWorkers !== 'number' || Number.isNaN(maxWorkers)) {
      throw argTypeError(`maxWorkers must be a number, got ${show(maxWorkers)}`);
    }
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1) {
      throw argRangeError(`maxWorkers must be an integer greater than 0, got ${show(maxWorkers)}`);
    }
    const initializer = options.initializer ?? null;
    if (initializer !== null) checkFunction('initializer', initializer);
    const initargs = options.initargs ?? [];
    if (!Array.isArray(initargs)) {
      throw argTypeError(`initargs must be an array, got ${show(initargs)}`);
    }
    const idleTimeout = checkDuration('idleTimeout', options.idleTimeout ?? 60_000);
    const taskTimeout =
      options.taskTimeout === null || options.taskTimeout === undefined
        ? Infinity
        : checkDuration('taskTimeout', options.taskTimeout);
    const cancelGraceMs = checkDuration('cancelGraceMs', options.cancelGraceMs ?? 1000);
    const resourceLimits = options.resourceLimits;
    if (
      resourceLimits !== undefined &&
      (typeof resourceLimits !== 'object' || resourceLimits === null)
    ) {
      throw argTypeError(`resourceLimits must be an object, got ${show(resourceLimits)}`);
    }
    const prefix = options.threadNamePrefix ?? `ThreadPoolExecutor-${poolCount++}`;
    if (typeof prefix !== 'string') {
      throw argTypeError(`threadNamePrefix must be a string, got ${show(prefix)}`);
    }
    this.maxWorkers = maxWorkers;
    this._pool = new Pool({
      maxWorkers,
      initializer: initializer === null ? null : { task: initializer, args: [...initargs] },
      idleTimeout,
      taskTimeout,
      cancelGraceMs,
      allowSource: true,
      namePrefix: prefix,
      kind: 'ThreadPoolExecutor',
      resourceLimits,
      open: openThreadChannel,
    });
  }

  override submit<F extends TaskFn>(task: F, ...args: Parameters<F>): Future<TaskResult<F>> {
    return this._pool.submit(task, args, null);
  }

  override submitWith<F extends TaskFn>(
    options: SubmitOptions,
    task: F,
    ...args: Parameters<F>
  ): Future<TaskResult<F>> {
    if (typeof options !== 'object' || options === null) {
      throw argTypeError(`submitWith options must be an object, got ${show(options)}`);
    }
    const transfer = options.transfer ?? null;
    if (transfer !== null && !Array.isArray(transfer)) {
      throw argTypeError(`transfer must be an array of transferables, got ${show(transfer)}`);
    }
    return this._pool.submit(
      task,
      args,
      transfer === null || transfer.length === 0 ? null : transfer,
    );
  }

  override shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    return this._pool.shutdown(wait, cancelFutures);
  }

  /**
   * Cancels the queued tasks, terminates every worker at once (running tasks end
   * cancelled) and shuts the pool down. Resolves once the workers exited. Harmless on a
   * pool that is shut down, broken or never used.
   *
   * Python equivalent: `ProcessPoolExecutor.terminate_workers()` (3.14).
   */
  terminateWorkers(): Promise<void> {
    return this._pool.terminateWorkers();
  }

  override statistics(): ExecutorStatistics {
    return this._pool.statistics();
  }

  /** `<ThreadPoolExecutor maxWorkers=4 workers=2 busy=1 queued=10 completed=3>`. */
  [inspect.custom](): string {
    const s = this.statistics();
    const state = this._pool.isShutdown() ? ' shutdown' : '';
    return `<ThreadPoolExecutor${state} maxWorkers=${this.maxWorkers} workers=${s.workers} busy=${s.busy} queued=${s.queued} completed=${s.completed}>`;
  }
}
