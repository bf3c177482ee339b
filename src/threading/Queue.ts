/**
 * `Queue<T>`: a first-in first-out queue shared by threads, in `SharedArrayBuffer`s — the
 * public face of the engine in internal/shm/sharedQueue.ts: it checks arguments, serializes
 * items with `v8.serialize` (outside the guard) and deserializes what it takes.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';
import { v8Serializer } from '../internal/runtime/support.js';

import {
  assertMayBlock,
  checkAcquireOptions,
  deadlineAfter,
  type SyncOptions,
} from '../internal/shm/futex.js';
import { kOwnerDied, trackOwned, type OwnedPrimitive } from '../internal/shm/owners.js';
import { FIFO, QueueCore, readQueueOptions, type QueueState } from '../internal/shm/sharedQueue.js';
import {
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';
import { untilShutDown } from '../internal/base/untilShutDown.js';

export { FIFO, LIFO, PRIORITY } from '../internal/shm/sharedQueue.js';

/** Options of `new Queue(options)`. */
export interface QueueOptions {
  /** The most items the queue holds; `0` (default) or `Infinity`: unbounded. */
  readonly maxsize?: number | undefined;
  /**
   * The most bytes the serialized items may take (default 64 MiB). The buffer grows as
   * needed up to this size; an item larger than it is refused with a `RangeError`, and a
   * `put` that does not fit waits as if the queue were full.
   */
  readonly maxBytes?: number | undefined;
}

/** Options of the async `put`/`get`: Python's `block` and `timeout`. */
export interface QueueWaitOptions {
  /** Wait for room / an item (default), or fail at once (`QueueFull` / `QueueEmpty`). */
  readonly block?: boolean | undefined;
  /** The longest wait in ms; `-1`/`undefined`: no limit. Then `QueueFull`/`QueueEmpty`. */
  readonly timeout?: number | null | undefined;
}

/** Options of `putSync`/`getSync`. */
export interface QueueSyncOptions extends QueueWaitOptions, SyncOptions {}

/** A snapshot of a threading queue, from `statistics()`. */
export interface QueueStatistics {
  readonly qsize: number;
  readonly maxsize: number;
  readonly unfinishedTasks: number;
  /** Threads and tasks waiting in `get`. */
  readonly getters: number;
  /** Threads and tasks waiting in `put`. */
  readonly putters: number;
  /** Threads and tasks waiting in `join`. */
  readonly joiners: number;
  readonly shutdown: boolean;
  /** Bytes the serialized items take now. */
  readonly bytes: number;
}

/**
 * A first-in first-out queue shared by threads: any thread (or task) puts, any takes.
 * Items are copied (structured clone, through `v8.serialize`), so a consumer gets its
 * own copy.
 *
 * Python equivalent: `queue.Queue(maxsize)` with 3.13's `shutdown` — `put`/`get`
 * (async, `{ block, timeout }`), `putSync`/`getSync` (blocking twins for worker
 * threads), `putNowait`/`getNowait`, `qsize`, `empty`, `full`, `taskDone`, `join`
 * (`joinSync`), `shutdown(immediate)`, `isShutdown`. A timed-out `put`/`get` fails with
 * `QueueFull`/`QueueEmpty`, as Python's; after `shutdown()`, puts fail with
 * `QueueShutDown`, gets drain what is left and then fail, and blocked callers wake to
 * fail; `shutdown(true)` discards the items (marking each done).
 *
 * Differences:
 * - Items must be structured-cloneable (no functions, no class identity: a class
 *   instance arrives as a plain object), and may not contain shared primitives or
 *   `SharedArrayBuffer`s (send those as task arguments instead).
 * - Storage is bounded in bytes too (`maxBytes`, default 64 MiB): an item whose
 *   serialized form exceeds it is refused with `RangeError`; a put that does not fit the
 *   bytes left waits (or fails with `QueueFull`) as for a full queue.
 * - `maxsize` must be a non-negative integer or `Infinity` (Python treats negative as
 *   unbounded); `taskDone()` too often throws `RangeError` (Python: `ValueError`).
 * - `putSync`/`getSync`/`joinSync` that would block refuse to run on the main thread
 *   unless allowed (see `Lock`); non-blocking calls work anywhere.
 * - Waiters are not served first-in first-out; a thread that dies inside a queue
 *   operation (killed by `terminate()`) breaks the queue (`BrokenResourceError`).
 *
 * Cancellation: a cancelled `put` puts nothing, a cancelled `get` takes nothing, and a
 * wake-up it received goes to the next waiter.
 *
 * @example
 * ```ts
 * const jobs = new Queue<number>({ maxsize: 100 });
 * // workers: for (;;) { const n = jobs.getSync(); …; jobs.taskDone(); }
 * for (const n of inputs) await jobs.put(n);
 * await jobs.join();
 * jobs.shutdown();
 * ```
 */
export class Queue<T = unknown> implements Shareable, OwnedPrimitive {
  private _core!: QueueCore;

  /**
   * Makes an empty queue holding at most `maxsize` items (`0`, the default, or
   * `Infinity`: unbounded).
   *
   * @throws TypeError/RangeError for a `maxsize` that is not a non-negative integer (or
   * `Infinity`), or a `maxBytes` that is not an integer >= 1024.
   */
  constructor(maxsize?: number);
  constructor(options?: QueueOptions);
  constructor(options: number | QueueOptions = 0) {
    const name = this._name();
    this._attach(new QueueCore(name, this._kind(), readQueueOptions(name, options)));
  }

  /**
   * Puts `item`, waiting while the queue is full.
   *
   * Python equivalent: `q.put(item, block=True, timeout=None)`, without blocking the
   * thread.
   *
   * Cancellation: rejects with `CancelledError`; nothing is put.
   *
   * @throws TypeError if `item` cannot be cloned; RangeError if it is larger than
   * `maxBytes`, or for bad options. Rejects with QueueShutDown once shut down, QueueFull
   * when `block` is false or the timeout passes while full.
   */
  put(item: T, options?: QueueWaitOptions): Promise<void> {
    const timeout = checkAcquireOptions(`${this._name()}.put()`, options, 'block');
    const bytes = this._core.serialize(item, 'put');
    return this._core.put(bytes, this._key(item), deadlineAfter(timeout), timeout);
  }

  /**
   * The blocking twin of `put`, for worker threads.
   *
   * @throws as `put` (synchronously); InvalidStateError on the main thread when it would
   * block, unless `allowMainThread`.
   */
  putSync(item: T, options?: QueueSyncOptions): void {
    const timeout = checkAcquireOptions(`${this._name()}.putSync()`, options, 'block');
    if (timeout > 0) assertMayBlock(`${this._name()}.putSync()`, options);
    const bytes = this._core.serialize(item, 'putSync');
    this._core.putSync(bytes, this._key(item), deadlineAfter(timeout), timeout);
  }

  /**
   * Puts `item` if there is room now. Python: `q.put_nowait(item)`.
   *
   * @throws QueueFull if full; QueueShutDown once shut down; TypeError/RangeError as
   * `put`.
   */
  putNowait(item: T): void {
    const bytes = this._core.serialize(item, 'putNowait');
    this._core.putNow(bytes, this._key(item));
  }

  /**
   * Takes the next item, waiting while the queue is empty.
   *
   * Python equivalent: `q.get(block=True, timeout=None)`, without blocking the thread.
   *
   * Cancellation: rejects with `CancelledError`; nothing is taken.
   *
   * @throws RangeError/TypeError for bad options. Rejects with QueueShutDown once shut
   * down and empty, QueueEmpty when `block` is false or the timeout passes while empty.
   */
  get(options?: QueueWaitOptions): Promise<T> {
    const timeout = checkAcquireOptions(`${this._name()}.get()`, options, 'block');
    return this._getAsync(deadlineAfter(timeout), timeout);
  }

  /**
   * The blocking twin of `get`, for worker threads.
   *
   * @throws QueueEmpty/QueueShutDown as `get`; InvalidStateError on the main thread when
   * it would block, unless `allowMainThread`.
   */
  getSync(options?: QueueSyncOptions): T {
    const timeout = checkAcquireOptions(`${this._name()}.getSync()`, options, 'block');
    if (timeout > 0) assertMayBlock(`${this._name()}.getSync()`, options);
    return v8Serializer().deserialize(this._core.getSync(deadlineAfter(timeout), timeout)) as T;
  }

  /**
   * Takes the next item if there is one now. Python: `q.get_nowait()`.
   *
   * @throws QueueEmpty if empty; QueueShutDown once shut down and empty.
   */
  getNowait(): T {
    return v8Serializer().deserialize(this._core.getNow()) as T;
  }

  /**
   * Marks one item taken by `get` as processed; once every put item is, `join()`
   * returns. Python: `q.task_done()`.
   *
   * @throws RangeError if called more times than items were put (Python: `ValueError`).
   */
  taskDone(): void {
    this._core.taskDone();
  }

  /**
   * Waits until every item put has been marked done with `taskDone()`.
   * Python: `q.join()`.
   *
   * Cancellation: rejects with `CancelledError`.
   */
  join(): Promise<void> {
    return this._core.join();
  }

  /**
   * The blocking twin of `join`, for worker threads.
   *
   * @throws InvalidStateError on the main thread (unless `allowMainThread`) when it
   * would block.
   */
  joinSync(options?: SyncOptions): void {
    assertMayBlock(`${this._name()}.joinSync()`, options);
    this._core.joinSync();
  }

  /**
   * Shuts the queue down: puts fail with `QueueShutDown`; gets drain the items left,
   * then fail; blocked callers are woken. With `immediate`, the items left are dropped
   * (each marked done, which may release `join()`) and gets fail at once. Calling it
   * again is harmless. Python 3.13: `q.shutdown(immediate=False)`.
   */
  shutdown(immediate = false): void {
    this._core.shutdown(immediate);
  }

  /** True once `shutdown()` was called. Python 3.13: `q.is_shutdown`. */
  get isShutdown(): boolean {
    return this._core.isShutdown;
  }

  /** The item bound (`0`: unbounded). Python: `q.maxsize`. */
  get maxsize(): number {
    return this._core.maxsize;
  }

  /**
   * Changes the bound for every thread (Python allows assigning `q.maxsize`); a larger
   * bound lets waiting puts proceed. Items already queued stay.
   *
   * @throws TypeError/RangeError as the constructor's `maxsize`.
   */
  set maxsize(maxsize: number) {
    this._core.maxsize = readQueueOptions(this._name(), { maxsize }).maxsize;
  }

  /** Items in the queue now (a snapshot). Python: `q.qsize()`. */
  qsize(): number {
    return this._core.qsize;
  }

  /** True if the queue holds no item now. Python: `q.empty()`. */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** True if the queue holds `maxsize` items now. Python: `q.full()`. */
  full(): boolean {
    const maxsize = this.maxsize;
    return maxsize > 0 && this.qsize() >= maxsize;
  }

  /** Items until the queue is shut down and drained: `for await (const x of q)`. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilShutDown(() => this.get());
  }

  /** A snapshot: sizes, waiters and state. */
  statistics(): QueueStatistics {
    const core = this._core;
    return {
      qsize: core.qsize,
      maxsize: core.maxsize,
      unfinishedTasks: core.unfinished,
      getters: core.getters,
      putters: core.putters,
      joiners: core.joiners,
      shutdown: core.isShutdown,
      bytes: core.usedBytes,
    };
  }

  /** `<Queue qsize=3 maxsize=10 unfinished=3 getters=1>`. */
  [inspectCustom](): string {
    const s = this.statistics();
    const parts = [`qsize=${s.qsize}`];
    if (s.maxsize > 0) parts.push(`maxsize=${s.maxsize}`);
    if (s.unfinishedTasks > 0) parts.push(`unfinished=${s.unfinishedTasks}`);
    if (s.getters > 0) parts.push(`getters=${s.getters}`);
    if (s.putters > 0) parts.push(`putters=${s.putters}`);
    if (s.shutdown) parts.push('shut down');
    return `<${this._name()} ${parts.join(' ')}>`;
  }

  /** @internal The shareable protocol. */
  [kShare](): SharedState {
    return { __concur: this._name(), state: { ...this._core.share() } };
  }

  /** @internal A thread killed inside the guard breaks the queue. */
  [kOwnerDied](threadId: number): boolean {
    return this._core.ownerDied(threadId);
  }

  // -------------------------------------------------------------------------------------
  // Hooks for the subclasses.

  /** @internal The storage kind. */
  protected _kind(): number {
    return FIFO;
  }

  /** @internal The class name, for messages and the shareable registry. */
  protected _name(): string {
    return 'Queue';
  }

  /** @internal The priority of `item` (only PriorityQueue uses it). */
  protected _key(_item: T): number {
    return 0;
  }

  private async _getAsync(deadline: number, timeout: number): Promise<T> {
    return v8Serializer().deserialize(await this._core.get(deadline, timeout)) as T;
  }

  /** @internal */
  _attach(core: QueueCore): this {
    this._core = core;
    trackOwned(this);
    return this;
  }

  /** @internal Rebuilds a handle of class `cls` from shared state. */
  static _revive<Q extends Queue<any>>(cls: { prototype: Q }, state: QueueState): Q {
    const queue = Object.create(cls.prototype) as Q;
    return queue._attach(new QueueCore(queue._name(), FIFO, state));
  }

  static {
    registerShareable('Queue', (state: QueueState) => Queue._revive(Queue, state));
  }
}
