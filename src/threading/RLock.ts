/**
 * `RLock`: a reentrant lock shared by threads, in a `SharedArrayBuffer`.
 *
 *   SAB (12 bytes)  WORD: owner tag + state · WAITERS: sleepers · COUNT: recursion depth
 *
 * COUNT is read and written only by the owning thread while it holds WORD, so plain
 * atomic loads and stores suffice; the acquiring and releasing CAS on WORD order it for
 * the next owner.
 *
 * @module
 */
import { inspect } from 'node:util';

import { InvalidStateError } from '../errors.js';
import {
  assertMayBlock,
  checkAcquireOptions,
  deadlineAfter,
  type AcquireOptions,
  type SyncOptions,
} from '../internal/shm/futex.js';
import { ACQUIRED, runHolding } from '../internal/loop/holding.js';
import {
  BROKEN,
  SELF,
  breakIfOwnedBy,
  brokenError,
  lockAsync,
  lockSync,
  ownerOf,
  tryLock,
  unlock,
} from '../internal/shm/mutex.js';
import { kOwnerDied, trackOwned, type OwnedPrimitive } from '../internal/shm/owners.js';
import {
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';
import { checkFunction } from '../internal/base/validate.js';
import { describeLock, type AcquireSyncOptions, type LockStatistics } from './Lock.js';

const WORD = 0;
const WAITERS = 1;
const COUNT = 2;
const WHAT = 'the RLock';

/** A snapshot of an {@link RLock}, from `statistics()`. */
export interface RLockStatistics extends LockStatistics {
  /**
   * How many times the calling thread holds it (0 if another thread, or none, does).
   * Python: `rlock._recursion_count()`.
   */
  readonly recursionCount: number;
}

/**
 * A reentrant lock shared by threads: the thread that holds it may acquire it again,
 * and must release it as many times.
 *
 * Python equivalent: `threading.RLock` — `acquire`, `release`, `locked()` (3.14),
 * `use(fn)` for `with rlock:`. Ownership is per **thread**, as in Python: two tasks on
 * the same thread both "own" it, so it does not exclude tasks of one thread from each
 * other (use the asyncio `Lock` for that, or this module's `Lock`).
 *
 * Differences: as {@link Lock} — dead owners break it (`BrokenResourceError`), and
 * `acquireSync` refuses to block the main thread unless allowed.
 *
 * Cancellation: a task cancelled while awaiting `acquire()` rejects with
 * `CancelledError` and holds nothing.
 *
 * @example
 * ```ts
 * const rlock = new RLock();
 * rlock.acquireSync();       // in a worker
 * rlock.acquireSync();       // again: fine, depth 2
 * rlock.release();
 * rlock.release();           // now free
 * ```
 */
export class RLock implements Shareable, OwnedPrimitive {
  private _words!: Int32Array;

  /** Makes an unlocked reentrant lock in a new `SharedArrayBuffer`. */
  constructor() {
    this._attach(new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)));
  }

  /**
   * Takes the lock (again, if this thread holds it); resolves to `true`, or `false` if
   * `blocking` is false or `timeout` ms pass first.
   *
   * Python equivalent: `rlock.acquire(blocking=True, timeout=-1)`, without blocking the
   * thread.
   *
   * Cancellation: rejects with `CancelledError`; nothing is taken.
   *
   * @throws RangeError/TypeError for bad options, as `Lock.acquire`. Rejects with
   * BrokenResourceError if the owner died holding it.
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const timeout = checkAcquireOptions('RLock.acquire()', options);
    if (this._tryAcquire()) return ACQUIRED;
    return this._acquireSlow(timeout);
  }

  /**
   * The blocking twin of `acquire`, for worker threads.
   *
   * @throws InvalidStateError on the main thread (unless `allowMainThread`) when it
   * would block; BrokenResourceError; RangeError/TypeError for bad options.
   */
  acquireSync(options?: AcquireSyncOptions): boolean {
    const timeout = checkAcquireOptions('RLock.acquireSync()', options);
    if (timeout > 0) assertMayBlock('RLock.acquireSync()', options);
    if (this._tryAcquire()) return true;
    if (timeout === 0) return this._failedTry();
    if (!lockSync(this._words, WORD, WAITERS, deadlineAfter(timeout), WHAT)) return false;
    Atomics.store(this._words, COUNT, 1);
    return true;
  }

  /**
   * Undoes one `acquire` by this thread; the lock is free once the count reaches 0.
   *
   * @throws InvalidStateError if this thread does not hold it (Python: `RuntimeError`
   * "cannot release un-acquired lock"); BrokenResourceError if broken.
   */
  release(): void {
    const word = Atomics.load(this._words, WORD);
    if ((word & 3) === BROKEN) throw brokenError(WHAT, word);
    if ((word & ~3) !== SELF || word === 0) {
      throw new InvalidStateError(
        `RLock.release() was called by thread ${ownerOf(SELF)}, which does not hold the RLock ` +
          `(${word === 0 ? 'it is free' : `thread ${ownerOf(word)} holds it`}); only its owner may release it`,
      );
    }
    const count = Atomics.load(this._words, COUNT) - 1;
    Atomics.store(this._words, COUNT, count);
    if (count === 0) unlock(this._words, WORD);
  }

  /** True while some thread holds it (or it is broken). Python 3.14: `rlock.locked()`. */
  locked(): boolean {
    return Atomics.load(this._words, WORD) !== 0;
  }

  /**
   * Runs `fn` while holding the lock and releases it afterwards; the `with rlock:` twin.
   *
   * @throws TypeError if `fn` is not a function.
   */
  use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction('the function passed to RLock.use()', fn);
    return runHolding(this, this._tryAcquire() ? undefined : this._acquireSlow(Infinity), fn);
  }

  /**
   * Runs the synchronous `fn` while holding the lock (taken with `acquireSync`).
   *
   * @throws as `acquireSync`; TypeError if `fn` is not a function.
   */
  useSync<T>(fn: () => T, options?: SyncOptions): T {
    checkFunction('the function passed to RLock.useSync()', fn);
    this.acquireSync(options);
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  /** A snapshot: `{ locked, owner, waiters, broken, recursionCount }`. */
  statistics(): RLockStatistics {
    const word = Atomics.load(this._words, WORD);
    return {
      locked: word !== 0,
      owner: ownerOf(word),
      waiters: Atomics.load(this._words, WAITERS),
      broken: (word & 3) === BROKEN,
      recursionCount: this._isOwned() ? Atomics.load(this._words, COUNT) : 0,
    };
  }

  /** `<RLock unlocked>`, `<RLock locked owner=0 count=2>`. */
  [inspect.custom](): string {
    const stats = this.statistics();
    const count = this._isOwned() ? ` count=${stats.recursionCount}` : '';
    return describeLock('RLock', stats, count);
  }

  /** @internal The shareable protocol. */
  [kShare](): SharedState {
    return { __concur: 'RLock', state: { words: this._words.buffer } };
  }

  /** @internal Dead-owner hook. */
  [kOwnerDied](threadId: number): boolean {
    return breakIfOwnedBy(this._words, WORD, threadId);
  }

  /** @internal Condition protocol: held by this thread. */
  _isOwned(): boolean {
    const word = Atomics.load(this._words, WORD);
    return word !== 0 && (word & ~3) === SELF && (word & 3) !== BROKEN;
  }

  /** @internal */
  _isBroken(): boolean {
    return (Atomics.load(this._words, WORD) & 3) === BROKEN;
  }

  /** @internal Condition protocol: release every level; returns the depth to restore. */
  _releaseSave(): number {
    if (!this._isOwned()) {
      throw new InvalidStateError('cannot release an RLock this thread does not hold');
    }
    const count = Atomics.load(this._words, COUNT);
    Atomics.store(this._words, COUNT, 0);
    unlock(this._words, WORD);
    return count;
  }

  /** @internal Condition protocol: take it back at depth `saved` (blocking). */
  _acquireRestoreSync(saved: number): void {
    if (!tryLock(this._words, WORD)) lockSync(this._words, WORD, WAITERS, Infinity, WHAT);
    Atomics.store(this._words, COUNT, saved);
  }

  /** @internal Condition protocol: take it back at depth `saved` (async). */
  async _acquireRestore(saved: number): Promise<void> {
    if (tryLock(this._words, WORD)) Atomics.store(this._words, COUNT, saved);
    else await lockAsync(this._words, WORD, WAITERS, Infinity, WHAT, COUNT, saved);
  }

  private _tryAcquire(): boolean {
    const words = this._words;
    if (tryLock(words, WORD)) {
      Atomics.store(words, COUNT, 1);
      return true;
    }
    if (this._isOwned()) {
      Atomics.store(words, COUNT, Atomics.load(words, COUNT) + 1);
      return true;
    }
    return false;
  }

  private _failedTry(): false {
    const word = Atomics.load(this._words, WORD);
    if ((word & 3) === BROKEN) throw brokenError(WHAT, word);
    return false;
  }

  private async _acquireSlow(timeout: number): Promise<boolean> {
    if (timeout === 0) return this._failedTry();
    return lockAsync(this._words, WORD, WAITERS, deadlineAfter(timeout), WHAT, COUNT, 1);
  }

  private _attach(words: Int32Array): this {
    this._words = words;
    trackOwned(this);
    return this;
  }

  static {
    registerShareable('RLock', (state: { words: SharedArrayBuffer }) =>
      (Object.create(RLock.prototype) as RLock)._attach(new Int32Array(state.words)),
    );
  }
}
