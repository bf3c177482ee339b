/**
 * The handle side of the cross-process queues (`Queue`, `SimpleQueue`,
 * `JoinableQueue`) and of each direction of a `Pipe`.
 *
 *   put(item) ── validate + copy at the call ──► owner: QueueCore.put
 *                                               other: fire-and-forget message (unbounded)
 *                                                      or a request (bounded: waits for room)
 *   get()     ◄── this handle's prefetch buffer ◄── QueueCore.take(max): a leased batch
 *               └─ each take: counted in the ack file first (pwrite), then to user code
 *
 * In another process, a `get` that finds the buffer empty (or unusable) asks the owner
 * for up to `prefetch` items (doubling while batches come back full, up to 4096; one on
 * a bounded queue). The first is this `get`'s; the others are leased to this process
 * until `until` (see queueCores.ts): a later `get` takes the next one only while
 * `Date.now() < until`, and only after writing how many items of the lease it has taken
 * into its slot of the connection's ack file (ackFile.ts: one 8-byte `pwrite`, which
 * wakes nobody; the owner reads the file when it needs to). When the clock read after
 * that write is no longer before `until` — this process may have been descheduled
 * between its check and its write — the `get` asks the owner whether the take counted
 * (`took`) before it uses the item. So an item reaches user code only once the owner
 * will know it is gone, and a consumer that then computes for seconds, or dies, hides
 * its other items from other consumers for at most the lease and loses none of them
 * (Python's consumers take items one by one from a shared pipe). A lease emptied by
 * takes is reported with the next `take`, so the owner forgets it early.
 * What is left at the end of the turn, or past the lease, goes back to the owner
 * (`unget`: to the head of the queue, in order).
 *
 * A `put` on an unbounded queue resolves once the item is validated and queued for the
 * next frame, like Python's feeder thread, but the frame leaves at the end of the turn
 * (a pending `setImmediate` keeps the process alive until then), and
 * `flushResourceClients` sends both the frames and the give-back before a `Process`
 * child exits.
 *
 * @module
 */

import { BrokenResourceError, InvalidStateError } from '../../errors.js';
import { ACK_SLOT } from './ackFile.js';
import { Deque } from '../base/Deque.js';
import { checkAcquireOptions } from '../shm/futex.js';
import { Handle, incoming, outgoing } from './handle.js';
import { QueueCore, type Taken } from './queueCores.js';
import { cancelBeforeExit, runBeforeExit } from './resourceClient.js';
import { checkInteger } from '../base/validate.js';
import { nodeBuiltin } from '../runtime/support.js';

const { writeSync } = nodeBuiltin<typeof import('node:fs')>('node:fs');

const MIN_PREFETCH = 16;
const MAX_PREFETCH = 4096;

/** `_takeBuffered`: the buffer could not be used (and was given back). */
const NOT_TAKEN = Symbol('not taken');

/** A leased item whose take was not surely written before its lease's end. */
class Unsent {
  constructor(
    readonly item: unknown,
    readonly lease: number,
    /** How many items of the lease this one makes (what `took` checks). */
    readonly n: number,
  ) {}
}

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
  /** Leased items of `_lease`, not yet taken (remote handles only). */
  private readonly _buffer = new Deque<unknown>();
  private _lease = 0;
  private _until = 0;
  /** Items of `_lease` taken (counted in the ack file) so far. */
  private _taken = 0;
  /** `_lease`'s record in the ack file: the lease id, then `_taken`. */
  private readonly _ackRecord = Buffer.alloc(ACK_SLOT);
  private _ackPath = '';
  private _ackPos = 0;
  /** A lease emptied by takes, to report with the next `take` (0: none). */
  private _done = 0;
  private _prefetch = MIN_PREFETCH;
  private _giveBackScheduled = false;
  private _closed = false;

  constructor(maxsize: number, kind: string, joinable: boolean, pipe = false) {
    super();
    if (this._revived !== null) {
      this.maxsize = this._revived.maxsize as number;
      return;
    }
    this.maxsize = maxsize === Infinity ? 0 : checkInteger(`${kind} maxsize`, maxsize, 0);
    this._serve(new QueueCore({ maxsize: this.maxsize, joinable, pipe, kind }));
  }

  protected override _extraState(): Record<string, unknown> {
    return { maxsize: this.maxsize };
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

  /** Takes the next item: from the leased buffer, or from the owner. */
  protected async _get(timeout: number): Promise<T> {
    if (this._local) {
      const batch = (await this._call('get', [1, timeout])) as unknown[];
      return incoming(batch[0]) as T;
    }
    for (;;) {
      if (this._buffer.length > 0) {
        const took = this._takeBuffered();
        if (took !== NOT_TAKEN) {
          if (!(took instanceof Unsent)) return incoming(took) as T;
          if (await this._tookCounted(took)) return incoming(took.item) as T;
        }
      }
      const done = this._done;
      this._done = 0;
      const taken = (await this._call('take', [this._prefetch, timeout, done], (late) =>
        this._stash(late),
      )) as Taken;
      const batch = taken.b;
      if (batch.length === this._prefetch && this._prefetch < MAX_PREFETCH) this._prefetch *= 2;
      if (taken.l !== 0) this._keep(taken);
      return incoming(batch[0]) as T;
    }
  }

  /** Keeps the leased rest of a batch for the next `get`s (one lease at a time). */
  private _keep(taken: Taken): void {
    if (this._buffer.length > 0) {
      this._giveBackLease(taken.l, undefined); // a concurrent get's batch came first
      return;
    }
    for (let i = 1; i < taken.b.length; i++) this._buffer.push(taken.b[i]);
    this._lease = taken.l;
    this._until = taken.u;
    this._taken = 0;
    this._ackPath = taken.f;
    this._ackPos = taken.s * ACK_SLOT;
    this._ackRecord.writeUInt32LE(taken.l, 0);
    this._scheduleGiveBack();
  }

  /**
   * The next leased item, its take counted in the ack file first; `NOT_TAKEN` (the
   * buffer given back) when the lease has ended or the file cannot be written; `Unsent`
   * when the write may have come after the lease's end (see `_tookCounted`).
   */
  private _takeBuffered(): unknown {
    if (Date.now() >= this._until) {
      this._giveBack(false);
      return NOT_TAKEN;
    }
    const lease = this._lease;
    const until = this._until;
    const n = ++this._taken;
    try {
      const fd = this._ackFd(this._ackPath);
      this._ackRecord.writeUInt32LE(n, 4);
      writeSync(fd, this._ackRecord, 0, ACK_SLOT, this._ackPos);
    } catch (error) {
      if (error instanceof BrokenResourceError) {
        this._forgetLease(); // the owner is gone, and the queue with it: nothing to take
      } else {
        this._taken--; // not counted: all of it goes back, and the owner is asked anew
        this._giveBack(false);
      }
      return NOT_TAKEN;
    }
    const item = this._buffer.shift();
    if (this._buffer.length === 0) {
      this._done = lease;
      this._forgetLease();
    }
    // The clock again, after the write: this process may have been descheduled between
    // the check and the write, and the owner may have reclaimed the lease meanwhile.
    return Date.now() < until ? item : new Unsent(item, lease, n);
  }

  /** Whether a take written near its lease's end counted: the owner knows (`took`). */
  private async _tookCounted(took: Unsent): Promise<boolean> {
    const counted = (await this._call('took', [took.lease, took.n])) === true;
    if (!counted && this._lease === took.lease) this._forgetLease(); // reclaimed: all back
    return counted;
  }

  /** A batch that arrived for a cancelled `get`: all of it goes back, in order. */
  private _stash(late: unknown): void {
    const taken = late as Taken;
    this._giveBackLease(taken.l, taken.b.slice(0, 1));
  }

  private _giveBackLease(lease: number, head: unknown[] | undefined): void {
    try {
      this._post('unget', [lease, head]);
    } catch (error) {
      // The owner is gone, and the queue with it: there is nobody to give them back to.
      if (!(error instanceof BrokenResourceError)) throw error;
    }
  }

  private _forgetLease(): void {
    this._buffer.clear();
    this._lease = 0;
    this._until = 0;
    this._taken = 0;
  }

  /**
   * Leased items are kept only while this process is taking them: whatever is left at
   * the end of the event-loop turn goes back to the owner (to the head of the queue, in
   * order), so a consumer that stops — or exits — returns them at once rather than at
   * the lease's end. The ref'd `setImmediate` (and then the write) keep the process
   * alive until they are sent.
   */
  private _scheduleGiveBack(): void {
    if (this._giveBackScheduled) return;
    this._giveBackScheduled = true;
    setImmediate(this._giveBackNow);
    runBeforeExit(this._giveBackNow); // a Process that ends right away gives them back too
  }

  private readonly _giveBackNow = (): void => {
    if (!this._giveBackScheduled) return;
    this._giveBackScheduled = false;
    cancelBeforeExit(this._giveBackNow);
    this._giveBack(true);
  };

  /** Gives back the leased items not taken; `idle`: this process stopped taking. */
  private _giveBack(idle: boolean): void {
    if (this._buffer.length === 0) return;
    const lease = this._lease;
    this._forgetLease();
    if (idle) this._prefetch = MIN_PREFETCH;
    this._giveBackLease(lease, undefined);
  }

  protected _getNowait(): Promise<T> {
    return this._get(0);
  }

  /** True if a leased item waits in this handle's buffer (pipes' `poll`). */
  protected get _hasBuffered(): boolean {
    return this._buffer.length > 0 && Date.now() < this._until;
  }

  protected async _ask<R>(op: string, args: readonly unknown[] = []): Promise<R> {
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
