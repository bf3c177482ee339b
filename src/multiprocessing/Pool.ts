/**
 * `Pool`: Python's `multiprocessing.Pool` API over concur's process pool.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { InvalidStateError } from '../errors.js';
import { asCompleted } from '../futures/asCompleted.js';
import type { TaskFn, TaskResult } from '../futures/Executor.js';
import { Future } from '../internal/loop/Future.js';
import { ProcessPoolExecutor } from '../futures/ProcessPoolExecutor.js';
import { argTypeError, checkInteger, show } from '../internal/base/validate.js';
import { AsyncResult, type AsyncCallbacks } from './AsyncResult.js';
import { cpuCount } from './currentProcess.js';

/** Options of {@link Pool}. */
export interface PoolOptions {
  /** How many worker processes (default: `cpuCount()`). */
  processes?: number | null;
  /** A task each worker runs once, with `initargs`, before its first task. */
  initializer?: TaskFn | null;
  /** Arguments of `initializer`. */
  initargs?: readonly unknown[];
  /** Tasks a worker process runs before it is replaced by a fresh one (default: no limit). */
  maxTasksPerChild?: number | null;
}

/** Options of the `…Async` map methods. */
export interface MapAsyncOptions<T> extends AsyncCallbacks<T> {
  /** Items sent to a worker at once (default: about a quarter of an even share). */
  chunksize?: number | null;
}

const RUN = 0;
const CLOSE = 1;
const TERMINATE = 2;
const stateNames = ['running', 'closed', 'terminated'];

/**
 * A pool of worker processes with Python's `multiprocessing.Pool` methods.
 *
 * Python equivalent: `multiprocessing.Pool(processes, initializer, initargs,
 * maxtasksperchild)`. Differences:
 * - blocking methods (`apply`, `map`, `starmap`, `join`, `AsyncResult.get`) return
 *   promises; `imap`/`imapUnordered` are async iterables;
 * - tasks are code references (`defineTask`) or self-contained functions, and arguments
 *   cross by structured clone;
 * - a worker that dies fails only its task(s) with `WorkerCrashedError` (Python's Pool
 *   hangs for ever, gh-96062) and is replaced;
 * - `await using pool = new Pool()` drains (`close()` + `join()`) at the end of the
 *   block; Python's `with Pool()` terminates. Call `terminate()` for that;
 * - `map` with a failing item rejects with the first failing item's error once it is
 *   reached and cancels the items not yet run, instead of running them all first;
 * - misuse (calls after `close()`/`terminate()`, `join()` while running) throws
 *   `InvalidStateError` where Python raises `ValueError`.
 *
 * Cancellation: `terminate()` kills running work; the pending results reject with
 * `CancelledError`.
 *
 * @example
 * ```ts
 * await using pool = new Pool({ processes: 4 });
 * console.log(await pool.map(square, [1, 2, 3])); // [1, 4, 9]
 * ```
 */
export class Pool {
  readonly #executor: ProcessPoolExecutor;
  readonly #processes: number;
  #state = RUN;

  /**
   * @throws {TypeError} an option has the wrong type (`maxTasksPerChild: "12"`).
   * @throws {RangeError} `processes` or `maxTasksPerChild` is not a positive integer.
   */
  constructor(options: PoolOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw argTypeError(`Pool options must be an object, got ${show(options)}`);
    }
    const { processes, initializer = null, initargs = [], maxTasksPerChild = null } = options;
    this.#processes = processes == null ? cpuCount() : checkInteger('processes', processes, 1);
    if (maxTasksPerChild !== null) checkInteger('maxTasksPerChild', maxTasksPerChild, 1);
    this.#executor = new ProcessPoolExecutor({
      maxWorkers: this.#processes,
      initializer,
      initargs,
      maxTasksPerChild,
    });
  }

  /** Runs `task(...args)` in a worker and resolves with its result. Python: `apply`. */
  apply<F extends TaskFn>(task: F, args?: Parameters<F>): Promise<TaskResult<F>> {
    return this.applyAsync(task, args).get();
  }

  /**
   * Runs `task(...args)` in a worker; returns at once. Python: `apply_async`.
   *
   * @throws {InvalidStateError} the pool is closed or terminated.
   */
  applyAsync<F extends TaskFn>(
    task: F,
    args?: Parameters<F>,
    callbacks?: AsyncCallbacks<TaskResult<F>>,
  ): AsyncResult<TaskResult<F>> {
    this.#checkRunning();
    const list = args ?? ([] as unknown as Parameters<F>);
    if (!Array.isArray(list)) {
      throw argTypeError(`apply needs its arguments as an array, got ${show(args)}`);
    }
    return new AsyncResult(this.#executor.submit(task, ...list), callbacks);
  }

  /**
   * `task(item)` for every item, in a worker; resolves with the results in input order.
   * Python: `map`. The iterable is read at once; an error it throws rejects the call.
   *
   * @typeParam F - The task: a one-argument function (`defineTask`, or self-contained).
   */
  map<F extends (arg: any) => unknown>(
    task: F,
    iterable: Iterable<Parameters<F>[0]>,
    chunksize?: number | null,
  ): Promise<TaskResult<F>[]> {
    return this.mapAsync(task, iterable, { chunksize: chunksize ?? null }).get();
  }

  /**
   * `map` that returns at once. Python: `map_async`.
   *
   * @typeParam F - The task: a one-argument function (`defineTask`, or self-contained).
   */
  mapAsync<F extends (arg: any) => unknown>(
    task: F,
    iterable: Iterable<Parameters<F>[0]>,
    options?: MapAsyncOptions<TaskResult<F>[]>,
  ): AsyncResult<TaskResult<F>[]> {
    this.#checkRunning();
    const items = this.#list('map', iterable);
    return this.#collect(task, [items], items.length, options);
  }

  /**
   * `task(...args)` for every argument list, in a worker; resolves with the results in
   * input order. Python: `starmap`.
   */
  starmap<F extends TaskFn>(
    task: F,
    iterable: Iterable<Parameters<F>>,
    chunksize?: number | null,
  ): Promise<TaskResult<F>[]> {
    return this.starmapAsync(task, iterable, { chunksize: chunksize ?? null }).get();
  }

  /** `starmap` that returns at once. Python: `starmap_async`. */
  starmapAsync<F extends TaskFn>(
    task: F,
    iterable: Iterable<Parameters<F>>,
    options?: MapAsyncOptions<TaskResult<F>[]>,
  ): AsyncResult<TaskResult<F>[]> {
    this.#checkRunning();
    const rows = this.#list('starmap', iterable);
    rows.forEach((row, i) => {
      if (!Array.isArray(row)) {
        throw argTypeError(`starmap needs arrays of arguments; item ${i} is ${show(row)}`);
      }
    });
    const width = rows[0]?.length ?? 0;
    if (rows.every((row) => row.length === width)) {
      return this.#collect(task, columns(rows as unknown[][], width), rows.length, options);
    }
    // Argument lists of different lengths cannot be zipped: one task each.
    const futures = rows.map((row) => this.#executor.submit(task, ...row));
    return new AsyncResult(inOrder(futures) as Future<TaskResult<F>[]>, options);
  }

  /**
   * `task(item)` for every item, yielding the results in input order as they arrive.
   * Python: `imap`. An error the iterable throws is thrown by the iteration, after the
   * results of the items before it (those of a chunk it cut short are dropped, as
   * CPython's).
   *
   * @typeParam F - The task: a one-argument function (`defineTask`, or self-contained).
   */
  imap<F extends (arg: any) => unknown>(
    task: F,
    iterable: Iterable<Parameters<F>[0]> | AsyncIterable<Parameters<F>[0]>,
    chunksize = 1,
  ): AsyncGenerator<TaskResult<F>, void, undefined> {
    this.#checkRunning();
    checkInteger('chunksize', chunksize, 1);
    if (
      typeof (iterable as Partial<AsyncIterable<unknown>> | null)?.[Symbol.asyncIterator] ===
      'function'
    ) {
      // (An async input's error already comes after the results of the items before it.)
      return this.#executor.map(task as TaskFn, iterable as AsyncIterable<unknown>, {
        chunksize,
      }) as AsyncGenerator<TaskResult<F>, void, undefined>;
    }
    const { items, error } = this.#read('imap', iterable as Iterable<unknown>, chunksize);
    const results = this.#executor.map(task as TaskFn, items, { chunksize });
    return (error === null ? results : thenThrow(results, error.value)) as AsyncGenerator<
      TaskResult<F>,
      void,
      undefined
    >;
  }

  /**
   * `task(item)` for every item, yielding each result as soon as it is ready (items of a
   * chunk together, in order). Python: `imap_unordered`. An error the iterable throws
   * is thrown after the results of the items before it.
   *
   * @typeParam F - The task: a one-argument function (`defineTask`, or self-contained).
   */
  imapUnordered<F extends (arg: any) => unknown>(
    task: F,
    iterable: Iterable<Parameters<F>[0]>,
    chunksize = 1,
  ): AsyncGenerator<TaskResult<F>, void, undefined> {
    this.#checkRunning();
    checkInteger('chunksize', chunksize, 1);
    const { items, error } = this.#read('imapUnordered', iterable, chunksize);
    const chunks: Future<TaskResult<F>[]>[] = [];
    for (let i = 0; i < items.length; i += chunksize) {
      chunks.push(this.#chunk(task, [items.slice(i, i + chunksize)], chunksize));
    }
    const results = inCompletionOrder(chunks);
    return error === null ? results : thenThrow(results, error.value);
  }

  /** No more work will be submitted; the workers exit once the work queued is done. */
  close(): void {
    if (this.#state !== RUN) return;
    this.#state = CLOSE;
    void this.#executor.shutdown({ wait: false });
  }

  /**
   * Stops the workers now: running work is killed, queued work cancelled (its results
   * reject with `CancelledError`). Resolves once every worker has exited.
   */
  terminate(): Promise<void> {
    this.#state = TERMINATE;
    return this.#executor.terminateWorkers();
  }

  /**
   * Resolves once every worker has exited; call `close()` or `terminate()` first.
   *
   * @throws {InvalidStateError} the pool is still running.
   */
  join(): Promise<void> {
    if (this.#state === RUN) {
      return Promise.reject(
        new InvalidStateError('the pool is still running: call close() or terminate() first'),
      );
    }
    return this.#executor.shutdown({ wait: true });
  }

  /** `await using pool = new Pool()`: `close()`, then `join()` — queued work finishes. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return this.join();
  }

  /** @internal */
  [inspectCustom](): string {
    const { workers, busy, queued } = this.#executor.statistics();
    return `<Pool state=${stateNames[this.#state]} processes=${this.#processes} workers=${workers} busy=${busy} queued=${queued}>`;
  }

  #checkRunning(): void {
    if (this.#state !== RUN) {
      throw new InvalidStateError(`the pool is ${stateNames[this.#state]}: it takes no more work`);
    }
  }

  #list<T>(what: string, iterable: Iterable<T>): T[] {
    if (typeof (iterable as Partial<Iterable<T>> | null)?.[Symbol.iterator] !== 'function') {
      throw argTypeError(`${what} needs an iterable of items, got ${show(iterable)}`);
    }
    return Array.from(iterable);
  }

  /**
   * Reads a lazy map's input up to its end or its first error, as CPython's task handler
   * does: the error is reported after the results of the items read before it, and a
   * chunk the error cut short is dropped with it (the error stands where its results
   * would have started).
   */
  #read<T>(
    what: string,
    iterable: Iterable<T>,
    chunksize: number,
  ): { items: T[]; error: { value: unknown } | null } {
    if (typeof (iterable as Partial<Iterable<T>> | null)?.[Symbol.iterator] !== 'function') {
      throw argTypeError(`${what} needs an iterable of items, got ${show(iterable)}`);
    }
    const items: T[] = [];
    try {
      for (const item of iterable) items.push(item);
    } catch (error) {
      items.length -= items.length % chunksize;
      return { items, error: { value: error } };
    }
    return { items, error: null };
  }

  /** Python's default chunk size: the items over four times the workers, rounded up. */
  #chunksize(n: number, chunksize: number | null | undefined): number {
    if (chunksize != null) return checkInteger('chunksize', chunksize, 1);
    return Math.max(1, Math.ceil(n / (this.#processes * 4)));
  }

  #collect<R>(
    task: TaskFn,
    argColumns: unknown[][],
    n: number,
    options: MapAsyncOptions<R[]> | undefined,
  ): AsyncResult<R[]> {
    const chunksize = this.#chunksize(n, options?.chunksize);
    if (n === 0) {
      const none = new Future<R[]>();
      none.setResult([]);
      return new AsyncResult(none, options);
    }
    return new AsyncResult(this.#chunk<R>(task, argColumns, chunksize), options);
  }

  /** Runs a whole list (given as argument columns) and gathers its results in order. */
  #chunk<R>(task: TaskFn, argColumns: unknown[][], chunksize: number): Future<R[]> {
    const future = new Future<R[]>();
    const results = this.#executor.map(task, ...(argColumns as [unknown[]]), { chunksize });
    // Cancelled (imapUnordered left early, terminate()): stop the map, which cancels the
    // items it has not yielded.
    future.addDoneCallback((f) => {
      if (f.cancelled()) void results.return(undefined);
    });
    void (async () => {
      const out: R[] = [];
      try {
        for await (const value of results) out.push(value as R);
        if (!future.done()) future.setResult(out);
      } catch (error) {
        if (!future.done()) future.setException(error);
      }
    })();
    return future;
  }
}

/** Yields what `results` yields, then throws `error`. */
async function* thenThrow<T>(
  results: AsyncGenerator<T, void, undefined>,
  error: unknown,
): AsyncGenerator<T, void, undefined> {
  yield* results;
  throw error;
}

/** Argument rows of one width → argument columns, for `Executor.map`'s zipped iterables. */
function columns(rows: unknown[][], width: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) {
    for (let j = 0; j < width; j++) out[j]!.push(row[j]);
  }
  return out;
}

/** One future of the results of `futures`, in order; the first failure (in order) fails it. */
function inOrder<R>(futures: Future<R>[]): Future<R[]> {
  const future = new Future<R[]>();
  void (async () => {
    const out: R[] = [];
    try {
      for (const f of futures) out.push(await f);
      if (!future.done()) future.setResult(out);
    } catch (error) {
      for (const f of futures) if (!f.done()) f.cancel();
      if (!future.done()) future.setException(error);
    }
  })();
  return future;
}

/** Yields the items of each chunk as the chunks complete, whatever their order. */
async function* inCompletionOrder<R>(chunks: Future<R[]>[]): AsyncGenerator<R, void, undefined> {
  // By `next()`, not `for await`: its value is typed as the future it is.
  const completed = asCompleted(chunks);
  try {
    for (let step = await completed.next(); step.done !== true; step = await completed.next()) {
      yield* step.value.result();
    }
  } finally {
    for (const chunk of chunks) {
      if (!chunk.done()) chunk.cancel();
      else if (!chunk.cancelled()) chunk.exception(); // read: nobody else will
    }
  }
}
