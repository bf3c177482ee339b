/**
 * `Queue<T>`: a first-in first-out queue for producer and consumer tasks, with asyncio's
 * semantics — bounded or not, `taskDone`/`join`, and `shutdown`.
 *
 * The algorithm is CPython 3.13/3.14's `asyncio/queues.py`:
 *
 *   put(item) ──full?──► wait in `putters` ──woken by getNowait/shutdown──► retry
 *      └─ room ─► _put(item), unfinished++ ─► wake the first getter
 *   get()     ──empty?─► wait in `getters` ──woken by putNowait/shutdown──► retry
 *      └─ item ─► _get() ─► wake the first putter
 *   taskDone() ─► unfinished-- ─► at 0, wake every join()
 *
 * A wake-up is only permission to try again: the woken task takes the item (or the free
 * slot) itself when it resumes, so a task cancelled between its wake-up and its resumption
 * takes nothing and passes the wake-up on to the next waiter. No item is lost or
 * duplicated by a cancellation, and a cancelled waiter leaves its waiter queue at once.
 *
 * Hot path: `put`/`get` on a queue that has room or an item make no future and no
 * closure — `put` returns one shared resolved promise, `get` one `Promise.resolve(item)`
 * — and the storage is a ring buffer (`Array.prototype.shift` is O(n)). Measured on
 * Node 20, outside a task: `await q.put(i); await q.get()` ~80 ns a pair, against
 * ~130 ns for an array behind two async functions; `putNowait` + `getNowait` ~8–12 ns
 * at any depth, where `push` + `shift` on an array holding 100 000 items takes 8–18 µs.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { QueueEmpty, QueueFull, QueueShutDown } from '../errors.js';
import { Deque } from '../internal/base/Deque.js';
import { argRangeError, argTypeError, show } from '../internal/base/validate.js';
import { Waiters } from '../internal/loop/waiterQueue.js';
import { untilShutDown } from '../internal/base/untilShutDown.js';

/** Options of `new Queue(options)`. */
export interface QueueOptions {
  /**
   * The most items the queue holds; `put` waits while it is full. `0` (the default) or
   * `Infinity` means unbounded. A non-negative integer.
   */
  maxsize?: number;
}

/** A snapshot of a queue's state, from `statistics()`. */
export interface QueueStatistics {
  /** Items in the queue now. */
  qsize: number;
  /** The bound given at construction (`0` or `Infinity`: unbounded). */
  maxsize: number;
  /** Items put and not yet marked done with `taskDone()`. */
  unfinishedTasks: number;
  /** Calls to `get()` waiting for an item. */
  getters: number;
  /** Calls to `put()` waiting for a free slot. */
  putters: number;
  /** Calls to `join()` waiting for the unfinished count to reach 0. */
  joiners: number;
  /** True once `shutdown()` was called. */
  shutdown: boolean;
}

/**
 * The promise `put` returns when no wait is needed: already resolved, shared by every
 * call. Safe to share — a settled promise cannot change, and each `await`/`then` on it
 * makes its own derived promise. Saves one allocation per `put` (the async-function
 * version allocated a promise and a generator frame per call).
 */
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A first-in first-out queue connecting producer and consumer tasks.
 *
 * Python equivalent: `asyncio.Queue(maxsize)` (3.13+, with `shutdown`). `put` waits while
 * the queue is full, `get` while it is empty; `putNowait`/`getNowait` throw `QueueFull` /
 * `QueueEmpty` instead. Every item put counts as an unfinished task until a consumer
 * calls `taskDone()`; `join()` waits until none is left. `shutdown()` stops the queue:
 * puts fail with `QueueShutDown`, gets drain what is left and then fail, and every
 * blocked `put`/`get` is woken to fail; `shutdown(true)` also discards the items left
 * (marking each done, which can release `join()`) so gets fail at once.
 *
 * Differences:
 * - `maxsize` must be a non-negative integer (or `Infinity`): a negative or fractional
 *   bound throws `RangeError` where Python silently treats it as unbounded or rounds up.
 *   `new Queue({ maxsize })` works as well as `new Queue(maxsize)`.
 * - `taskDone()` called too often throws `RangeError` (Python: `ValueError`).
 * - `get()` resolves a promise with the item, and a promise adopts a thenable: an item
 *   that is a promise or a concur `Future` is awaited by `await queue.get()` instead of
 *   returned. Box such items (`{ task }`), or take them with `getNowait()`.
 * - `put()` and `get()` report every failure (`QueueShutDown`, …) by rejecting; only
 *   `putNowait()`/`getNowait()` throw.
 * - Extras: `for await (const item of queue)` (until shut down and drained),
 *   `statistics()`, and a readable `util.inspect` form.
 *
 * Cancellation: `put()` and `get()` are cancellation points only when they wait (as in
 * Python, a call that need not wait does not yield to the loop's cancellation). A
 * cancelled `get` takes no item; a cancelled `put` puts nothing; a waiter woken and then
 * cancelled passes its wake-up on. A cancel reaches them through the task that awaits
 * them, so pass a function to `waitFor`: Python's `wait_for(queue.get(), 1)` is
 * `waitFor(() => queue.get(), 1000)`. `waitFor(queue.get(), 1000)` — a promise — cannot
 * cancel the get: it stays registered after the timeout and takes a later item that
 * nobody receives.
 *
 * Subclassing: as in Python, a subclass changes the storage by overriding the hooks
 * `_init`, `_qsize`, `_put`, `_get` (and `_clear`, for speed) — see `PriorityQueue` and
 * `LifoQueue`. Not safe across threads: it is an asyncio queue (see
 * `concur-ts/threading` for thread queues).
 *
 * @example
 * ```ts
 * const queue = new Queue<string>(10);
 * await TaskGroup.run(async (tg) => {
 *   tg.createTask(async () => {
 *     for await (const url of queue) {
 *       await fetchPage(url);
 *       queue.taskDone();
 *     }
 *   });
 *   for (const url of urls) await queue.put(url);
 *   await queue.join(); // every url processed
 *   queue.shutdown(); // the worker's loop ends
 * });
 * ```
 */
export class Queue<T = unknown> {
  /** The bound; `0` or `Infinity` means none. Never negative. */
  private readonly _maxsize: number;
  /** Tasks waiting in `get()`. A woken getter is removed as it is woken (Python pops it). */
  private readonly getters = new Waiters<void>();
  /** Tasks waiting in `put()`; same discipline as `getters`. */
  private readonly putters = new Waiters<void>();
  /** Tasks waiting in `join()`; they stay until they resume (Python: an `Event`). */
  private readonly joiners = new Waiters<void>();
  /** Items put and not yet `taskDone()`; `join()` waits for 0. Never negative. */
  private unfinished = 0;
  /** Set once by `shutdown()`, never cleared. */
  private isShutdown = false;
  /** The default storage; subclasses that override `_init` never create it. */
  private items!: Deque<T>;

  /**
   * Makes an empty queue holding at most `maxsize` items (`0`, the default, or
   * `Infinity`: unbounded).
   *
   * @throws TypeError if `maxsize` is not a number (or the options not an object);
   * RangeError if it is negative, fractional or NaN.
   */
  constructor(maxsize?: number);
  constructor(options?: QueueOptions);
  constructor(options: number | QueueOptions = 0) {
    let maxsize: unknown;
    let resolved: QueueOptions;
    if (typeof options === 'number') {
      maxsize = options;
      resolved = {};
    } else if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
      maxsize = options.maxsize ?? 0;
      resolved = options;
    } else {
      throw argTypeError(
        `${this.constructor.name}() takes a maxsize number or an options object, got ${show(options)}`,
      );
    }
    this._maxsize = checkMaxsize(this.constructor.name, maxsize);
    this._init(this._maxsize, resolved);
  }

  // ---------------------------------------------------------------------------------------
  // Storage hooks, overridable in subclasses (Python: `_init`, `_put`, `_get`).

  /**
   * Creates the storage. Called once, by the constructor, with the validated `maxsize`
   * and the options object the constructor received (so a subclass can take options of
   * its own, as `PriorityQueue` takes `compare`).
   *
   * It runs before the subclass's own field initialisers: keep the storage in a field
   * declared with `declare` (`declare private heap: Heap<T>`), or a field initialiser
   * would overwrite it afterwards.
   */
  protected _init(_maxsize: number, _options: QueueOptions): void {
    this.items = new Deque<T>();
  }

  /** Number of items in the storage. */
  protected _qsize(): number {
    return this.items.length;
  }

  /** Adds `item` to the storage (there is room). If it throws, nothing was added. */
  protected _put(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the next item (the storage is not empty). */
  protected _get(): T {
    return this.items.shift() as T;
  }

  /**
   * Removes every item; used by `shutdown(true)`. The default calls `_get()` until
   * `_qsize()` is 0, which is right for any storage; override it to be faster.
   */
  protected _clear(): void {
    while (this._qsize() > 0) this._get();
  }

  // ---------------------------------------------------------------------------------------
  // State.

  /** The bound given at construction; `0` or `Infinity` means unbounded. */
  get maxsize(): number {
    return this._maxsize;
  }

  /** Number of items in the queue. Python: `qsize()`. */
  qsize(): number {
    return this._qsize();
  }

  /** True if the queue holds no item. */
  empty(): boolean {
    return this._qsize() === 0;
  }

  /** True if the queue holds `maxsize` items; never true for an unbounded queue. */
  full(): boolean {
    return this._maxsize > 0 && this._qsize() >= this._maxsize;
  }

  // ---------------------------------------------------------------------------------------
  // Putting.

  /**
   * Puts `item` at the end of the queue, waiting while the queue is full.
   *
   * Python equivalent: `await queue.put(item)`. The promise resolves once the item is in
   * the queue.
   *
   * Cancellation: a cancellation point only while it waits. If cancelled, the item is
   * not put; a slot it was woken for passes to the next waiting `put`.
   *
   * @throws (rejects) QueueShutDown if the queue is shut down, now or while waiting;
   * (rejects) what storing the item throws — a `PriorityQueue`'s `TypeError` for an item
   * it cannot order.
   */
  put(item: T): Promise<void> {
    if (this.isShutdown) return Promise.reject(this.shutDownError('put()'));
    if (!this.full()) {
      try {
        this.putNowait(item);
      } catch (error) {
        return Promise.reject(error);
      }
      return RESOLVED;
    }
    return this.waitAndPut(item);
  }

  private async waitAndPut(item: T): Promise<void> {
    const putters = this.putters;
    while (this.full()) {
      if (this.isShutdown) throw this.shutDownError('put()');
      const putter = putters.add();
      try {
        await putter;
      } catch (error) {
        putter.cancel(); // in case it is not done yet
        putters.delete(putter); // no-op if getNowait or shutdown already removed it
        if (!this.full() && !putter.cancelled()) {
          // Woken by getNowait() but cancelled before resuming: the free slot it was
          // woken for goes to the next putter instead.
          wakeNext(putters);
        }
        throw error;
      }
    }
    if (this.isShutdown) throw this.shutDownError('put()'); // woken by shutdown(true)
    this.putNowait(item);
  }

  /**
   * Puts `item` at the end of the queue if there is room, without waiting.
   *
   * Python equivalent: `queue.put_nowait(item)`.
   *
   * @throws QueueShutDown if the queue is shut down; QueueFull if it is full; what
   * storing the item throws — a `PriorityQueue`'s `TypeError` for an item it cannot
   * order (nothing is then added).
   */
  putNowait(item: T): void {
    if (this.isShutdown) throw this.shutDownError('putNowait()');
    if (this.full()) {
      throw new QueueFull(
        `putNowait() on a full ${this.constructor.name} (maxsize=${this._maxsize}); ` +
          'await put() to wait for a free slot',
      );
    }
    this._put(item);
    this.unfinished++;
    if (this.getters.size !== 0) wakeNext(this.getters);
  }

  // ---------------------------------------------------------------------------------------
  // Getting.

  /**
   * Removes and returns the next item, waiting while the queue is empty.
   *
   * Python equivalent: `await queue.get()`. An item that is itself a promise or a concur
   * `Future` is adopted by the returned promise (box it, or use `getNowait()`). With a
   * timeout: `await waitFor(() => queue.get(), ms)` — a function, so that the timeout
   * can cancel the get (see the class docs).
   *
   * Cancellation: a cancellation point only while it waits. If cancelled, no item is
   * taken; an item it was woken for stays in the queue for the next `get`.
   *
   * @throws (rejects) QueueShutDown if the queue is shut down and empty (now, or once
   * the items left are taken); (rejects) what taking the item throws — a
   * `PriorityQueue` comparator that fails (nothing is then removed).
   */
  get(): Promise<T> {
    if (this._qsize() !== 0) {
      let item: T;
      try {
        item = this.getNowait();
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve(item);
    }
    return this.waitAndGet();
  }

  private async waitAndGet(): Promise<T> {
    const getters = this.getters;
    while (this._qsize() === 0) {
      if (this.isShutdown) throw this.shutDownError('get()');
      const getter = getters.add();
      try {
        await getter;
      } catch (error) {
        getter.cancel(); // in case it is not done yet
        getters.delete(getter); // no-op if putNowait or shutdown already removed it
        if (this._qsize() !== 0 && !getter.cancelled()) {
          // Woken by putNowait() but cancelled before resuming: the item it was woken
          // for goes to the next getter instead, so it is not stranded.
          wakeNext(getters);
        }
        throw error;
      }
    }
    return this.getNowait();
  }

  /**
   * Removes and returns the next item if there is one, without waiting.
   *
   * Python equivalent: `queue.get_nowait()`.
   *
   * @throws QueueShutDown if the queue is shut down and empty; QueueEmpty if it is
   * empty; what taking the item throws — a `PriorityQueue` comparator that fails
   * (nothing is then removed).
   */
  getNowait(): T {
    if (this._qsize() === 0) {
      if (this.isShutdown) throw this.shutDownError('getNowait()');
      throw new QueueEmpty(
        `getNowait() on an empty ${this.constructor.name}; await get() to wait for an item`,
      );
    }
    const item = this._get();
    if (this.putters.size !== 0) wakeNext(this.putters);
    return item;
  }

  // ---------------------------------------------------------------------------------------
  // Tracking work.

  /**
   * Marks one item taken from the queue as processed. When every item put has been
   * marked, `join()` callers resume.
   *
   * Python equivalent: `queue.task_done()`.
   *
   * @throws RangeError if called more times than items were put (Python: `ValueError`).
   */
  taskDone(): void {
    if (this.unfinished <= 0) {
      throw argRangeError(
        `taskDone() called too many times: every item put into this ${this.constructor.name} ` +
          'has already been marked done (call it once per item taken)',
      );
    }
    this.unfinished--;
    if (this.unfinished === 0 && this.joiners.size !== 0) this.joiners.wakeAll();
  }

  /**
   * Waits until every item put has been marked done with `taskDone()` (resolves at once
   * when none is unfinished).
   *
   * Python equivalent: `await queue.join()`.
   *
   * Cancellation: a cancellation point while it waits; cancelling it changes nothing in
   * the queue.
   */
  join(): Promise<void> {
    if (this.unfinished === 0) return RESOLVED;
    return this.waitJoined();
  }

  private async waitJoined(): Promise<void> {
    const waiter = this.joiners.add();
    try {
      await waiter;
    } finally {
      this.joiners.delete(waiter);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Shutting down.

  /**
   * Shuts the queue down: every later `put`/`putNowait` fails with `QueueShutDown`, and
   * `get`/`getNowait` fail with it once the queue is empty. Blocked `put()` and `get()`
   * calls are woken and fail with `QueueShutDown` (a getter only if no item is left).
   *
   * With `immediate = true` the items left are discarded, each counted as done (which
   * releases `join()` when nothing else is unfinished), so `get` fails at once.
   * Calling it again is harmless (and `shutdown(true)` after `shutdown()` still drains).
   *
   * Python equivalent: `queue.shutdown(immediate=False)` (3.13).
   *
   * @throws TypeError if `immediate` is not a boolean.
   */
  shutdown(immediate = false): void {
    if (typeof immediate !== 'boolean') {
      throw argTypeError(`shutdown(immediate) takes a boolean, got ${show(immediate)}`);
    }
    this.isShutdown = true;
    if (immediate) {
      const drained = this._qsize();
      if (drained > 0) this._clear();
      this.unfinished = Math.max(0, this.unfinished - drained);
      if (this.unfinished === 0 && this.joiners.size !== 0) this.joiners.wakeAll();
    }
    // Every waiter re-checks the state and throws QueueShutDown.
    wakeEvery(this.getters);
    wakeEvery(this.putters);
  }

  // ---------------------------------------------------------------------------------------
  // Extras.

  /**
   * Iterates over the items as they arrive: each step is `await queue.get()`, and the
   * loop ends (without error) once the queue is shut down and drained.
   *
   * Not in Python (`async for` over an `asyncio.Queue` is not supported there). It does
   * not call `taskDone()`: call it in the loop body if you use `join()`. Breaking out of
   * the loop leaves the queue as it is. Several loops may consume one queue; each item
   * goes to one of them.
   *
   * @example
   * ```ts
   * for await (const job of queue) await handle(job);
   * // here the queue was shut down and every item taken
   * ```
   */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilShutDown(() => this.get());
  }

  /** The queue's state now: sizes, waiters and whether it is shut down. */
  statistics(): QueueStatistics {
    return {
      qsize: this._qsize(),
      maxsize: this._maxsize,
      unfinishedTasks: this.unfinished,
      getters: this.getters.size,
      putters: this.putters.size,
      joiners: this.joiners.size,
      shutdown: this.isShutdown,
    };
  }

  /** `<Queue maxsize=0 qsize=3 unfinished=3 getters=1 shutdown>` (zero counts omitted). */
  [inspectCustom](): string {
    return this.toString();
  }

  /** Same as the `util.inspect` form. */
  toString(): string {
    let text = `<${this.constructor.name} maxsize=${this._maxsize} qsize=${this._qsize()}`;
    if (this.unfinished !== 0) text += ` unfinished=${this.unfinished}`;
    if (this.getters.size !== 0) text += ` getters=${this.getters.size}`;
    if (this.putters.size !== 0) text += ` putters=${this.putters.size}`;
    if (this.joiners.size !== 0) text += ` joiners=${this.joiners.size}`;
    if (this.isShutdown) text += ' shutdown';
    return `${text}>`;
  }

  private shutDownError(call: string): QueueShutDown {
    return new QueueShutDown(
      call.startsWith('get')
        ? `${call} on a ${this.constructor.name} that was shut down and is empty`
        : `${call} on a ${this.constructor.name} that was shut down`,
    );
  }
}

/**
 * Wakes the first waiter that is not done yet, removing it — and any done ones before it
 * — from `waiters`. Python: `Queue._wakeup_next`, which pops as it wakes, so a woken
 * waiter is never woken twice and is no longer counted as waiting.
 */
function wakeNext(waiters: Waiters<void>): void {
  for (const waiter of waiters) {
    waiters.delete(waiter); // deleting the current entry of a Set iteration is safe
    if (!waiter.done()) {
      waiter.setResult();
      return;
    }
  }
}

/** Wakes every waiter not yet done and empties `waiters`. */
function wakeEvery(waiters: Waiters<void>): void {
  for (const waiter of waiters) {
    waiters.delete(waiter);
    if (!waiter.done()) waiter.setResult();
  }
}

function checkMaxsize(owner: string, maxsize: unknown): number {
  if (typeof maxsize !== 'number') {
    throw argTypeError(`${owner} maxsize must be a number, got ${show(maxsize)}`);
  }
  if (maxsize !== Infinity && !(Number.isInteger(maxsize) && maxsize >= 0)) {
    throw argRangeError(
      `${owner} maxsize must be an integer >= 0 (0 or Infinity: unbounded), got ${show(maxsize)}`,
    );
  }
  return maxsize;
}
