/**
 * `asCompleted(fs, { timeout })`: futures in the order they finish.
 *
 * @module
 */
import { TimeoutError } from '../errors.js';
import { callLater, type TimerHandle } from '../internal/loop/loop.js';
import { argTypeError, checkDuration, show } from '../internal/base/validate.js';
import { ensureFuture, isAwaitable } from './ensureFuture.js';
import { Future, isFuture, type DoneCallback } from '../internal/loop/Future.js';

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
 * - `for (const p of it)` yields, without waiting, one future per input. Each takes the
 *   next result when it is first awaited, so the first one awaited resolves to the first
 *   result to complete (or rejects with its error), whichever position it had.
 *
 * Breaking out of a loop does not close it: iterating again resumes where it stopped.
 *
 * Typing caveat: TypeScript 5 may type a `for await` element as the *awaited* type (`T`,
 * for promise inputs), although at run time the loop receives the (done) future itself;
 * TypeScript 7 types it `Future<T>`. With TypeScript 5, cast the element to `Future<T>`, or
 * call `it.next()`, whose `value` is typed `Future<T>`.
 */
export class AsCompletedIterator<T>
  implements AsyncIterableIterator<Future<T>>, Iterable<Future<T>>
{
  private readonly todo: Set<Future<T>>;
  private readonly finished: (Future<T> | null)[] = [];
  /** Takers waiting for the next finished future; each returns false if it gave up. */
  private readonly getters: ((f: Future<T> | null) => boolean)[] = [];
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
    this._push(f);
    if (this.todo.size === 0) this.timer?.cancel();
  }

  private onTimeout(): void {
    this.timer = null;
    const count = this.todo.size;
    this.todo.clear();
    for (let i = 0; i < count; i++) this._push(null);
  }

  /**
   * Hands `f` to the first taker still waiting, skipping those that were cancelled (a
   * cancelled taker must not swallow it, or a live one behind it would wait forever);
   * with none, keeps it — at the front when it is handed back.
   * @internal
   */
  _push(f: Future<T> | null, front = false): void {
    for (let getter = this.getters.shift(); getter !== undefined; getter = this.getters.shift()) {
      if (getter(f)) return;
    }
    if (front) this.finished.unshift(f);
    else this.finished.push(f);
  }

  /** @internal A plain-iteration awaitable gave up its turn without taking a future. */
  _release(): void {
    this.left++;
  }

  /** Waits for the next future to finish; `TimeoutError` once the timeout passed. */
  async next(): Promise<IteratorResult<Future<T>, undefined>> {
    if (this.left === 0) return { done: true, value: undefined };
    this.left--;
    let f: Future<T> | null;
    try {
      f = (await this._take()).f;
    } catch (error) {
      this.left++; // a cancelled next() consumed nothing
      throw error;
    }
    if (f === null) throw new TimeoutError('asCompleted() timed out before every future was done');
    return { done: false, value: f };
  }

  /** `for await`: yields the original futures as they complete. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Plain `for`: yields futures of the results, in completion order. */
  *[Symbol.iterator](): Iterator<Future<T>> {
    while (this.left > 0) {
      this.left--;
      yield new CompletionSlot(this);
    }
  }

  /**
   * A future that resolves to `{ f }`, the next future to finish (`null`: timed out).
   * Cancelling it leaves `f` to the next taker. The future is boxed: a promise resolved
   * with a future would adopt its outcome.
   * @internal
   */
  _take(): Future<{ f: Future<T> | null }> {
    const waiter = new Future<{ f: Future<T> | null }>();
    if (this.finished.length > 0) {
      waiter.setResult({ f: this.finished.shift()! });
    } else {
      this.getters.push((f) => {
        if (waiter.done()) return false; // cancelled: pass f on
        waiter.setResult({ f });
        return true;
      });
    }
    return waiter;
  }
}

/**
 * What plain iteration yields: a future that takes the next finished input only when it
 * is first awaited (or given a done callback), not when it is yielded — so whichever one
 * is awaited first gets the first result, as with asyncio's `_wait_for_one()` coroutines.
 * Cancelling it before it got its future hands that future to the next taker.
 */
class CompletionSlot<T> extends Future<T> {
  private bound = false;
  private waiter: Future<{ f: Future<T> | null }> | null = null;

  constructor(private readonly owner: AsCompletedIterator<T>) {
    super();
  }

  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.bind();
    return super.then(onFulfilled, onRejected);
  }

  override addDoneCallback(fn: DoneCallback<T>): void {
    this.bind();
    super.addDoneCallback(fn);
  }

  override cancel(msg?: string): boolean {
    if (!super.cancel(msg)) return false;
    // Cancelled before it took a future (not yet awaited, or still waiting): give the turn
    // back, so the future it would have taken is yielded to someone else.
    if (!this.bound || this.waiter?.cancel() === true) this.owner._release();
    this.bound = true;
    return true;
  }

  private bind(): void {
    if (this.bound || this.done()) return;
    this.bound = true;
    const owner = this.owner;
    const waiter = owner._take();
    this.waiter = waiter;
    // A done callback, not `then`: `then` inside a task would make the waiter that
    // task's waiter instead of this slot.
    waiter.addDoneCallback((w) => {
      if (w.cancelled()) return;
      const { f } = w.result();
      if (this.done()) {
        // Cancelled after its future arrived but before this callback ran: hand it back.
        owner._push(f, true);
        owner._release();
        return;
      }
      if (f === null) this.setException(new TimeoutError('asCompleted() timed out'));
      else if (f.cancelled()) this.cancel();
      else if (f.exception() !== null) this.setException(f.exception());
      else this.setResult(f.result());
    });
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
 * for (const next of asCompleted([t1, t2, t3], { timeout: 5000 })) {
 *   console.log(await next); // results in completion order
 * }
 * const it = asCompleted([t1, t2, t3]);
 * for (let r = await it.next(); !r.done; r = await it.next()) {
 *   console.log(r.value.result()); // r.value is the original task
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
  // Check every item before wrapping any: a promise wrapped before a bad item was found
  // would leave a future behind whose error nobody can retrieve.
  const unique = new Set<unknown>(fs);
  for (const item of unique) {
    if (!isAwaitable(item)) {
      throw argTypeError(`asCompleted() takes futures, tasks or promises, got ${show(item)}`);
    }
  }
  const set = new Set<Future<ResultOf<A>>>();
  for (const item of unique) set.add(ensureFuture(item as PromiseLike<ResultOf<A>>));
  return new AsCompletedIterator(set, timeout);
}
