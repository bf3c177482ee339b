/**
 * The server side of `Queue`, `SimpleQueue`, `JoinableQueue` and each direction of a
 * `Pipe`: a deque of items in the owner process.
 *
 *   producer ──put(item)──► QueueCore.items ──get(max)──► [item, …] ──► consumer
 *
 * A queue's remote consumer asks for one item per `get`. A pipe's reader asks for up to
 * `max` items per request and keeps the extras in its handle (prefetch), so a stream of
 * items costs one round trip per batch, not per item. Prefetched items count in
 * `qsize()` until the reader acknowledges taking them (`ack`, sent along with its next
 * messages) or gives back the ones it did not take by the end of its event-loop turn
 * (`unget`: they return to the head, in order).
 *
 * @module
 */
import { EOFError, QueueEmpty, QueueFull } from '../errors.js';
import { Future } from '../futures/Future.js';
import { Deque } from './Deque.js';
import { Core, type Session } from './resourceServer.js';
import { num, unknownOp } from './coreArgs.js';
import { argRangeError } from './validate.js';
import { WaitSet } from './waitSet.js';

type Args = readonly unknown[];

/** The most bytes (roughly) one prefetch batch carries. */
const BATCH_BYTES = 4 * 1024 * 1024;

function estimateBytes(value: unknown): number {
  if (typeof value === 'string') return value.length * 2;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  return 64;
}

export interface QueueCoreOptions {
  readonly maxsize: number;
  readonly joinable: boolean;
  /** A pipe direction: ends with EOF once its writer closed (or its writer process died). */
  readonly pipe: boolean;
  readonly kind: string;
}

export class QueueCore extends Core {
  private readonly items = new Deque<unknown>();
  private readonly transit = new Map<Session, number>();
  private readonly getters = new WaitSet<unknown[], number>();
  private readonly putters = new WaitSet<void, unknown>();
  private readonly joiners = new WaitSet<void>();
  private readonly pollers = new WaitSet<boolean>();
  private readonly writers = new Set<Session>();
  private unfinished = 0;
  private writerClosed = false;

  constructor(private readonly options: QueueCoreOptions) {
    super();
  }

  call(op: string, args: Args, session: Session): unknown {
    switch (op) {
      case 'put':
        return this.put(session, args[0], num(args, 1, Infinity));
      case 'get':
        return this.get(session, Math.max(1, num(args, 0, 1)), num(args, 1, Infinity));
      case 'ack':
        this.ack(session, num(args, 0));
        return undefined;
      case 'unget':
        this.unget(session, args[0] as unknown[]);
        return undefined;
      case 'qsize':
        return this.qsize();
      case 'empty':
        return this.qsize() === 0;
      case 'full':
        return this.options.maxsize > 0 && this.items.length >= this.options.maxsize;
      case 'taskDone':
        this.taskDone(num(args, 0, 1));
        return undefined;
      case 'join':
        if (this.unfinished === 0) return undefined;
        return this.joiners.add(session, undefined, Infinity, () => {}).future;
      case 'closeWriter':
        this.closeWriter();
        return undefined;
      case 'poll': {
        if (this.items.length > 0 || this.writerClosed) return true;
        const timeout = num(args, 0, 0);
        if (timeout <= 0) return false;
        return this.pollers.add(session, undefined, timeout, (w) => w.future.setResult(false))
          .future;
      }
      case 'stats':
        return {
          qsize: this.qsize(),
          maxsize: this.options.maxsize,
          unfinishedTasks: this.unfinished,
          getters: this.getters.size,
          putters: this.putters.size,
        };
      default:
        throw unknownOp(this.options.kind, op);
    }
  }

  private qsize(): number {
    let n = this.items.length;
    for (const t of this.transit.values()) n += t;
    return n;
  }

  private put(session: Session, item: unknown, timeout: number): void | Future<void> {
    if (this.writerClosed)
      throw new EOFError('this end of the pipe was closed; nothing more can be sent');
    if (this.options.pipe && !session.local) this.writers.add(session);
    const max = this.options.maxsize;
    if (max > 0 && (this.items.length >= max || this.putters.first() !== undefined)) {
      if (timeout <= 0) throw new QueueFull(`the ${this.options.kind} is full (maxsize ${max})`);
      return this.putters.add(session, item, timeout, (w) =>
        w.future.setException(
          new QueueFull(`the ${this.options.kind} stayed full (maxsize ${max}) for ${timeout} ms`),
        ),
      ).future;
    }
    this.accept(item);
    return undefined;
  }

  private accept(item: unknown): void {
    if (this.options.joinable) this.unfinished++;
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.handOut(getter.session, [item], 1);
      getter.future.setResult([item]);
    } else {
      this.items.push(item);
    }
    for (const p of this.pollers.pending()) p.future.setResult(true);
  }

  private get(session: Session, max: number, timeout: number): unknown[] | Future<unknown[]> {
    if (this.items.length > 0) {
      const batch: unknown[] = [];
      let bytes = 0;
      while (batch.length < max && this.items.length > 0 && bytes < BATCH_BYTES) {
        const item = this.items.shift();
        bytes += estimateBytes(item);
        batch.push(item);
      }
      this.handOut(session, batch, batch.length);
      this.admitPutters();
      return batch;
    }
    if (this.writerClosed) throw new EOFError();
    if (timeout <= 0) throw new QueueEmpty(`the ${this.options.kind} is empty`);
    return this.getters.add(session, max, timeout, (w) =>
      w.future.setException(
        new QueueEmpty(`the ${this.options.kind} stayed empty for ${timeout} ms`),
      ),
    ).future;
  }

  /** Items beyond the first of a remote batch are in transit until acknowledged. */
  private handOut(session: Session, _batch: unknown[], n: number): void {
    if (!session.local && n > 1)
      this.transit.set(session, (this.transit.get(session) ?? 0) + n - 1);
  }

  private ack(session: Session, n: number): void {
    const left = (this.transit.get(session) ?? 0) - n;
    if (left > 0) this.transit.set(session, left);
    else this.transit.delete(session);
  }

  /**
   * A consumer gives back prefetched items it did not take: they return to the head, in
   * order (they are older than anything still here), or straight to waiting getters.
   */
  private unget(session: Session, items: unknown[]): void {
    this.ack(session, items.length);
    for (let i = items.length - 1; i >= 0; i--) this.items.unshift(items[i]);
    for (;;) {
      if (this.items.length === 0) return;
      const getter = this.getters.shift();
      if (getter === undefined) return;
      const item = this.items.shift();
      this.handOut(getter.session, [item], 1);
      getter.future.setResult([item]);
    }
  }

  private admitPutters(): void {
    const max = this.options.maxsize;
    while (max > 0 && this.items.length < max) {
      const putter = this.putters.shift();
      if (putter === undefined) return;
      this.accept(putter.data);
      putter.future.setResult(undefined);
    }
  }

  private taskDone(n: number): void {
    if (n > this.unfinished) {
      throw argRangeError(
        `JoinableQueue.taskDone() was called more times than there were items put (${this.unfinished} unfinished)`,
      );
    }
    this.unfinished -= n;
    if (this.unfinished === 0)
      for (const j of this.joiners.pending()) j.future.setResult(undefined);
  }

  private closeWriter(): void {
    if (this.writerClosed) return;
    this.writerClosed = true;
    this.getters.failAll(() => new EOFError());
    for (const p of this.pollers.pending()) p.future.setResult(true);
  }

  override drop(session: Session): void {
    this.transit.delete(session);
    if (this.options.pipe && this.writers.has(session)) this.closeWriter();
  }

  override dispose(error: Error): void {
    super.dispose(error);
    for (const set of [this.getters, this.putters, this.joiners, this.pollers] as WaitSet<
      any,
      any
    >[]) {
      set.failAll(() => error);
    }
  }
}
