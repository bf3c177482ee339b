/**
 * `SimpleQueue`: an unbounded cross-process queue with only `put`, `get`, `empty` and
 * `close`.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { QueueBase } from '../internal/ipc/queueHandle.js';
import { registerShareable } from '../internal/shm/shareable.js';

/**
 * An unbounded first-in first-out queue shared by processes, without timeouts or sizes.
 *
 * Python equivalent: `multiprocessing.SimpleQueue`: `put(item)`, `get()`, `empty()`,
 * `close()` (idempotent; later `put`/`get` in this process throw `InvalidStateError`,
 * Python: `ValueError`/`OSError`).
 *
 * Differences: as {@link Queue} — async `empty()`, consumers that fetch in batches under
 * a lease, typed errors when the owner exits.
 *
 * Cancellation: as `Queue.get`.
 *
 * @example
 * ```ts
 * const results = new SimpleQueue<number>();
 * await results.put(42);
 * console.log(await results.get());
 * ```
 */
export class SimpleQueue<T = unknown> extends QueueBase<T> {
  /** Makes an empty queue, served by this process. */
  constructor() {
    super(0, 'SimpleQueue', false);
  }

  protected get _typeName(): string {
    return 'mp.SimpleQueue';
  }

  protected get _what(): string {
    return 'SimpleQueue';
  }

  /**
   * Puts `item` (resolves at once: the queue is unbounded).
   *
   * @throws SerializationError (at the call) for an item that cannot cross processes;
   * InvalidStateError after `close()`.
   */
  put(item: T): Promise<void> {
    this._checkOpen('put');
    return this._put(item, Infinity);
  }

  /** Removes and returns the next item, waiting for one. */
  get(): Promise<T> {
    this._checkOpen('get');
    return this._get(Infinity);
  }

  /** Resolves to true when no item is left to take. */
  empty(): Promise<boolean> {
    return this._ask('empty');
  }

  /** Closes this process's handle (idempotent). */
  close(): void {
    this._close();
  }

  /** `<multiprocessing.SimpleQueue owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<multiprocessing.SimpleQueue owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.SimpleQueue', (state: HandleState) => reviveHandle(SimpleQueue, state));
  }
}
