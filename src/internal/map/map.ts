/**
 * The machinery of `Executor.map`: the zipped inputs, chunks of them, submitting ahead of
 * the reader (all at once, or `buffersize` ahead, or as an async input yields), results in
 * input order with a deadline, and the cleanup when the reader stops early. CPython's
 * `Executor.map` with `_get_chunks` / `_chain_from_iterable_of_lists`, plus async inputs.
 *
 *   iterables ──zip──► argument lists ──(chunks of `chunksize`)──► submit / _submitChunk
 *        ▲                                                               │
 *        └─ pulled as the reader reads (buffersize), or pumped ◄── futures (a deque, in order)
 *                                                                        │
 *   reader ◄── flatten (chunked) ◄── results: each future's result by the deadline ◄┘
 *
 * An executor takes part through {@link MapTarget}: `submit`, and `_submitChunk` if one task
 * can run a whole chunk of calls (process pools, the distributed executor).
 *
 * @module
 */
import { TimeoutError } from '../../errors.js';
import { Deque } from '../base/Deque.js';
import type { TaskFn } from '../base/executorTypes.js';
import { argRangeError, argTypeError, checkDuration, show } from '../base/validate.js';
import type { Future } from '../loop/Future.js';
import { callAt, time } from '../loop/loop.js';

/** Options of {@link Executor.map}. */
export interface MapOptions {
  /**
   * Items per task for executors that benefit from chunking: process pools, and the
   * distributed executor (one job, one message, carries the chunk). A chunk fails as a
   * whole, and `buffersize` then counts chunks. A thread pool batches on its own and, like
   * Python's `ThreadPoolExecutor`, ignores it. Default 1.
   */
  chunksize?: number;
  /**
   * Milliseconds, measured from the `map()` call, within which each result must be ready;
   * the first that is not fails the iteration with `TimeoutError` and cancels the rest.
   */
  timeout?: number | null;
  /**
   * At most this many tasks submitted and not yet read: the input is consumed lazily, so
   * it may be infinite (Python 3.14). Default: no bound — every input is submitted at
   * once (a synchronous iterable during the call, an async one as it yields).
   */
  buffersize?: number | null;
}

/** What `mapTasks` needs of an executor. */
export interface MapTarget {
  submit(task: TaskFn, ...args: unknown[]): Future<unknown>;
  /**
   * One task over a chunk of calls: `values` holds the arguments of every call one after
   * another, `arity` per call; the future's result is the list of their results.
   */
  _submitChunk?(task: TaskFn, values: unknown[], arity: number): Future<unknown[]>;
}

type Input = () => IteratorResult<unknown[]> | Promise<IteratorResult<unknown[]>>;

/**
 * `executor.map(task, ...rest)`: `rest` is the iterables, optionally followed by a
 * {@link MapOptions} object. Checks every argument at the call.
 */
export function mapTasks(
  target: MapTarget,
  task: TaskFn,
  rest: unknown[],
): AsyncGenerator<unknown, void, undefined> {
  if (typeof task !== 'function') {
    throw argTypeError(`map needs a task (a function) first, got ${show(task)}`);
  }
  let options: MapOptions = {};
  const last = rest.at(-1);
  if (rest.length > 0 && !isIterable(last) && typeof last === 'object' && last !== null) {
    options = last;
    rest = rest.slice(0, -1);
  }
  const { buffersize, deadline, chunksize } = checkMapOptions(options);
  if (rest.length === 0) throw argTypeError('map needs at least one iterable of arguments');
  rest.forEach((iterable, i) => {
    if (!isIterable(iterable)) {
      throw argTypeError(`argument ${i + 2} of map must be an iterable, got ${show(iterable)}`);
    }
  });
  const futures = new Deque<Future<unknown>>();
  let input = zip(rest as (Iterable<unknown> | AsyncIterable<unknown>)[]);
  // With a chunksize (and an executor that can batch), one task runs a whole chunk:
  // every step of the input is then one chunk, and `buffersize` counts chunks (Python).
  const chunked = chunksize > 1 && target._submitChunk !== undefined;
  if (chunked) input = chunks(input, chunksize);
  const submit = chunked
    ? (args: unknown[]) =>
        observed(target._submitChunk!(task, args[0] as unknown[], args[1] as number))
    : (args: unknown[]) => observed(target.submit(task, ...args));
  let pump: Pump | null = null;
  if (input.sync) {
    // Python submits eagerly: everything (or the first `buffersize` inputs) now.
    for (let n = 0; buffersize === null || n < buffersize; n++) {
      const item = input.next() as IteratorResult<unknown[]>;
      if (item.done === true) {
        input.done = true;
        break;
      }
      futures.push(submit(item.value));
    }
  } else if (buffersize === null) {
    pump = new Pump(input, futures, submit);
  }
  const ordered = results(submit, input, futures, pump, buffersize, deadline);
  return chunked ? flatten(ordered as AsyncGenerator<unknown[], void, undefined>) : ordered;
}

async function* results(
  submit: (args: unknown[]) => Future<unknown>,
  input: ZippedInput,
  futures: Deque<Future<unknown>>,
  pump: Pump | null,
  buffersize: number | null,
  deadline: number | null,
): AsyncGenerator<unknown, void, undefined> {
  try {
    if (buffersize !== null && !input.sync) {
      for (let n = futures.length; n < buffersize && !input.done; n++) {
        await pull(submit, input, futures);
      }
    }
    for (;;) {
      if (buffersize !== null && !input.done) await pull(submit, input, futures);
      if (futures.length === 0) {
        if (pump === null || !(await pump.more())) return;
      }
      const future = futures.shift()!;
      yield await resultBy(future, deadline);
    }
  } finally {
    pump?.stop();
    for (let f = futures.shift(); f !== undefined; f = futures.shift()) {
      if (!f.done()) f.cancel();
      else if (!f.cancelled()) f.exception(); // observed: nobody will read it now
    }
    if (!input.done) input.close();
  }
}

/**
 * The values of the lists `chunks` yields, one by one. Hand-written rather than an async
 * generator: a value already at hand costs one resolved promise, not a generator's
 * several turns (it doubled `map(chunksize)` throughput).
 */
function flatten(
  chunks: AsyncGenerator<unknown[], void, undefined>,
): AsyncGenerator<unknown, void, undefined> {
  let buffer: unknown[] = [];
  let at = 0;
  const refill = async (): Promise<IteratorResult<unknown, void>> => {
    while (at >= buffer.length) {
      const step = await chunks.next();
      if (step.done === true) return step;
      buffer = step.value;
      at = 0;
    }
    return { done: false, value: buffer[at++] };
  };
  const iterator = {
    next(): Promise<IteratorResult<unknown, void>> {
      if (at < buffer.length) return Promise.resolve({ done: false, value: buffer[at++] });
      return refill();
    },
    return(value?: void | PromiseLike<void>): Promise<IteratorResult<unknown, void>> {
      buffer = [];
      return chunks.return(value);
    },
    throw(error: unknown): Promise<IteratorResult<unknown, void>> {
      buffer = [];
      return chunks.throw(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
    async [Symbol.asyncDispose](): Promise<void> {
      await iterator.return();
    },
  };
  return iterator;
}

/** Reads one step of `input` and submits it. */
async function pull(
  submit: (args: unknown[]) => Future<unknown>,
  input: ZippedInput,
  futures: Deque<Future<unknown>>,
): Promise<void> {
  const item = await input.next();
  if (item.done === true) input.done = true;
  else futures.push(submit(item.value));
}

/**
 * Marks a future whose error the map iterator will report (or drop, once the caller
 * stopped reading) as observed: its failure must not also reach the loop's handler for
 * "exception never retrieved" while it waits its turn.
 */
function observed<T>(future: Future<T>): Future<T> {
  future._observed = true;
  return future;
}

/** Waits for `future` until `deadline` (loop time) and returns its result; cancels it on timeout. */
async function resultBy(future: Future<unknown>, deadline: number | null): Promise<unknown> {
  if (deadline !== null && !future.done()) {
    if (deadline > time()) await doneOrDue(future, deadline);
    if (!future.done()) {
      future.cancel();
      throw new TimeoutError('map: a result was not ready within the timeout');
    }
  }
  return await future;
}

/** Resolves when `future` is done or the loop's clock reaches `deadline`, whichever is first. */
function doneOrDue(future: Future<unknown>, deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const onDone = (): void => {
      timer.cancel();
      resolve();
    };
    const timer = callAt(
      deadline,
      () => {
        future.removeDoneCallback(onDone);
        resolve();
      },
      undefined,
      true,
    );
    future.addDoneCallback(onDone);
  });
}

function checkMapOptions(options: MapOptions): {
  buffersize: number | null;
  deadline: number | null;
  chunksize: number;
} {
  const { chunksize = 1, timeout = null, buffersize = null } = options;
  if (typeof chunksize !== 'number' || !Number.isInteger(chunksize)) {
    throw argTypeError(`chunksize must be an integer, got ${show(chunksize)}`);
  }
  if (chunksize < 1) throw argRangeError(`chunksize must be >= 1, got ${chunksize}`);
  if (buffersize !== null) {
    if (typeof buffersize !== 'number' || !Number.isInteger(buffersize)) {
      throw argTypeError(`buffersize must be an integer or null, got ${show(buffersize)}`);
    }
    if (buffersize < 1) throw argRangeError(`buffersize must be null or > 0, got ${buffersize}`);
  }
  const deadline = timeout === null ? null : time() + checkDuration('timeout', timeout);
  return { buffersize, deadline, chunksize };
}

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    value !== null &&
    value !== undefined &&
    (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}

interface ZippedInput {
  /** True when every iterable is synchronous (then `next()` never returns a promise). */
  readonly sync: boolean;
  /** The iterators of the iterables, in order. */
  readonly iterators: (Iterator<unknown> | AsyncIterator<unknown>)[];
  done: boolean;
  next: Input;
  close(): void;
}

/** One argument list per step, from one item of each iterable; ends with the shortest. */
function zip(iterables: (Iterable<unknown> | AsyncIterable<unknown>)[]): ZippedInput {
  const sync = iterables.every(
    (it) => typeof (it as Iterable<unknown>)[Symbol.iterator] === 'function',
  );
  const iterators = iterables.map((it) =>
    typeof (it as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? (it as Iterable<unknown>)[Symbol.iterator]()
      : (it as AsyncIterable<unknown>)[Symbol.asyncIterator](),
  );
  const close = (): void => {
    for (const it of iterators) {
      const returned = it.return?.();
      if (returned instanceof Promise) returned.catch(() => undefined);
    }
  };
  if (sync) {
    const its = iterators as Iterator<unknown>[];
    return {
      sync,
      done: false,
      iterators,
      close,
      next(): IteratorResult<unknown[]> {
        const args: unknown[] = [];
        for (const it of its) {
          const item = it.next();
          if (item.done === true) return { done: true, value: undefined };
          args.push(item.value);
        }
        return { done: false, value: args };
      },
    };
  }
  return {
    sync,
    done: false,
    iterators,
    close,
    async next(): Promise<IteratorResult<unknown[]>> {
      const args: unknown[] = [];
      for (const it of iterators) {
        const item = await it.next();
        if (item.done === true) return { done: true, value: undefined };
        args.push(item.value);
      }
      return { done: false, value: args };
    },
  };
}

/**
 * `input` in steps of up to `size` argument lists, flattened: each step's value is
 * `[values, arity]`, the arguments of every call one after another (`arity` per call),
 * which clones much faster than a list of lists. The last chunk may be shorter; an empty
 * chunk is never made.
 */
function chunks(input: ZippedInput, size: number): ZippedInput {
  const iterators = input.iterators;
  const arity = iterators.length;
  const done = (flat: unknown[], calls: number): IteratorResult<unknown[]> => {
    flat.length = calls * arity; // (drop a partial call: the shortest iterable ended)
    return calls === 0 ? { done: true, value: undefined } : { done: false, value: [flat, arity] };
  };
  if (input.sync) {
    const its = iterators as Iterator<unknown>[];
    return {
      sync: true,
      done: false,
      iterators,
      close: () => input.close(),
      next(): IteratorResult<unknown[]> {
        const flat: unknown[] = [];
        for (let calls = 0; calls < size; calls++) {
          for (const it of its) {
            const item = it.next();
            if (item.done === true) return done(flat, calls);
            flat.push(item.value);
          }
        }
        return done(flat, size);
      },
    };
  }
  return {
    sync: false,
    done: false,
    iterators,
    close: () => input.close(),
    async next(): Promise<IteratorResult<unknown[]>> {
      const flat: unknown[] = [];
      for (let calls = 0; calls < size; calls++) {
        for (const it of iterators) {
          const item = await it.next();
          if (item.done === true) return done(flat, calls);
          flat.push(item.value);
        }
      }
      return done(flat, size);
    },
  };
}

/** Submits every item of an async input as it arrives (map without buffersize). */
class Pump {
  private stopped = false;
  private finished = false;
  private error: { value: unknown } | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly input: ZippedInput,
    private readonly futures: Deque<Future<unknown>>,
    submit: (args: unknown[]) => Future<unknown>,
  ) {
    void this.run(submit);
  }

  private async run(submit: (args: unknown[]) => Future<unknown>): Promise<void> {
    try {
      while (!this.stopped) {
        const item = await this.input.next();
        if (item.done === true || this.stopped) {
          if (item.done === true) this.input.done = true;
          break;
        }
        this.futures.push(submit(item.value));
        this.signal();
      }
    } catch (error) {
      this.error = { value: error };
    }
    this.finished = true;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Waits until a future is queued (true) or the input ended (false; throws its error). */
  async more(): Promise<boolean> {
    while (this.futures.length === 0) {
      if (this.finished) {
        if (this.error !== null) throw this.error.value;
        return false;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
  }
}
