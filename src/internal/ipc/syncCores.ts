/**
 * The server side (cores) of the cross-process Semaphore, Event and Barrier. As for the
 * locks (lockCores.ts), every decision is taken in the owner, one message at a time.
 * Semaphores have no owner (as in Python), so a process that dies holding permits does
 * not break them; a process that dies waiting at a barrier breaks it.
 *
 * @module
 */
import { BrokenBarrierError, BrokenResourceError } from '../../errors.js';
import type { Future } from '../loop/Future.js';
import { num, unknownOp, type Args } from './coreArgs.js';
import { Core, type Session } from './resourceServer.js';
import { argRangeError } from '../base/validate.js';
import { WaitSet } from './coreWaiters.js';

/** Semaphore and BoundedSemaphore. */
export class SemaphoreCore extends Core {
  private readonly waiters = new WaitSet<boolean>();

  constructor(
    private value: number,
    private readonly bound: number | null,
  ) {
    super();
  }

  call(op: string, args: Args, session: Session): unknown {
    switch (op) {
      case 'acquire': {
        if (this.value > 0) {
          this.value--;
          return true;
        }
        const timeout = num(args, 0, Infinity);
        if (timeout <= 0) return false;
        return this.waiters.add(session, undefined, timeout, (w) => w.future.setResult(false))
          .future;
      }
      case 'release':
        this.release(num(args, 0, 1));
        return undefined;
      case 'getValue':
        return this.value;
      case 'stats':
        return { value: this.value, waiters: this.waiters.size, bound: this.bound };
      default:
        throw unknownOp('Semaphore', op);
    }
  }

  private release(n: number): void {
    if (this.bound !== null && this.value + n > this.bound) {
      throw argRangeError(
        `BoundedSemaphore.release() would raise the value past its bound ${this.bound} ` +
          `(value ${this.value}, releasing ${n}); release only what was acquired`,
      );
    }
    for (let i = 0; i < n; i++) {
      const next = this.waiters.shift();
      if (next === undefined) this.value++;
      else next.future.setResult(true);
    }
  }

  override dispose(error: Error): void {
    super.dispose(error);
    this.waiters.failAll(() => error);
  }
}

/** Event. */
export class EventCore extends Core {
  private flag = false;
  private readonly waiters = new WaitSet<boolean>();

  call(op: string, args: Args, session: Session): unknown {
    switch (op) {
      case 'set':
        this.flag = true;
        for (const w of this.waiters.pending()) w.future.setResult(true);
        return undefined;
      case 'clear':
        this.flag = false;
        return undefined;
      case 'isSet':
        return this.flag;
      case 'wait': {
        if (this.flag) return true;
        const timeout = num(args, 0, Infinity);
        if (timeout <= 0) return false;
        return this.waiters.add(session, undefined, timeout, (w) => w.future.setResult(false))
          .future;
      }
      case 'stats':
        return { set: this.flag, waiters: this.waiters.size };
      default:
        throw unknownOp('Event', op);
    }
  }

  override dispose(error: Error): void {
    super.dispose(error);
    this.waiters.failAll(() => error);
  }
}

interface BarrierWait {
  readonly token: number;
}

/** Barrier (the action, if any, runs here in the owner). */
export class BarrierCore extends Core {
  private readonly waiters = new WaitSet<number, BarrierWait>();
  private broken = false;

  constructor(
    readonly parties: number,
    private readonly action: (() => void) | undefined,
    readonly defaultTimeout: number,
  ) {
    super();
  }

  call(op: string, args: Args, session: Session): unknown {
    switch (op) {
      case 'wait':
        return this.wait(session, num(args, 0, this.defaultTimeout));
      case 'abort':
        this.breakWith(() => new BrokenBarrierError('the barrier was aborted'));
        return undefined;
      case 'reset':
        this.breakWith(
          () => new BrokenBarrierError('the barrier was reset while this party waited'),
        );
        this.broken = false;
        return undefined;
      case 'stats':
        return { parties: this.parties, nWaiting: this.waiters.size, broken: this.broken };
      default:
        throw unknownOp('Barrier', op);
    }
  }

  private wait(session: Session, timeout: number): number | Future<number> {
    if (this.broken) throw new BrokenBarrierError();
    const index = this.waiters.size;
    if (index + 1 < this.parties) {
      return this.waiters.add(session, { token: 0 }, timeout, () =>
        this.breakWith(() => new BrokenBarrierError('a party timed out waiting at the barrier')),
      ).future;
    }
    if (this.action !== undefined) {
      try {
        this.action();
      } catch (error) {
        this.breakWith(
          () => new BrokenBarrierError('the barrier action threw, which broke the barrier'),
        );
        throw error;
      }
    }
    const released = this.waiters.pending();
    for (let i = 0; i < released.length; i++) this.waiters.shift()!.future.setResult(i);
    return index;
  }

  private breakWith(error: () => Error): void {
    this.broken = true;
    this.waiters.failAll(error);
  }

  override drop(session: Session): void {
    if (!this.waiters.pending().some((w) => w.session === session)) return;
    this.breakWith(
      () => new BrokenResourceError('the barrier is broken: a process waiting at it exited'),
    );
  }

  override dispose(error: Error): void {
    super.dispose(error);
    this.waiters.failAll(() => error);
  }
}
