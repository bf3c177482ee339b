/**
 * `Queue<T>`: a first-in first-out queue shared by threads, in `SharedArrayBuffer`s.
 *
 *   put(item) ─ v8.serialize (no lock held) ─► guard: room? store bytes, count++,
 *        │                                     unfinished++, wake one getter
 *        └─ full ─► sleep in notFull ─► retry
 *   get()     ─ guard: item? take bytes, count--, wake one putter ─► v8.deserialize
 *        └─ empty ─► sleep in notEmpty ─► retry
 *   taskDone() ─ guard: unfinished-- ─► at 0 wake every join()
 *
 * This is CPython's `queue.Queue` (a mutex and the conditions `not_empty`, `not_full`,
 * `all_tasks_done`) on concur's Monitor: a guard held only for the few statements that
 * touch the shared state, and wait lists slept on with the guard released. Items are
 * serialized before the guard is taken and deserialized after it is released, so user
 * code (getters run by the serializer) never runs inside it. The bytes live in a growable
 * buffer (internal/itemStore.ts) of at most `maxBytes`.
 *
 * @module
 */
import { inspect } from 'node:util';
import { deserialize, serialize } from 'node:v8';

import { QueueEmpty, QueueFull, QueueShutDown } from '../errors.js';
import {
  assertMayBlock,
  checkAcquireOptions,
  deadlineAfter,
  type SyncOptions,
} from '../internal/futex.js';
import { HeapStore, RingStore, type ItemStore, type StoreState } from '../internal/itemStore.js';
import { BLOCKED, Monitor, TIMED_OUT } from '../internal/monitor.js';
import { breakIfOwnedBy } from '../internal/mutex.js';
import { kOwnerDied, trackOwned, type OwnedPrimitive } from '../internal/owners.js';
import {
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shareable.js';
import { argRangeError, argTypeError, checkInteger, show } from '../internal/validate.js';
import { WaitList, type WaitListState } from '../internal/waitList.js';

const GUARD = 0;
const COUNT = 1;
const UNFINISHED = 2;
const SHUTDOWN = 3;
const MAXSIZE = 4;
const KIND = 5;
/** Set when a put waits for bytes (not slots): the next get wakes every putter. */
const BYTES_WAIT = 6;
const WORDS = 8;

/** Storage kinds. */
export const FIFO = 0;
export const LIFO = 1;
export const PRIORITY = 2;

/** The default `maxBytes`: 64 MiB of address space reserved, committed as items arrive. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const MAX_MAXSIZE = 2 ** 31 - 1;

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

interface QueueState {
  readonly words: SharedArrayBuffer;
  readonly store: StoreState;
  readonly notEmpty: WaitListState;
  readonly notFull: WaitListState;
  readonly allTasksDone: WaitListState;
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
  /** @internal */ protected _words!: Int32Array;
  /** @internal */ protected _store!: ItemStore;
  private _monitor!: Monitor;
  private _notEmpty!: WaitList;
  private _notFull!: WaitList;
  private _allTasksDone!: WaitList;
  private _maxBytes!: number;

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
    const { maxsize, maxBytes } = readOptions(this._name(), options);
    const words = new Int32Array(new SharedArrayBuffer(WORDS * Int32Array.BYTES_PER_ELEMENT));
    words[MAXSIZE] = maxsize;
    words[KIND] = this._kind();
    this._attach(
      words,
      makeStore(this._kind(), maxBytes),
      new WaitList(),
      new WaitList(),
      new WaitList(),
    );
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
    const bytes = this._serialize(item, 'put');
    const key = this._key(item);
    return this._putAsync(bytes, key, timeout);
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
    const bytes = this._serialize(item, 'putSync');
    const key = this._key(item);
    const outcome = this._monitor.untilSync(this._notFull, deadlineAfter(timeout), () =>
      this._tryPut(bytes, key),
    );
    if (outcome === TIMED_OUT) throw this._fullError(timeout);
  }

  /**
   * Puts `item` if there is room now. Python: `q.put_nowait(item)`.
   *
   * @throws QueueFull if full; QueueShutDown once shut down; TypeError/RangeError as
   * `put`.
   */
  putNowait(item: T): void {
    const bytes = this._serialize(item, 'putNowait');
    const key = this._key(item);
    const outcome = this._monitor.run(() => this._tryPut(bytes, key));
    if (outcome === BLOCKED) throw this._fullError(0);
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
    return this._getAsync(timeout);
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
    const outcome = this._monitor.untilSync(this._notEmpty, deadlineAfter(timeout), () =>
      this._tryGet(),
    );
    if (outcome === TIMED_OUT) throw this._emptyError(timeout);
    return deserialize(outcome) as T;
  }

  /**
   * Takes the next item if there is one now. Python: `q.get_nowait()`.
   *
   * @throws QueueEmpty if empty; QueueShutDown once shut down and empty.
   */
  getNowait(): T {
    const outcome = this._monitor.run(() => this._tryGet());
    if (outcome === BLOCKED) throw this._emptyError(0);
    return deserialize(outcome) as T;
  }

  /**
   * Marks one item taken by `get` as processed; once every put item is, `join()`
   * returns. Python: `q.task_done()`.
   *
   * @throws RangeError if called more times than items were put (Python: `ValueError`).
   */
  taskDone(): void {
    const words = this._words;
    this._monitor.run(() => {
      const unfinished = Atomics.load(words, UNFINISHED) - 1;
      if (unfinished < 0) {
        throw argRangeError(
          `${this._name()}.taskDone() was called more times than there were items put`,
        );
      }
      Atomics.store(words, UNFINISHED, unfinished);
      if (unfinished === 0) this._allTasksDone.wake(Infinity);
    });
  }

  /**
   * Waits until every item put has been marked done with `taskDone()`.
   * Python: `q.join()`.
   *
   * Cancellation: rejects with `CancelledError`.
   */
  async join(): Promise<void> {
    await this._monitor.until(this._allTasksDone, Infinity, () => this._tryJoin());
  }

  /**
   * The blocking twin of `join`, for worker threads.
   *
   * @throws InvalidStateError on the main thread (unless `allowMainThread`) when it
   * would block.
   */
  joinSync(options?: SyncOptions): void {
    assertMayBlock(`${this._name()}.joinSync()`, options);
    this._monitor.untilSync(this._allTasksDone, Infinity, () => this._tryJoin());
  }

  /**
   * Shuts the queue down: puts fail with `QueueShutDown`; gets drain the items left,
   * then fail; blocked callers are woken. With `immediate`, the items left are dropped
   * (each marked done, which may release `join()`) and gets fail at once. Calling it
   * again is harmless. Python 3.13: `q.shutdown(immediate=False)`.
   */
  shutdown(immediate = false): void {
    const words = this._words;
    this._monitor.run(() => {
      Atomics.store(words, SHUTDOWN, 1);
      if (immediate) {
        const count = Atomics.load(words, COUNT);
        this._store.clear();
        Atomics.store(words, COUNT, 0);
        Atomics.store(words, UNFINISHED, Math.max(0, Atomics.load(words, UNFINISHED) - count));
        this._allTasksDone.wake(Infinity);
      }
      this._notEmpty.wake(Infinity);
      this._notFull.wake(Infinity);
    });
  }

  /** True once `shutdown()` was called. Python 3.13: `q.is_shutdown`. */
  get isShutdown(): boolean {
    return Atomics.load(this._words, SHUTDOWN) === 1;
  }

  /** The item bound (`0`: unbounded). Python: `q.maxsize`. */
  get maxsize(): number {
    return Atomics.load(this._words, MAXSIZE);
  }

  /**
   * Changes the bound for every thread (Python allows assigning `q.maxsize`); a larger
   * bound lets waiting puts proceed. Items already queued stay.
   *
   * @throws TypeError/RangeError as the constructor's `maxsize`.
   */
  set maxsize(maxsize: number) {
    const bound = readOptions(this._name(), { maxsize }).maxsize;
    this._monitor.run(() => {
      Atomics.store(this._words, MAXSIZE, bound);
      this._notFull.wake(Infinity);
    });
  }

  /** Items in the queue now (a snapshot). Python: `q.qsize()`. */
  qsize(): number {
    return Atomics.load(this._words, COUNT);
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
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = await this.get();
      } catch (error) {
        if (error instanceof QueueShutDown) return;
        throw error;
      }
      yield item;
    }
  }

  /** A snapshot: sizes, waiters and state. */
  statistics(): QueueStatistics {
    const words = this._words;
    return {
      qsize: this.qsize(),
      maxsize: this.maxsize,
      unfinishedTasks: Atomics.load(words, UNFINISHED),
      getters: this._notEmpty.size,
      putters: this._notFull.size,
      joiners: this._allTasksDone.size,
      shutdown: this.isShutdown,
      bytes: this._store.usedBytes(),
    };
  }

  /** `<Queue qsize=3 maxsize=10 unfinished=3 getters=1>`. */
  [inspect.custom](): string {
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
    return {
      __concur: this._name(),
      state: {
        words: this._words.buffer as SharedArrayBuffer,
        store: this._store.share(),
        notEmpty: this._notEmpty.share(),
        notFull: this._notFull.share(),
        allTasksDone: this._allTasksDone.share(),
      } satisfies QueueState,
    };
  }

  /** @internal A thread killed inside the guard breaks the queue. */
  [kOwnerDied](threadId: number): boolean {
    if (!breakIfOwnedBy(this._words, GUARD, threadId)) return false;
    this._notEmpty.rouseAll();
    this._notFull.rouseAll();
    this._allTasksDone.rouseAll();
    return true;
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

  // -------------------------------------------------------------------------------------
  // The steps, run under the guard.

  private _tryPut(bytes: Uint8Array, key: number): true | typeof BLOCKED {
    const words = this._words;
    if (Atomics.load(words, SHUTDOWN) === 1) {
      throw new QueueShutDown(`${this._name()} is shut down; no more puts`);
    }
    const maxsize = Atomics.load(words, MAXSIZE);
    if (maxsize > 0 && Atomics.load(words, COUNT) >= maxsize) return BLOCKED;
    if (!this._store.put(bytes, key)) {
      Atomics.store(words, BYTES_WAIT, 1);
      return BLOCKED;
    }
    Atomics.add(words, COUNT, 1);
    Atomics.add(words, UNFINISHED, 1);
    this._notEmpty.wakeOne();
    return true;
  }

  private _tryGet(): Uint8Array | typeof BLOCKED {
    const words = this._words;
    if (Atomics.load(words, COUNT) > 0) {
      const bytes = this._store.take();
      Atomics.sub(words, COUNT, 1);
      if (Atomics.load(words, BYTES_WAIT) === 1) {
        // Putters may wait for bytes rather than a slot: let all of them look again.
        Atomics.store(words, BYTES_WAIT, 0);
        this._notFull.wake(Infinity);
      } else {
        this._notFull.wakeOne();
      }
      return bytes;
    }
    if (Atomics.load(words, SHUTDOWN) === 1) {
      throw new QueueShutDown(`${this._name()} is shut down and empty`);
    }
    return BLOCKED;
  }

  private _tryJoin(): true | typeof BLOCKED {
    return Atomics.load(this._words, UNFINISHED) === 0 ? true : BLOCKED;
  }

  private async _putAsync(bytes: Uint8Array, key: number, timeout: number): Promise<void> {
    const outcome = await this._monitor.until(this._notFull, deadlineAfter(timeout), () =>
      this._tryPut(bytes, key),
    );
    if (outcome === TIMED_OUT) throw this._fullError(timeout);
  }

  private async _getAsync(timeout: number): Promise<T> {
    const outcome = await this._monitor.until(this._notEmpty, deadlineAfter(timeout), () =>
      this._tryGet(),
    );
    if (outcome === TIMED_OUT) throw this._emptyError(timeout);
    return deserialize(outcome) as T;
  }

  private _serialize(item: T, method: string): Uint8Array {
    let bytes: Uint8Array;
    try {
      bytes = serialize(item);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failure = argTypeError(
        `${this._name()}.${method}() cannot copy ${show(item)} to another thread (${reason}); ` +
          'put structured-cloneable data (no functions, symbols or shared memory)',
      );
      failure.cause = error;
      throw failure;
    }
    const record = this._store.recordSize(bytes.length);
    const max = this._maxBytes;
    if (record > max) {
      throw argRangeError(
        `${this._name()}.${method}(): the item takes ${bytes.length} bytes serialized, more ` +
          `than the queue's maxBytes (${max}); make the queue with a larger maxBytes`,
      );
    }
    return bytes;
  }

  private _fullError(timeout: number): QueueFull {
    return new QueueFull(
      timeout === 0
        ? `${this._name()} is full (maxsize ${this.maxsize || 'unbounded'}, ${this._store.usedBytes()} bytes used)`
        : `${this._name()} stayed full for the ${timeout} ms timeout`,
    );
  }

  private _emptyError(timeout: number): QueueEmpty {
    return new QueueEmpty(
      timeout === 0
        ? `${this._name()} is empty`
        : `${this._name()} stayed empty for the ${timeout} ms timeout`,
    );
  }

  /** @internal */
  _attach(
    words: Int32Array,
    store: ItemStore,
    notEmpty: WaitList,
    notFull: WaitList,
    allTasksDone: WaitList,
  ): this {
    this._words = words;
    this._store = store;
    this._notEmpty = notEmpty;
    this._notFull = notFull;
    this._allTasksDone = allTasksDone;
    this._monitor = new Monitor(words, GUARD, `the ${this._name()}'s internal guard`);
    this._maxBytes = store.share().data.maxByteLength;
    trackOwned(this);
    return this;
  }

  /** @internal Rebuilds a handle of class `cls` from shared state. */
  static _revive<Q extends Queue<any>>(cls: { prototype: Q }, state: QueueState): Q {
    const queue = Object.create(cls.prototype) as Q;
    const words = new Int32Array(state.words);
    const kind = words[KIND] as number;
    const maxBytes = state.store.data.maxByteLength;
    return queue._attach(
      words,
      makeStore(kind, maxBytes, state.store),
      new WaitList(state.notEmpty),
      new WaitList(state.notFull),
      new WaitList(state.allTasksDone),
    );
  }

  static {
    registerShareable('Queue', (state: QueueState) => Queue._revive(Queue, state));
  }
}

function makeStore(kind: number, maxBytes: number, state?: StoreState): ItemStore {
  return kind === FIFO
    ? new RingStore(maxBytes, state)
    : new HeapStore(maxBytes, kind === LIFO, state);
}

/** Reads `maxsize` / `{ maxsize, maxBytes }`. */
function readOptions(
  name: string,
  options: number | QueueOptions,
): { maxsize: number; maxBytes: number } {
  let maxsize: unknown = 0;
  let maxBytes: unknown = DEFAULT_MAX_BYTES;
  if (typeof options === 'number') {
    maxsize = options;
  } else if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
    maxsize = options.maxsize ?? 0;
    maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  } else {
    throw argTypeError(
      `${name}() takes a maxsize number or an options object, got ${show(options)}`,
    );
  }
  if (maxsize === Infinity) maxsize = 0;
  checkInteger(`${name} maxsize`, maxsize, 0);
  if ((maxsize as number) > MAX_MAXSIZE) {
    throw argRangeError(
      `${name} maxsize must be <= ${MAX_MAXSIZE} (or 0 / Infinity), got ${show(maxsize)}`,
    );
  }
  checkInteger(`${name} maxBytes`, maxBytes, 1024);
  return { maxsize: maxsize as number, maxBytes: maxBytes as number };
}
