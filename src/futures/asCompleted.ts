/**
 * `asCompleted(fs, { timeout })`: futures in the order they finish.
 *
 * @module
 */
import { TimeoutError } from '../errors.js';
import { callLater, type TimerHandle } from '../internal/loop.js';
import { argTypeError, checkDuration, show } from '../internal/validate.js';
import { ensureFuture, isAwaitable } from './ensureFuture.js';
import { Future, isFuture } from './Future.js';

/** Options of `asCompleted`. */
export interface AsCompletedOptions {
  /** Milliseconds after which the iteration fails with `TimeoutError`. */
  timeout?: number | null;
}

/** The element type of an awaitable: `Future<T>` and `PromiseLike<T>` give `T`. */
type ResultOf<A> = A extends PromiseLike<infer T> ? T : never;

/**
 * The iterator `asCompleted` returns.
 *
 * - `for await (const f of it)` yields the **original** futures (tasks, executor
 *   futures), a wrapper future for each promise, in completion order.
 * - `for (const p of it)` yields, without waiting, one future per input that resolves to
 *   the *n*-th result to complete (or rejects with its error), whichever is awaited first.
 *
 * Breaking out of a loop does not close it: iterating again resumes where it stopped.
 */
export class AsCompletedIterator<T>
  implements AsyncIterableIterator<Future<T>>, Iterable<Future<T>>
{
  private readonly todo: Set<Future<T>>;
  private readonly finished: (Future<T> | null)[] = [];
  private readonly getters: ((f: Future<T> | null) => void)[] = [];
  private left: number;
  private timer: TimerHandle | null = null;

  /** @internal */
  constructor(futures: Set<Future<T>>, timeout: number | null) {
    this.todo = new Set(futures);
    this.left = futures.size;
    if (timeout !== null && timeout !== Infinity && futures.size > 0) {
      this.timer = callLater(timeout, (self) => self.onTimeout(), this, true);
    }
    const onDone = (f: Future<T>): void => this.onCompletion(f);
    for (const f of futures) f.addDoneCallback(onDone);
  }

  private onCompletion(f: Future<T>): void {
    if (!this.todo.delete(f)) return; // the timeout came first
    this.push(f);
    if (this.todo.size === 0) this.timer?.cancel();
  }

  private onTimeout(): void {
    this.timer = null;
    const count = this.todo.size;
    this.todo.clear();
    for (let i = 0; i < count; i++) this.push(null);
  }

  private push(f: Future<T> | null): void {
    const getter = this.getters.shift();
    if (getter !== undefined) getter(f);
    else this.finished.push(f);
  }

  /** Waits for the next future to finish; `TimeoutError` once the timeout passed. */
  async next(): Promise<IteratorResult<Future<T>, undefined>> {
    if (this.left === 0) return { done: true, value: undefined };
    this.left--;
    let f: Future<T> | null;
    try {
      f = (await this.take()).f;
    } catch (error) {
      this.left++; // a cancelled next() consumed nothing
      throw error;
    }
    if (f === null) throw new TimeoutError('asCompleted() timed out before every future was done');
    return { done: false, value: f };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  *[Symbol.iterator](): Iterator<Future<T>> {
    while (this.left > 0) {
      this.left--;
      const slot = new Future<T>();
      this.take().then(
        ({ f }) => {
          if (slot.done()) return;
          if (f === null) slot.setException(new TimeoutError('asCompleted() timed out'));
          else if (f.cancelled()) slot.cancel();
          else if (f.exception() !== null) slot.setException(f.exception());
          else slot.setResult(f.result());
        },
        () => undefined,
      );
      yield slot;
    }
  }

  // The future is boxed: a promise resolved with a future would adopt its outcome.
  private take(): Future<{ f: Future<T> | null }> {
    const waiter = new Future<{ f: Future<T> | null }>();
    if (this.finished.length > 0) {
      waiter.setResult({ f: this.finished.shift()! });
    } else {
      this.getters.push((f) => {
        if (!waiter.done()) waiter.setResult({ f });
        else this.finished.unshift(f); // a cancelled next(): hand it back
      });
    }
    return waiter;
  }
}

/**
 * Iterates over futures as they finish.
 *
 * Python equivalent: `asyncio.as_completed(aws, timeout=)` (3.13, with `async for`
 * yielding the original tasks) and `concurrent.futures.as_completed(fs, timeout=)`. Takes
 * any mix of concur futures, tasks and promises (wrapped with `ensureFuture`);
 * duplicates are taken once.
 *
 * Cancellation: `next()` is a cancellation point; a cancelled `next()` loses no future.
 *
 * @throws TypeError if `fs` is not iterable or holds something not awaitable; RangeError
 * for a negative or NaN timeout. The iteration rejects with `TimeoutError` when the
 * timeout passes first.
 * @example
 * ```ts
 * for await (const f of asCompleted([t1, t2, t3], { timeout: 5000 })) {
 *   console.log(f.result());
 * }
 * ```
 */
export function asCompleted<A extends Future<unknown> | PromiseLike<unknown>>(
  fs: Iterable<A>,
  options: AsCompletedOptions = {},
): AsCompletedIterator<ResultOf<A>> {
  if (
    isFuture(fs) ||
    fs === null ||
    typeof (fs as Partial<Iterable<A>>)?.[Symbol.iterator] !== 'function'
  ) {
    throw argTypeError(`asCompleted() takes an array (or iterable) of futures, got ${show(fs)}`);
  }
  const timeout = options.timeout ?? null;
  if (timeout !== null) checkDuration('the asCompleted() timeout', timeout);
  const set = new Set<Future<ResultOf<A>>>();
  const seen = new Set<unknown>();
  for (const item of fs) {
    if (seen.has(item)) continue;
    seen.add(item);
    if (!isAwaitable(item)) {
      throw argTypeError(`asCompleted() takes futures, tasks or promises, got ${show(item)}`);
    }
    set.add(ensureFuture(item as PromiseLike<ResultOf<A>>));
  }
  return new AsCompletedIterator(set, timeout);
}
