/**
 * What `ThreadPoolExecutor` and `ProcessPoolExecutor` share: the options both take, and
 * the executor methods, which hand everything to the pool engine (pool.ts).
 *
 * @module
 */
import { osBuiltin } from '../internal/runtime/support.js';
import { inspectCustom } from '../internal/runtime/inspect.js';

import {
  Executor,
  type ExecutorStatistics,
  type ShutdownOptions,
  type SubmitOptions,
  type TaskFn,
  type TaskResult,
  transferOf,
} from './Executor.js';
import type { Future } from '../internal/loop/Future.js';
import { Pool, type PoolConfig } from '../internal/pool/pool.js';
import {
  argRangeError,
  argTypeError,
  checkDuration,
  checkFunction,
  checkInteger,
  show,
} from '../internal/base/validate.js';

/** The options every pool executor takes. */
export interface PoolExecutorOptions {
  /**
   * The most workers (default: `os.availableParallelism()`). Workers start on demand and
   * idle ones are reused.
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
  /**
   * Milliseconds a task may run, from when it starts running in its worker — a worker's
   * start-up, its import of the task's module and the time a task waits behind another
   * do not count; past it the future fails with `TimeoutError` and the task's
   * `taskSignal()` is aborted (default: none).
   */
  taskTimeout?: number | null;
  /**
   * Milliseconds an aborted task (cancelled, or past `taskTimeout`) may keep running before
   * its worker is terminated and replaced (default 1000; `Infinity`: never, the task runs
   * to its end). Any length works, including past Node's 2^31 - 1 ms timer limit.
   */
  cancelGraceMs?: number;
  /**
   * How many tasks one worker may run at once (default 1, so that at most `maxWorkers`
   * tasks run at any moment, async ones included, as Python's `max_workers` promises).
   * A worker still receives several tiny tasks in one message, but starts each only once
   * the one before it has settled. Raise it for tasks that mostly wait (I/O inside the
   * worker): up to `maxWorkers × concurrentTasksPerWorker` then run at once. piscina's
   * option of the same name.
   */
  concurrentTasksPerWorker?: number;
}

/** Checks the shared options; `kind` names the executor in messages. */
export function poolConfig(
  kind: string,
  options: PoolExecutorOptions,
): Omit<PoolConfig, 'namePrefix' | 'open' | 'allowSource'> {
  if (typeof options !== 'object' || options === null) {
    throw argTypeError(`${kind} options must be an object, got ${show(options)}`);
  }
  const maxWorkers = options.maxWorkers ?? osBuiltin().availableParallelism();
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
  const concurrency = checkInteger(
    'concurrentTasksPerWorker',
    options.concurrentTasksPerWorker ?? 1,
    1,
  );
  return {
    maxWorkers,
    concurrency,
    initializer: initializer === null ? null : { task: initializer, args: [...initargs] },
    idleTimeout: checkDuration('idleTimeout', options.idleTimeout ?? 60_000),
    taskTimeout:
      options.taskTimeout === null || options.taskTimeout === undefined
        ? Infinity
        : checkDuration('taskTimeout', options.taskTimeout),
    cancelGraceMs: checkDuration('cancelGraceMs', options.cancelGraceMs ?? 1000),
    kind,
  };
}

/** An executor over the pool engine. */
export abstract class PoolExecutor extends Executor {
  /** @internal */ readonly _pool: Pool;
  /** @internal */ readonly _maxWorkers: number;

  constructor(config: PoolConfig) {
    super();
    this._maxWorkers = config.maxWorkers;
    this._pool = new Pool(config, this);
  }

  override submit<F extends TaskFn>(task: F, ...args: Parameters<F>): Future<TaskResult<F>> {
    return this._pool.submit(task, args, null);
  }

  override submitWith<F extends TaskFn>(
    options: SubmitOptions,
    task: F,
    ...args: Parameters<F>
  ): Future<TaskResult<F>> {
    const transfer = transferOf(options);
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
  [inspectCustom](): string {
    const s = this.statistics();
    const state = this._pool.isShutdown() ? ' shutdown' : '';
    return `<${this.constructor.name}${state} maxWorkers=${this._maxWorkers} workers=${s.workers} busy=${s.busy} queued=${s.queued} completed=${s.completed}>`;
  }
}
