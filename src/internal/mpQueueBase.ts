/**
 * The handle side of the cross-process queues (`Queue`, `SimpleQueue`,
 * `JoinableQueue`) and of each direction of a `Pipe`.
 *
 *   put(item) ── validate + copy at the call ──► owner: QueueCore.put
 *                                               other: fire-and-forget message (unbounded)
 *                                                      or a request (bounded: waits for room)
 *   get()     ◄── QueueCore.get(1)                    (a queue: one item per get)
 *             ◄── this handle's prefetch buffer ◄── QueueCore.get(max) batches (a pipe)
 *
 * A queue's `get` in another process asks the owner for one item: an item this process
 * held for a later `get` would be hidden from every other consumer while this one
 * computes (its event loop busy, it cannot give it back), and lost if it died then —
 * Python's consumers take items one by one from a shared pipe, and so lose and hide
 * nothing they did not take. Concurrent `get`s of one process still share a frame.
 *
 * A pipe end has one reader, so there a `get` that finds the buffer empty asks for up to
 * `prefetch` items (doubling while batches come back full, up to 4096); the extras wait
 * here for the next `get`s (acknowledged in bulk, so `qsize()` counts them until then);
 * what is left at the end of the turn goes back to the owner. A `put` on an unbounded
 * queue resolves once the item is validated and queued for the next frame, like
 * Python's feeder thread, but the frame leaves at the end of the turn (a pending
 * `setImmediate` keeps the process alive until then), and `flushResourceClients` sends
 * both the frames and the give-back before a `Process` child exits.
 *
 * @module
 */
import { BrokenResourceError, InvalidStateError } from '../errors.js';
import { Deque } from './Deque.js';
import { checkAcquireOptions } from './futex.js';
import { Handle, incoming, outgoing } from './mpHandle.js';
import { QueueCore } from './mpQueueCore.js';
import { cancelBeforeExit, runBeforeExit } from './resourceClient.js';
import { checkInteger } from './validate.js';

const MIN_PREFETCH = 16;
const MAX_PREFETCH = 4096;

/** Options of the async `put`/`get`: Python's `block` and `timeout`. */
export interface QueueWaitOptions {
  /** Wait for room / an item (default), or fail at once (`Full` / `Empty`). */
  readonly block?: boolean | undefined;
  /** The longest wait in ms; `-1`/`undefined`: no limit. Then `Full`/`Empty`. */
  readonly timeout?: number | null | undefined;
}

/** A snapshot of a multiprocessing queue, from `statistics()`. */
export interface QueueStatistics {
  readonly qsize: number;
  readonly maxsize: number;
  readonly unfinishedTasks: number;
  /** Tasks (in any process) waiting in `get`. */
  readonly getters: number;
  /** Tasks (in any process) waiting in `put`. */
  readonly putters: number;
}

export abstract class QueueBase<T> extends Handle {
  /** The most items the queue holds; 0: unbounded. */
  readonly maxsize: number;
  private readonly _buffer = new Deque<unknown>();
  private _prefetch = MIN_PREFETCH;
  /** Whether a remote `get` may take more than one item (pipes only, see module docs). */
  private readonly _prefetches: boolean;
  private _giveBackScheduled = false;
  private _unacked = 0;
  private _closed = false;

  constructor(maxsize: number, kind: string, joinable: boolean, pipe = false) {
    super();
    if (this._revived !== null) {
      this.maxsize = this._revived.maxsize as number;
      this._prefetches = this._revived.prefetch === true;
      return;
    }
    this.maxsize = maxsize === Infinity ? 0 : checkInteger(`${kind} maxsize`, maxsize, 0);
    this._prefetches = pipe && this.maxsize === 0;
    this._serve(new QueueCore({ maxsize: this.maxsize, joinable, pipe, kind }));
  }

  protected override _extraState(): Record<string, unknown> {
    return { maxsize: this.maxsize, prefetch: this._prefetches };
  }

  /** The class name for messages. */
  protected abstract get _what(): string;

  protected _checkOpen(what: string): void {
    if (this._closed) {
      throw new InvalidStateError(
        `${this._what}.${what}() was called after close() in this process; the queue is closed here`,
      );
    }
  }

  /** Validates and sends `item`; resolves when it is in the queue (see module docs). */
  protected _put(item: T, timeout: number): Promise<void> {
    const value = outgoing(item, `the item put on the ${this._what}`, this._local);
    if (this.maxsize === 0 && !this._local) {
      try {
        this._post('put', [value, timeout]);
      } catch (error) {
        return Promise.reject(error); // the owner is gone: an operational failure
      }
      return Promise.resolve();
    }
    return this._request('put', [value, timeout]);
  }

  /** Sends `item` without waiting (pipes); throws at the call what fails locally. */
  protected _send(item: unknown): void {
    const value = outgoing(item, `the object sent on the ${this._what}`, this._local);
    this._post('put', [value, Infinity]);
  }

  protected _timeoutOf(name: string, options: QueueWaitOptions | undefined): number {
    return checkAcquireOptions(`${this._what}.${name}()`, options, 'block');
  }

  /** Takes the next item: from the prefetch buffer, or from the owner. */
  protected async _get(timeout: number): Promise<T> {
    if (this._buffer.length > 0) return this._takeBuffered();
    if (this._local) {
      const batch = (await this._call('get', [1, timeout])) as unknown[];
      return incoming(batch[0]) as T;
    }
    this._flushAck();
    const max = this._prefetches ? this._prefetch : 1;
    const batch = (await this._call('get', [max, timeout], (late) =>
      this._stash(late),
    )) as unknown[];
    if (batch.length === max && max < MAX_PREFETCH) this._prefetch = max * 2;
    for (let i = 1; i < batch.length; i++) this._buffer.push(batch[i]);
    if (batch.length > 1) this._scheduleGiveBack();
    return incoming(batch[0]) as T;
  }

  /** A batch that arrived for a cancelled `get`: keep it for the next ones. */
  private _stash(late: unknown): void {
    const batch = late as unknown[];
    // The first item was not in transit on the owner's books; the others were.
    this._unacked--;
    for (const item of batch) this._buffer.push(item);
    this._scheduleGiveBack();
  }

  /**
   * Prefetched items are kept only while this process is taking them: whatever is left
   * at the end of the event-loop turn goes back to the owner (to the head of the queue,
   * in order), so a consumer that stops — or exits — never strands items another
   * consumer could take. The ref'd `setImmediate` (and then the write) keep the process
   * alive until they are sent.
   */
  private _scheduleGiveBack(): void {
    if (this._giveBackScheduled) return;
    this._giveBackScheduled = true;
    setImmediate(this._giveBack);
    runBeforeExit(this._giveBack); // a Process that ends right away gives them back too
  }

  private readonly _giveBack = (): void => {
    if (!this._giveBackScheduled) return;
    this._giveBackScheduled = false;
    cancelBeforeExit(this._giveBack);
    try {
      this._flushAck();
      if (this._buffer.length === 0) return;
      const items = this._buffer.toArray();
      this._buffer.clear();
      this._prefetch = MIN_PREFETCH;
      this._post('unget', [items]);
    } catch (error) {
      // The owner is gone, and the queue with it: there is nobody to give them back to.
      if (!(error instanceof BrokenResourceError)) throw error;
    }
  };

  private _takeBuffered(): T {
    const item = this._buffer.shift();
    // Acknowledged in bulk: with the next request, or at the end of this turn.
    this._unacked++;
    this._scheduleGiveBack();
    return incoming(item) as T;
  }

  /** Items taken from the buffer are no longer in transit: tell the owner. */
  protected _flushAck(): void {
    if (this._unacked === 0) return;
    const n = this._unacked;
    this._unacked = 0;
    this._post('ack', [n]);
  }

  protected _getNowait(): Promise<T> {
    if (this._buffer.length > 0) return Promise.resolve(this._takeBuffered());
    return this._get(0);
  }

  /** True if an item waits in this handle's buffer (pipes' `poll`). */
  protected get _hasBuffered(): boolean {
    return this._buffer.length > 0;
  }

  protected async _ask<R>(op: string, args: readonly unknown[] = []): Promise<R> {
    this._flushAck();
    return (await this._call(op, args)) as R;
  }

  /** Closes this process's handle; later `put`/`get` here throw `InvalidStateError`. */
  protected _close(): void {
    this._closed = true;
  }

  protected get _isClosed(): boolean {
    return this._closed;
  }
}
