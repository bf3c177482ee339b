/**
 * `Queue`: a first-in first-out queue shared by processes.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import {
  QueueBase,
  type QueueStatistics,
  type QueueWaitOptions,
} from '../internal/ipc/queueHandle.js';
import { registerShareable } from '../internal/shm/shareable.js';

/**
 * A first-in first-out queue shared by processes. Items are structured-cloned (copied)
 * on the way in, so later changes by the producer do not show; concur primitives inside
 * items (queues, locks, connections) arrive as the same primitive.
 *
 * Python equivalent: `multiprocessing.Queue(maxsize=0)`: `put(item, { block, timeout })`,
 * `putNowait`, `get({ block, timeout })`, `getNowait`, `qsize()`, `empty()`, `full()`,
 * `close()`; a full or empty queue raises `Full`/`Empty` (`QueueFull`/`QueueEmpty`).
 *
 * Differences:
 * - The queue lives in its creator's process, so `putNowait`, `getNowait`, `qsize`,
 *   `empty` and `full` return promises (they never wait for room or items, but the
 *   answer comes from the owner).
 * - No feeder thread and no `joinThread()`/`cancelJoinThread()`: a `put` into an
 *   unbounded queue resolves at once and the item leaves at the end of the event-loop
 *   turn, so a process that puts and exits never hangs (Python's "join deadlock") and
 *   never loses the item (a `Process` child flushes before it exits; only an explicit
 *   `process.exit()` right after a `put` can cut it off).
 * - A consumer process fetches items in batches (so a stream needs one round trip per
 *   batch, not per item), but only the first item of a batch is its own: the
 *   others stay on the owner's books, leased to it for 100 ms, and count in `qsize()`.
 *   Each later `get` records the take before the item reaches your code (in a small
 *   file the owner reads when it needs to, so the owner is not woken per item), and
 *   what is left at the end of the turn goes back to the head of the queue. So, as in
 *   Python, a consumer never takes an item it does not get: if it computes (blocks) or
 *   dies with a batch in hand, the rest comes back when the lease ends (within 150 ms)
 *   or its connection drops — nothing is lost or delivered twice. Meanwhile other consumers get
 *   the items behind that batch: across consumers, items can come out of put order by
 *   up to one batch. Bounded queues are not fetched in batches.
 * - An item that cannot be cloned (a function, a class instance) rejects that `put` at
 *   the call with `SerializationError`; the queue carries on.
 * - When the creating process exits, other processes' calls reject with
 *   `BrokenResourceError` (Python's would hang or lose data).
 * - `close()` closes this process's handle only: `put`/`get` here then throw
 *   `InvalidStateError` (Python: `ValueError`).
 *
 * Cancellation: a task cancelled in `get()` rejects with `CancelledError`; an item
 * already on its way goes back to the head of the queue. A `put` cancelled while
 * waiting for room puts nothing (in another process: unless the room came just as the
 * cancel was on its way, and then the item is in).
 *
 * @throws RangeError/TypeError from the constructor for a maxsize that is not an integer
 * ≥ 0 (or `Infinity`).
 * @example
 * ```ts
 * const queue = new Queue<number>();
 * const child = new Process({ target: consume, args: [queue] }); // consume: await queue.get()
 * child.start();
 * for (let i = 0; i < 1000; i++) await queue.put(i);
 * ```
 */
export class Queue<T = unknown> extends QueueBase<T> {
  /** Makes a queue holding at most `maxsize` items (0: unbounded), served by this process. */
  constructor(maxsize = 0) {
    super(maxsize, new.target.name, new.target !== Queue);
  }

  protected get _typeName(): string {
    return 'mp.Queue';
  }

  protected get _what(): string {
    return 'Queue';
  }

  /**
   * Puts `item`, waiting for room in a full bounded queue.
   *
   * @throws SerializationError (at the call) for an item that cannot cross processes;
   * InvalidStateError after `close()`; RangeError/TypeError for bad options. Rejects
   * with QueueFull (`Full`) when `block: false` or the timeout found no room.
   */
  put(item: T, options?: QueueWaitOptions): Promise<void> {
    this._checkOpen('put');
    return this._put(item, this._timeoutOf('put', options));
  }

  /** `put(item, { block: false })`. Python: `put_nowait`. */
  putNowait(item: T): Promise<void> {
    this._checkOpen('putNowait');
    return this._put(item, 0);
  }

  /**
   * Removes and returns the next item, waiting for one.
   *
   * @throws InvalidStateError after `close()`; RangeError/TypeError for bad options.
   * Rejects with QueueEmpty (`Empty`) when `block: false` or the timeout found none.
   */
  get(options?: QueueWaitOptions): Promise<T> {
    this._checkOpen('get');
    return this._get(this._timeoutOf('get', options));
  }

  /** `get({ block: false })`. Python: `get_nowait`. */
  getNowait(): Promise<T> {
    this._checkOpen('getNowait');
    return this._getNowait();
  }

  /** Resolves to the number of items not yet taken by a `get` (leased ones count). */
  qsize(): Promise<number> {
    return this._ask('qsize');
  }

  /** Resolves to true when `qsize()` would be 0. */
  empty(): Promise<boolean> {
    return this._ask('empty');
  }

  /** Resolves to true when a bounded queue has no room. */
  full(): Promise<boolean> {
    return this._ask('full');
  }

  /** Closes this process's handle (idempotent); see the class docs. */
  close(): void {
    this._close();
  }

  /** A snapshot: `{ qsize, maxsize, unfinishedTasks, getters, putters }`. */
  statistics(): Promise<QueueStatistics> {
    return this._ask('stats');
  }

  /** `<multiprocessing.Queue maxsize=0 owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<multiprocessing.${this._what} maxsize=${this.maxsize} owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.Queue', (state: HandleState) =>
      reviveHandle(Queue as new () => Queue, state),
    );
  }
}
