/**
 * `ProcessPoolExecutor`: tasks on a pool of child processes.
 *
 * @module
 */
import type { TaskFn } from './Executor.js';
import type { Future } from '../internal/loop/Future.js';
import { PoolExecutor, poolConfig, type PoolExecutorOptions } from './PoolExecutor.js';
import { checkProcessesCanStart, openProcessChannel } from '../internal/worker/processChannel.js';
import { argRangeError, argTypeError, show } from '../internal/base/validate.js';

/** Options of {@link ProcessPoolExecutor}. */
export interface ProcessPoolExecutorOptions extends PoolExecutorOptions {
  /**
   * A worker process exits after this many tasks and a fresh one takes its place
   * (default: never). Python: `max_tasks_per_child`.
   */
  maxTasksPerChild?: number | null;
}

let poolCount = 0;

/**
 * An executor that runs tasks on a pool of child processes (`child_process.fork`).
 *
 * Python equivalent: `concurrent.futures.ProcessPoolExecutor(max_workers, initializer,
 * initargs, max_tasks_per_child)`. Differences:
 * - tasks are code references (`defineTask`) or self-contained functions, and arguments
 *   and results are structured-cloned (not pickled); a value that cannot cross fails its
 *   own future with `SerializationError`; concur's shared-memory primitives
 *   (`concur-ts/threading`) cannot cross to another process;
 * - `maxWorkers` is a hard limit: a worker runs one task at a time (async ones included)
 *   unless `concurrentTasksPerWorker` allows more;
 * - a worker that crashes, calls `process.exit` or is killed fails only the task it was
 *   running, with `WorkerCrashedError` (`exitCode`, or `signal` and `signalNumber`), and
 *   is replaced — Python breaks the whole pool (`BrokenProcessPool`). The tasks queued
 *   behind it are requeued. (A process shares no memory to count its progress in: killed
 *   by a signal from outside in the middle of a batch of tiny tasks of one kind, it fails
 *   every task of that batch it had not answered; a task of another kind, or a long one,
 *   tells exactly when it starts.);
 * - `future.cancel()` also reaches a running task (see *Cancellation*); `taskTimeout`;
 * - workers start with Node's `child_process.fork` (spawn-like: a fresh process that
 *   imports the task's module), never `fork()` without exec;
 * - a task counts as running (`future.running()`) from when it is sent to a worker, which
 *   may hold a few tiny tasks at once (it runs them one after the other);
 * - `submitWith({ transfer })` copies: nothing can be transferred between processes.
 *
 * Speed: tasks are queued in this process and sent to workers in batches (one IPC message
 * for up to 512 tasks, results likewise), so tiny tasks pass at hundreds of thousands per
 * second, where Python pays one pickle and one pipe write per task.
 *
 * Cancellation: `future.cancel()` on a queued task cancels it. On a running task the
 * future ends cancelled at once and the signal the task got from `taskSignal()` is
 * aborted; if the task has not finished `cancelGraceMs` later, its process is terminated
 * and replaced, and the tasks queued behind it are requeued.
 *
 * Lifetime: idle workers never keep the process alive; work in flight does, as Python
 * waits for pending futures at exit. Workers never outlive this process: one that exits,
 * crashes or is killed (even with SIGKILL) takes its workers with it. On Ctrl-C the
 * terminal's SIGINT reaches the whole process group, workers included.
 *
 * @throws {RangeError} `maxWorkers` or `maxTasksPerChild` below 1 (with the value), a
 * negative duration.
 * @throws {TypeError} an option of the wrong kind.
 * @throws {UnsupportedRuntimeError} in a program bundled as CommonJS, or by a bundler that
 * wrote build-time paths for `import.meta.url`: its workers have no file to start from.
 *
 * @example
 * ```ts
 * import { ProcessPoolExecutor, asCompleted } from 'concur-ts/futures';
 * import { factorial } from './tasks.js';
 *
 * await using pool = new ProcessPoolExecutor({ maxWorkers: 4 });
 * const futures = [10, 20, 30].map((n) => pool.submit(factorial, n));
 * for await (const f of asCompleted(futures)) console.log(await f);
 * ```
 */
export class ProcessPoolExecutor extends PoolExecutor {
  constructor(options: ProcessPoolExecutorOptions = {}) {
    const config = poolConfig('ProcessPoolExecutor', options);
    if ((options as { resourceLimits?: unknown }).resourceLimits !== undefined) {
      throw argTypeError(
        'ProcessPoolExecutor has no resourceLimits (a ThreadPoolExecutor option, for worker ' +
          "threads); a child process's heap is limited by Node's own flags, e.g. run the " +
          'program with --max-old-space-size=256, which the children inherit',
      );
    }
    const maxTasks = options.maxTasksPerChild ?? Infinity;
    if (typeof maxTasks !== 'number' || Number.isNaN(maxTasks)) {
      throw argTypeError(`maxTasksPerChild must be a positive integer, got ${show(maxTasks)}`);
    }
    if (maxTasks !== Infinity && (!Number.isInteger(maxTasks) || maxTasks < 1)) {
      throw argRangeError(`maxTasksPerChild must be a positive integer, got ${show(maxTasks)}`);
    }
    checkProcessesCanStart();
    super({
      ...config,
      maxTasksPerWorker: maxTasks,
      allowSource: true,
      crossProcess: true,
      namePrefix: `ProcessPoolExecutor-${poolCount++}`,
      open: openProcessChannel,
    });
  }

  /**
   * @internal One task over a chunk of calls (`map` with a `chunksize`). Only process pools
   * chunk, as in Python: a thread pool batches on its own, and a chunk fails as a whole.
   */
  override _submitChunk(task: TaskFn, values: unknown[], arity: number): Future<unknown[]> {
    return this._pool.submit(task, [arity, values], null, true);
  }

  /**
   * Cancels the queued tasks, kills every worker with SIGKILL (running tasks end
   * cancelled) and shuts the pool down. Resolves once the workers exited.
   *
   * Python equivalent: `ProcessPoolExecutor.kill_workers()` (3.14). (`terminateWorkers`
   * sends SIGTERM, and SIGKILL to a worker still alive a second later.)
   */
  killWorkers(): Promise<void> {
    return this._pool.terminateWorkers(true);
  }
}
