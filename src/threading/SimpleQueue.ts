/**
 * `SimpleQueue<T>`: an unbounded first-in first-out queue shared by threads, without
 * task tracking.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import {
  decodeShared,
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';
import { argTypeError, show } from '../internal/base/validate.js';
import { Queue, type QueueSyncOptions, type QueueWaitOptions } from './Queue.js';

/** Options of `new SimpleQueue(options)`. */
export interface SimpleQueueOptions {
  /** The most bytes the serialized items may take (default 64 MiB); see `Queue`. */
  readonly maxBytes?: number | undefined;
}

/**
 * An unbounded first-in first-out queue shared by threads: `put` never waits for a
 * slot, and there is no `taskDone`/`join`/`shutdown`.
 *
 * Python equivalent: `queue.SimpleQueue` — `put`, `putNowait`, `get({ block, timeout })`
 * (`getSync` blocking), `getNowait`, `qsize`, `empty`.
 *
 * Differences: as `Queue` (items are structured-cloned; `maxBytes` bounds the bytes, so
 * a `put` can wait for bytes to be freed once that much is queued).
 *
 * Cancellation: as `Queue`.
 *
 * @example
 * ```ts
 * const results = new SimpleQueue<string>();
 * // a worker: results.putSync('done');
 * console.log(await results.get());
 * ```
 */
export class SimpleQueue<T = unknown> implements Shareable {
  private _queue!: Queue<T>;

  /** @throws TypeError/RangeError for a `maxBytes` that is not an integer >= 1024. */
  constructor(options: SimpleQueueOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw argTypeError(`SimpleQueue() takes an options object, got ${show(options)}`);
    }
    this._queue = new Queue<T>({ maxBytes: options.maxBytes });
  }

  /** Puts `item` (waiting only for bytes, see the class docs). Python: `q.put(item)`. */
  put(item: T, options?: QueueWaitOptions): Promise<void> {
    return this._queue.put(item, options);
  }

  /** The blocking twin of `put`, for worker threads. */
  putSync(item: T, options?: QueueSyncOptions): void {
    this._queue.putSync(item, options);
  }

  /** Puts `item` now. Python: `q.put_nowait(item)`. */
  putNowait(item: T): void {
    this._queue.putNowait(item);
  }

  /** Takes the next item, waiting while empty. Python: `q.get(block, timeout)`. */
  get(options?: QueueWaitOptions): Promise<T> {
    return this._queue.get(options);
  }

  /** The blocking twin of `get`, for worker threads. */
  getSync(options?: QueueSyncOptions): T {
    return this._queue.getSync(options);
  }

  /** Takes the next item if there is one. Python: `q.get_nowait()`. */
  getNowait(): T {
    return this._queue.getNowait();
  }

  /** Items in the queue now. Python: `q.qsize()`. */
  qsize(): number {
    return this._queue.qsize();
  }

  /** True if empty now. Python: `q.empty()`. */
  empty(): boolean {
    return this._queue.empty();
  }

  /** A snapshot: `{ qsize, getters, bytes }`. */
  statistics(): { readonly qsize: number; readonly getters: number; readonly bytes: number } {
    const { qsize, getters, bytes } = this._queue.statistics();
    return { qsize, getters, bytes };
  }

  /** `<SimpleQueue qsize=2>`. */
  [inspectCustom](): string {
    const { qsize, getters } = this.statistics();
    return `<SimpleQueue qsize=${qsize}${getters > 0 ? ` getters=${getters}` : ''}>`;
  }

  /** @internal The shareable protocol. */
  [kShare](): SharedState {
    return { __concur: 'SimpleQueue', state: { queue: this._queue[kShare]() } };
  }

  static {
    registerShareable('SimpleQueue', (state: { queue: SharedState }) => {
      const simple = Object.create(SimpleQueue.prototype) as SimpleQueue;
      simple._queue = decodeShared(state.queue) as Queue;
      return simple;
    });
  }
}
