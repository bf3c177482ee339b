/**
 * The server side of `Queue`, `SimpleQueue`, `JoinableQueue` and each direction of a
 * `Pipe`: a deque of items in the owner process.
 *
 *   producer ──put(item)──► items ──take(max)──► { b: [item, …], l, u, s, f } ──► consumer
 *                             ▲                          │ b[1…] stay leased to l
 *                             └── back to the head ◄─────┤ give-back / drop / expiry
 *                                  (gone for good) ◄─────┘ taken: counted in the ack
 *                                                           file f, slot s (pwrite)
 *
 * A remote consumer of an unbounded queue asks for up to `max` items per request, so a
 * stream costs one round trip per batch, not per item. The first item is the asking
 * `get`'s; the others stay here, LEASED to that consumer (lease `l`, ending at wall-clock
 * time `u`): the consumer may hand them to its later `get`s only before `u`, and records
 * each one in its connection's ack file (ackFile.ts: the count of items of `l` taken,
 * one `pwrite` that wakes nobody) before its user code sees it. Leased items are still
 * in the queue — `qsize()` counts them — and they come back to the head, in order, when
 * the consumer gives back what it did not take (`unget l`, at the end of its turn), when
 * its process drops, or when the lease ends unanswered: a consumer that blocks (computes)
 * or dies right after a `get` hides its prefetched items for at most `LEASE_MS +
 * GRACE_MS` and loses none of them, as Python's consumers, which take items one by one
 * from a shared pipe, hide and lose nothing they did not take.
 *
 * This core reads the file whenever it needs the truth: when it reclaims a lease, takes
 * back what was given back, drops a dead consumer's session (the file outlives the
 * process), and for `qsize()`. Why a take is never missed: the consumer uses the item
 * only if the clock, read after its `pwrite` returned, is still before `u` (else it asks
 * with a request, `took`, whether the take counted: it may have been descheduled between
 * its clock check and its write). The data of a returned `pwrite` is in the page cache,
 * and this core reclaims a lease only once its own clock reads `u + GRACE_MS` or later,
 * so it reads every take made in time. Both ends read the same `Date.now()`: they are
 * processes of one machine.
 *
 * Bounded queues are never prefetched (`get` hands out one item), so `maxsize` keeps its
 * meaning.
 *
 * @module
 */
import { EOFError, QueueEmpty, QueueFull } from '../../errors.js';
import { Future } from '../loop/Future.js';
import { Deque } from '../base/Deque.js';
import { Core, type Session } from './resourceServer.js';
import { num, unknownOp } from './coreArgs.js';
import { argRangeError } from '../base/validate.js';
import { WaitSet } from './coreWaiters.js';

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

/** How long a consumer may hand out the items of a batch (see the module docs). */
export const LEASE_MS = 100;
/** How long past a lease's end its items stay leased (a late take rarely needs `took`). */
export const GRACE_MS = 50;
/** The most reclaimed leases remembered per session, for late `took` questions. */
const MAX_TOMBSTONES = 1024;

/**
 * What a `take` answers: the batch, its lease (0: none), the lease's end, and where the
 * consumer counts its takes: the slot `s` of the ack file `f`.
 */
export interface Taken {
  readonly b: unknown[];
  readonly l: number;
  readonly u: number;
  readonly s: number;
  readonly f: string;
}

interface Lease {
  readonly id: number;
  readonly session: Session;
  /** The batch's items after the first, not yet known to be taken: still in the queue. */
  readonly items: Deque<unknown>;
  readonly until: number;
  /** Its slot in the session's ack file. */
  readonly slot: number;
  /** Items known to be taken (read from the ack file) so far. */
  acked: number;
}

/** A waiting `get` (`lease`: a remote `take`, answered as `Taken`). */
interface Wanted {
  readonly max: number;
  readonly lease: boolean;
}

export class QueueCore extends Core {
  private readonly items = new Deque<unknown>();
  private readonly leases = new Map<number, Lease>();
  /** Items held in leases (they count in `qsize()`). */
  private leased = 0;
  /** Per session: reclaimed lease id → how many of its items had been taken. */
  private readonly tombstones = new Map<Session, Map<number, number>>();
  private nextLease = 1;
  private reclaimTimer: NodeJS.Timeout | null = null;
  private reclaimAt = Infinity;
  private readonly getters = new WaitSet<unknown, Wanted>();
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
        return this.get(session, { max: 1, lease: false }, num(args, 1, Infinity));
      case 'take': {
        const done = num(args, 2, 0);
        if (done !== 0) this.finished(session, done);
        const lease = !session.local && this.options.maxsize === 0 && session.acks() !== null;
        const max = lease ? Math.max(1, num(args, 0, 1)) : 1;
        return this.get(session, { max, lease: true }, num(args, 1, Infinity));
      }
      case 'unget':
        this.unget(session, num(args, 0), args[1]);
        return undefined;
      case 'took':
        return this.took(session, num(args, 0), num(args, 1));
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
    for (const lease of [...this.leases.values()]) {
      this.sync(lease);
      if (lease.items.length === 0) this.endLease(lease);
    }
    return this.items.length + this.leased;
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
      getter.future.setResult(this.answer(getter.data, [item], 0));
    } else {
      this.items.push(item);
    }
    for (const p of this.pollers.pending()) p.future.setResult(true);
  }

  private answer(wanted: Wanted, batch: unknown[], lease: number): unknown {
    if (!wanted.lease) return batch;
    const held = this.leases.get(lease);
    if (held === undefined) return { b: batch, l: 0, u: 0, s: 0, f: '' } satisfies Taken;
    const f = held.session.acks()!.path;
    return { b: batch, l: lease, u: held.until, s: held.slot, f } satisfies Taken;
  }

  private get(session: Session, wanted: Wanted, timeout: number): unknown {
    if (this.items.length > 0) {
      const batch: unknown[] = [];
      let bytes = 0;
      while (batch.length < wanted.max && this.items.length > 0 && bytes < BATCH_BYTES) {
        const item = this.items.shift();
        bytes += estimateBytes(item);
        batch.push(item);
      }
      const lease = batch.length > 1 ? this.lease(session, batch) : 0;
      this.admitPutters();
      return this.answer(wanted, batch, lease);
    }
    if (this.writerClosed) throw new EOFError();
    if (timeout <= 0) throw new QueueEmpty(`the ${this.options.kind} is empty`);
    return this.getters.add(session, wanted, timeout, (w) =>
      w.future.setException(
        new QueueEmpty(`the ${this.options.kind} stayed empty for ${timeout} ms`),
      ),
    ).future;
  }

  /** Leases the items of `batch` after the first to `session` (see the module docs). */
  private lease(session: Session, batch: unknown[]): number {
    const items = new Deque<unknown>();
    for (let i = 1; i < batch.length; i++) items.push(batch[i]);
    const lease: Lease = {
      id: this.nextLease,
      session,
      items,
      until: Date.now() + LEASE_MS,
      slot: session.acks()!.allocate(),
      acked: 0,
    };
    this.nextLease = this.nextLease === 0xffffffff ? 1 : this.nextLease + 1; // a u32 on the wire
    this.leases.set(lease.id, lease);
    this.leased += items.length;
    this.scheduleReclaim(lease.until + GRACE_MS);
    return lease.id;
  }

  /** Reads how many items of `lease` its consumer took: they are gone. */
  private sync(lease: Lease): void {
    const taken = lease.session.acks()?.taken(lease.slot, lease.id) ?? 0;
    // (Never more than it was leased: the file is the consumer's to write.)
    while (lease.acked < taken && lease.items.length > 0) {
      lease.items.shift();
      lease.acked++;
      this.leased--;
    }
  }

  /** Forgets `lease` (its items were all taken, or went back): its slot is free again. */
  private endLease(lease: Lease): void {
    if (this.leases.delete(lease.id)) lease.session.acks()?.release(lease.slot);
  }

  /** `session` says it took every item of lease `id`: it ends, if the file agrees. */
  private finished(session: Session, id: number): void {
    const lease = this.leases.get(id);
    if (lease === undefined || lease.session !== session) return;
    this.sync(lease);
    if (lease.items.length === 0) this.endLease(lease);
  }

  /**
   * Whether `session`'s first `n` takes of lease `id` counted: false once the lease was
   * reclaimed before the file said so (the items went back to the queue).
   */
  private took(session: Session, id: number, n: number): boolean {
    const acked = this.tombstones.get(session)?.get(id);
    // A live lease, or one that ended otherwise (fully taken, given back): the takes,
    // written before this question, are in the file and will be read.
    return acked === undefined || acked >= n;
  }

  /**
   * `session` gives back what it did not take of lease `id` (and `head`, items it was
   * handed outside a lease, older still): they return to the head, in order.
   */
  private unget(session: Session, id: number, head: unknown): void {
    const lease = this.leases.get(id);
    if (lease !== undefined && lease.session === session) {
      this.sync(lease);
      this.giveBack(lease);
    }
    if (Array.isArray(head)) for (let i = head.length - 1; i >= 0; i--) this.items.unshift(head[i]);
    this.serveGetters();
  }

  private giveBack(lease: Lease): void {
    this.endLease(lease);
    this.leased -= lease.items.length;
    const items = lease.items.toArray();
    for (let i = items.length - 1; i >= 0; i--) this.items.unshift(items[i]);
  }

  /** Items that came back go to waiting getters first (one each). */
  private serveGetters(): void {
    while (this.items.length > 0) {
      const getter = this.getters.shift();
      if (getter === undefined) break;
      if (getter.session.dropped) continue; // its process is gone (its wait ends next)
      getter.future.setResult(this.answer(getter.data, [this.items.shift()], 0));
    }
    if (this.items.length > 0) for (const p of this.pollers.pending()) p.future.setResult(true);
    if (this.leases.size === 0) this.cancelReclaim();
  }

  private scheduleReclaim(at: number): void {
    if (this.reclaimTimer !== null && this.reclaimAt <= at) return;
    this.cancelReclaim();
    this.reclaimAt = at;
    this.reclaimTimer = setTimeout(
      () => {
        this.reclaimTimer = null;
        this.reclaimAt = Infinity;
        this.reclaim(Date.now());
      },
      Math.max(0, at - Date.now()),
    );
    this.reclaimTimer.unref();
  }

  private cancelReclaim(): void {
    if (this.reclaimTimer !== null) clearTimeout(this.reclaimTimer);
    this.reclaimTimer = null;
    this.reclaimAt = Infinity;
  }

  /** Leases that ended unanswered: their items return to the queue. */
  private readonly reclaim = (now: number): void => {
    if (this.disposed !== null) return;
    let next = Infinity;
    const ended: Lease[] = [];
    for (const lease of this.leases.values()) {
      if (lease.until + GRACE_MS <= now) ended.push(lease);
      else next = Math.min(next, lease.until + GRACE_MS);
    }
    // Newest first, so the oldest lease's items end up at the very head.
    for (let i = ended.length - 1; i >= 0; i--) {
      const lease = ended[i]!;
      this.sync(lease); // every take made before `until` is in the file by now
      this.remember(lease);
      this.giveBack(lease);
    }
    if (next !== Infinity) this.scheduleReclaim(next);
    this.serveGetters();
  };

  private remember(lease: Lease): void {
    let stones = this.tombstones.get(lease.session);
    if (stones === undefined) this.tombstones.set(lease.session, (stones = new Map()));
    stones.set(lease.id, lease.acked);
    if (stones.size > MAX_TOMBSTONES) stones.delete(stones.keys().next().value!);
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
    this.tombstones.delete(session);
    const mine = [...this.leases.values()].filter((lease) => lease.session === session);
    // Its process is gone (or its connection): the file holds all it will ever take.
    for (const lease of mine) this.sync(lease);
    for (let i = mine.length - 1; i >= 0; i--) this.giveBack(mine[i]!);
    if (mine.length > 0) this.serveGetters();
    if (this.options.pipe && this.writers.has(session)) this.closeWriter();
  }

  override dispose(error: Error): void {
    super.dispose(error);
    this.cancelReclaim();
    for (const set of [this.getters, this.putters, this.joiners, this.pollers] as WaitSet<
      any,
      any
    >[]) {
      set.failAll(() => error);
    }
  }
}
