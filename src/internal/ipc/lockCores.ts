/**
 * The server side (cores) of the cross-process Lock/RLock and Condition. Every decision
 * is taken here, in the owner process, one message at a time, so each operation is
 * atomic across processes.
 *
 * Holders are identified by session (process connection) and task token. A session that
 * drops while holding a lock breaks it: waiters and later calls get
 * `BrokenResourceError` (no silent release).
 *
 * @module
 */
import { BrokenResourceError, InvalidStateError } from '../../errors.js';
import { Future } from '../loop/Future.js';
import { num, unknownOp, type Args } from './coreArgs.js';
import { Core, type Session } from './resourceServer.js';
import { WaitSet } from './coreWaiters.js';

const resolved = (): Future<void> => {
  const f = new Future<void>();
  f.setResult(undefined);
  return f;
};

interface Holder {
  readonly session: Session;
  readonly token: number;
}

interface LockWait {
  readonly token: number;
  readonly count: number;
}

/** Lock and RLock. */
export class LockCore extends Core {
  private holder: Holder | null = null;
  private count = 0;
  private broken: string | null = null;
  private readonly waiters = new WaitSet<boolean, LockWait>();

  constructor(readonly reentrant: boolean) {
    super();
  }

  get kind(): string {
    return this.reentrant ? 'RLock' : 'Lock';
  }

  call(op: string, args: Args, session: Session): unknown {
    switch (op) {
      case 'acquire':
        return this.acquire(session, num(args, 1), num(args, 0, Infinity));
      case 'release':
        return this.release(session, num(args, 0));
      case 'locked':
        this.checkBroken();
        return this.holder !== null;
      case 'stats':
        return {
          locked: this.holder !== null,
          owner: this.holder?.session.id ?? null,
          recursionCount: this.count,
          waiters: this.waiters.size,
          broken: this.broken !== null,
        };
      default:
        throw unknownOp(this.kind, op);
    }
  }

  private checkBroken(): void {
    if (this.broken !== null) throw new BrokenResourceError(this.broken);
  }

  private acquire(session: Session, token: number, timeout: number): boolean | Future<boolean> {
    this.checkBroken();
    if (this.holder === null) {
      this.holder = { session, token };
      this.count = 1;
      return true;
    }
    if (this.reentrant && this.ownedBy(session, token)) {
      this.count++;
      return true;
    }
    if (timeout <= 0) return false;
    return this.waiters.add(session, { token, count: 1 }, timeout, (w) => w.future.setResult(false))
      .future;
  }

  /** True if `session`/`token` holds it (Python's `_is_mine`). */
  ownedBy(session: Session, token: number): boolean {
    const h = this.holder;
    return h !== null && h.session === session && h.token === token;
  }

  private release(session: Session, token: number): void {
    this.checkBroken();
    if (this.holder === null) {
      throw new InvalidStateError(
        `${this.kind}.release() was called on an unlocked ${this.kind}; release it only after a matching acquire`,
      );
    }
    if (this.reentrant) {
      if (!this.ownedBy(session, token)) {
        throw new InvalidStateError(
          'RLock.release() was called by a task or process that does not hold the RLock; only its owner may release it',
        );
      }
      if (--this.count > 0) return;
    }
    this.handOff();
  }

  private handOff(): void {
    let next = this.waiters.shift();
    // A waiter whose process is gone (its wait is about to be cancelled) gets nothing.
    while (next?.session.dropped) {
      next.future.cancel();
      next = this.waiters.shift();
    }
    if (next === undefined) {
      this.holder = null;
      this.count = 0;
      return;
    }
    this.holder = { session: next.session, token: next.data.token };
    this.count = next.data.count;
    next.future.setResult(true);
  }

  /** Condition: releases fully on behalf of `session`/`token`; the saved depth. */
  releaseAll(): number {
    const saved = this.count;
    this.handOff();
    return saved;
  }

  /** Condition: takes it back for `session`/`token` with depth `count`. */
  acquireFor(session: Session, token: number, count: number): Future<void> {
    if (session.dropped) {
      const f = new Future<void>();
      f.cancel();
      return f;
    }
    if (this.broken !== null) {
      const f = new Future<void>();
      f.setException(new BrokenResourceError(this.broken));
      return f;
    }
    if (this.holder === null) {
      this.holder = { session, token };
      this.count = count;
      return resolved();
    }
    const done = new Future<void>();
    const w = this.waiters.add(session, { token, count }, Infinity, () => {});
    w.future.addDoneCallback((f) => {
      if (f.cancelled()) done.cancel();
      else if (f.exception() !== null) done.setException(f.exception());
      else done.setResult(undefined);
    });
    return done;
  }

  override drop(session: Session): void {
    if (this.holder?.session !== session || this.broken !== null) return;
    this.broken =
      `the ${this.kind} is broken: a process that held it exited without releasing it ` +
      '(nothing it protected can be trusted to be consistent)';
    this.waiters.failAll(() => new BrokenResourceError(this.broken!));
  }

  override dispose(error: Error): void {
    super.dispose(error);
    this.waiters.failAll(() => error);
  }
}

/** A wait whose cancellation still takes the lock back (see ConditionCore). */
class ConditionWait extends Future<boolean> {
  onCancel: (() => void) | null = null;

  override cancel(msg?: string): boolean {
    if (!super.cancel(msg)) return false;
    this.onCancel?.();
    return true;
  }
}

interface CondWait {
  readonly token: number;
  readonly saved: number;
  readonly result: ConditionWait;
}

/**
 * Condition over a LockCore of the same process. `wait` releases the lock, waits for a
 * notify (or the timeout), takes the lock back, and only then answers — all here. A wait
 * cancelled by its caller still takes the lock back; the caller awaits that with
 * `restore` before its `CancelledError` propagates (asyncio's rule: the lock is held
 * again when `wait` ends, however it ends).
 */
export class ConditionCore extends Core {
  private readonly waiters = new WaitSet<boolean, CondWait>();
  private readonly restoring = new Map<string, Future<void>>();

  constructor(readonly lock: LockCore) {
    super();
  }

  call(op: string, args: Args, session: Session): unknown {
    switch (op) {
      case 'wait':
        return this.wait(session, num(args, 1), num(args, 0, Infinity));
      case 'restore': {
        const key = `${session.id}:${num(args, 0)}`;
        const f = this.restoring.get(key);
        this.restoring.delete(key);
        return f ?? undefined;
      }
      case 'notify':
        this.checkOwned('notify', session, num(args, 1));
        this.notify(num(args, 0, 1));
        return undefined;
      case 'stats':
        return { waiters: this.waiters.size };
      default:
        throw unknownOp('Condition', op);
    }
  }

  private checkOwned(what: string, session: Session, token: number): void {
    if (!this.lock.ownedBy(session, token)) {
      throw new InvalidStateError(
        `Condition.${what}() needs the condition's lock held by the caller; acquire it first (e.g. inside condition.use(...))`,
      );
    }
  }

  private wait(session: Session, token: number, timeout: number): ConditionWait {
    this.checkOwned('wait', session, token);
    const saved = this.lock.releaseAll();
    const result = new ConditionWait();
    const waiter = this.waiters.add(
      session,
      { token, saved, result },
      timeout,
      () => this.reacquire(session, token, saved, result, false),
      new Future<boolean>(),
    );
    result.onCancel = () => {
      // Still waiting for a notify: stop, and take the lock back for the caller.
      if (!waiter.future.done()) {
        waiter.future.cancel();
        this.restoring.set(`${session.id}:${token}`, this.lock.acquireFor(session, token, saved));
      }
    };
    return result;
  }

  private reacquire(
    session: Session,
    token: number,
    saved: number,
    result: ConditionWait,
    notified: boolean,
  ): void {
    const waiter = this.waiters.pending().find((w) => w.data.result === result);
    waiter?.future.setResult(notified);
    const taking = this.lock.acquireFor(session, token, saved);
    if (result.done()) {
      this.restoring.set(`${session.id}:${token}`, taking);
      return;
    }
    // From here a cancel of `result` must wait for `taking` instead of starting another.
    result.onCancel = () => this.restoring.set(`${session.id}:${token}`, taking);
    taking.addDoneCallback(() => {
      if (result.done()) return;
      const error = taking.exception();
      if (error !== null) result.setException(error);
      else result.setResult(notified);
    });
  }

  private notify(n: number): void {
    for (let i = 0; i < n; i++) {
      const w = this.waiters.first();
      if (w === undefined) return;
      this.reacquire(w.session, w.data.token, w.data.saved, w.data.result, true);
    }
  }

  override dispose(error: Error): void {
    super.dispose(error);
    for (const w of this.waiters.pending()) w.data.result.setException(error);
    this.waiters.failAll(() => error);
  }
}
