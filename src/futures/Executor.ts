/**
 * `Executor`: the contract every pool implements — threads, processes, machines.
 *
 * @module
 */
import type { ExecutorStatistics, TaskFn } from '../internal/base/executorTypes.js';
import { argTypeError, show } from '../internal/base/validate.js';
import { mapTasks, type MapOptions } from '../internal/map/map.js';
import type { Future } from './Future.js';
import type { Transferable, Untransfer } from './transfer.js';

export type { ExecutorStatistics, MapOptions, TaskFn };

/**
 * The value a task's future resolves to: what the task returns, awaited, with a
 * `transfer(value, list)` marker unwrapped.
 */
export type TaskResult<F extends TaskFn> = Untransfer<Awaited<ReturnType<F>>>;

/** Options of {@link Executor.submitWith}. */
export interface SubmitOptions {
  /**
   * `ArrayBuffer`s (or `MessagePort`s) among the arguments to *move* to the worker instead
   * of copying; they are detached here once the task is sent.
   */
  transfer?: readonly Transferable[];
}

/**
 * @internal `submitWith`'s options checked: their transfer list, or `null` for none.
 * @throws {TypeError} options that are not an object, or a transfer that is not an array.
 */
export function transferOf(options: SubmitOptions): readonly Transferable[] | null {
  if (typeof options !== 'object' || options === null) {
    throw argTypeError(`submitWith options must be an object, got ${show(options)}`);
  }
  const transfer = options.transfer ?? null;
  if (transfer !== null && !Array.isArray(transfer)) {
    throw argTypeError(`transfer must be an array of transferables, got ${show(transfer)}`);
  }
  return transfer;
}

/** Options of {@link Executor.shutdown}. */
export interface ShutdownOptions {
  /** Resolve only once every queued and running task finished and the workers exited (default `true`). */
  wait?: boolean;
  /** Cancel the tasks still waiting in the queue (default `false`); running ones finish. */
  cancelFutures?: boolean;
}

/** One iterable per task parameter, for {@link Executor.map}. */
export type MapIterables<A extends unknown[]> = {
  [K in keyof A]: Iterable<A[K]> | AsyncIterable<A[K]>;
};

/**
 * Runs tasks elsewhere and hands back a {@link Future} for each: the base of
 * `ThreadPoolExecutor` (and of the process and distributed executors).
 *
 * Python equivalent: `concurrent.futures.Executor`. Differences: `shutdown` returns a
 * promise (await it to wait); `map` returns an async iterator and stops at the first
 * failing item (as Python 3.13/3.14); `[Symbol.asyncDispose]` drains gracefully, so
 * `await using pool = new ThreadPoolExecutor()` is Python's `with` block.
 *
 * @example
 * ```ts
 * await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
 * const f = pool.submit(sumSquares, 1_000_000);
 * for await (const total of pool.map(sumSquares, [10, 20, 30])) console.log(total);
 * console.log(await f);
 * ```
 */
export abstract class Executor {
  /**
   * Schedules `task(...args)` and returns its future. `task` is a function made by
   * `defineTask` (or, for local pools, a self-contained function, sent by source); the
   * arguments and result cross by structured clone.
   *
   * Cancellation: see the executor's future (`cancel()` also reaches a running task in
   * concur's pools).
   *
   * @throws {InvalidStateError} after `shutdown()` ("cannot schedule new futures after
   *   shutdown").
   * @throws {BrokenExecutor} once a worker initializer failed.
   * @throws {TypeError} `task` is not a task.
   */
  abstract submit<F extends TaskFn>(task: F, ...args: Parameters<F>): Future<TaskResult<F>>;

  /** `submit` with options, e.g. `submitWith({ transfer: [buffer] }, task, buffer)`. */
  abstract submitWith<F extends TaskFn>(
    options: SubmitOptions,
    task: F,
    ...args: Parameters<F>
  ): Future<TaskResult<F>>;

  /**
   * Stops accepting tasks. With `wait` (default) the promise resolves once every queued
   * and running task is done and the workers have exited; with `cancelFutures`, queued
   * tasks are cancelled first. Calling it again is harmless.
   */
  abstract shutdown(options?: ShutdownOptions): Promise<void>;

  /** The executor's counters. */
  abstract statistics(): ExecutorStatistics;

  /** `await using pool = …`: a graceful `shutdown({ wait: true })`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /**
   * Runs `task` over the items of `iterables` (zipped, one item of each per call) and
   * yields the results **in input order**.
   *
   * Python equivalent: `Executor.map(fn, *iterables, timeout, chunksize, buffersize)`.
   * Like Python 3.13/3.14, iteration stops at the first failing item and throws its error
   * when that item is reached (earlier results are yielded first). `timeout` runs from
   * this call. Inputs may also be async iterables; without `buffersize` every input is
   * submitted as soon as it is available.
   *
   * Cancellation: leaving the loop early (`break`, an error, a timeout) cancels every task
   * not yet read.
   *
   * @throws {RangeError} `buffersize` or `chunksize` below 1.
   * @throws {TypeError} an argument is not an iterable.
   *
   * @example
   * ```ts
   * for await (const square of pool.map(squareTask, [1, 2, 3], { buffersize: 2 })) {
   *   console.log(square);
   * }
   * ```
   */
  map<F extends TaskFn>(
    task: F,
    ...iterables: MapIterables<Parameters<F>>
  ): AsyncGenerator<TaskResult<F>, void, undefined>;
  map<F extends TaskFn>(
    task: F,
    ...iterablesAndOptions: [...MapIterables<Parameters<F>>, MapOptions]
  ): AsyncGenerator<TaskResult<F>, void, undefined>;
  map(task: TaskFn, ...rest: unknown[]): AsyncGenerator<unknown, void, undefined> {
    return mapTasks(this, task, rest);
  }

  /**
   * @internal Submits `task` once for a whole chunk of calls — `values` holds the
   * arguments of every call one after another, `arity` per call; the future's result is
   * the list of results. Executors that can batch define it (`map` uses it when given a
   * `chunksize`); the others run every item as its own task.
   */
  _submitChunk?(task: TaskFn, values: unknown[], arity: number): Future<unknown[]>;
}
