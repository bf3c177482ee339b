/**
 * `OwnedLock`: what `Lock` and `RLock` share — a handle on one owner-tagged mutex word
 * (internal/shm/mutex.ts) in a `SharedArrayBuffer`:
 *
 *   SAB   WORD: owner tag + state · WAITERS: sleepers · (RLock only) COUNT: depth
 *
 * It holds the acquire paths (the first step, `_tryAcquire`, is each class's own: a
 * plain Lock's is one compare-and-swap, an RLock's also counts its depth), the snapshot,
 * the dead-owner hook and the shareable plumbing. Release differs (any thread may release
 * a Lock; only the owner an RLock) and stays in each class.
 *
 * @module
 */
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
  breakIfOwnedBy,
  brokenError,
  lockAsync,
  lockSync,
  ownerOf,
  tryLock,
} from '../internal/shm/mutex.js';
import { kOwnerDied, trackOwned, type OwnedPrimitive } from '../internal/shm/owners.js';
import { kShare, type Shareable, type SharedState } from '../internal/shm/shareable.js';
import { checkFunction } from '../internal/base/validate.js';
import type { AcquireSyncOptions, LockStatistics } from './Lock.js';

/** Index of the lock word. */
export const WORD = 0;
/** Index of the sleepers counter. */
export const WAITERS = 1;

/** The names a lock uses in its messages, built once per class (not per call). */
export interface LockLabels {
  /** The class name, also the shareable tag. */
  readonly name: 'Lock' | 'RLock';
  /** The lock as messages name it ("the RLock"). */
  readonly what: string;
  readonly acquire: string;
  readonly acquireSync: string;
  readonly use: string;
  readonly useSync: string;
}

/** The labels of the class `name`. */
export function lockLabels(name: 'Lock' | 'RLock', what: string): LockLabels {
  return {
    name,
    what,
    acquire: `${name}.acquire()`,
    acquireSync: `${name}.acquireSync()`,
    use: `the function passed to ${name}.use()`,
    useSync: `the function passed to ${name}.useSync()`,
  };
}

/** The base of {@link Lock} and {@link RLock}; not exported on its own. */
export abstract class OwnedLock implements Shareable, OwnedPrimitive {
  /** @internal */
  protected _words!: Int32Array;

  /**
   * Waits until the lock is free (or, for an RLock, held by this thread) and takes it;
   * resolves to `true`, or to `false` if `blocking` is false or `timeout` ms pass first.
   *
   * Python equivalent: `lock.acquire(blocking=True, timeout=-1)`, without blocking the
   * thread.
   *
   * Cancellation: rejects with `CancelledError`; the lock is not taken.
   *
   * @throws RangeError for a negative timeout (other than -1) or a timeout with
   * `blocking: false`; TypeError for a non-number timeout. Rejects with
   * BrokenResourceError if the owner died holding it.
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const timeout = checkAcquireOptions(this._labels().acquire, options);
    if (this._tryAcquire()) return ACQUIRED;
    return this._acquireSlow(timeout);
  }

  /**
   * Takes the lock, blocking the thread until it is free; `true`, or `false` if
   * `blocking` is false or `timeout` ms passed.
   *
   * Python equivalent: `lock.acquire(blocking, timeout)`.
   *
   * @throws InvalidStateError on the main thread (unless `allowMainThread`) when it
   * would block; BrokenResourceError if the owner died holding it; RangeError/TypeError
   * for bad options, as `acquire`.
   */
  acquireSync(options?: AcquireSyncOptions): boolean {
    const labels = this._labels();
    const timeout = checkAcquireOptions(labels.acquireSync, options);
    // Refused on the main thread whether or not the lock happens to be free now: the
    // same call must not work in a test and freeze the event loop under load.
    if (timeout > 0) assertMayBlock(labels.acquireSync, options);
    if (this._tryAcquire()) return true;
    if (timeout === 0) return this._failedTry();
    const words = this._words;
    if (!lockSync(words, WORD, WAITERS, deadlineAfter(timeout), labels.what)) return false;
    const depth = this._depthIndex();
    if (depth >= 0) Atomics.store(words, depth, 1);
    return true;
  }

  /** Frees the lock (see each class). */
  abstract release(): void;

  /**
   * Runs `fn` while holding the lock and releases it afterwards, however `fn` ends;
   * resolves to what `fn` returns. The twin of Python's `with lock:`.
   *
   * Cancellation: cancelled while waiting for the lock, `fn` never runs; once it runs,
   * the lock is released however it ends.
   *
   * @throws TypeError if `fn` is not a function.
   */
  use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction(this._labels().use, fn);
    return runHolding(this, this._tryAcquire() ? undefined : this._acquireSlow(Infinity), fn);
  }

  /** True while the lock is held (or broken). Python: `lock.locked()`. */
  locked(): boolean {
    return Atomics.load(this._words, WORD) !== 0;
  }

  /**
   * Runs the synchronous `fn` while holding the lock (taken with `acquireSync`) and
   * releases it afterwards, however `fn` ends; returns what `fn` returns. For worker
   * threads.
   *
   * @throws as `acquireSync`; TypeError if `fn` is not a function.
   */
  useSync<T>(fn: () => T, options?: SyncOptions): T {
    checkFunction(this._labels().useSync, fn);
    this.acquireSync(options);
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  /** @internal The shareable protocol: `{ __concur: 'Lock' | 'RLock', state: { words } }`. */
  [kShare](): SharedState {
    return { __concur: this._labels().name, state: { words: this._words.buffer } };
  }

  /** @internal Dead-owner hook (see `markOwnerDead`). */
  [kOwnerDied](threadId: number): boolean {
    return breakIfOwnedBy(this._words, WORD, threadId);
  }

  /** @internal True once broken by a dead owner. */
  _isBroken(): boolean {
    return (Atomics.load(this._words, WORD) & 3) === BROKEN;
  }

  /** @internal Condition protocol: held by the caller (each class says what that means). */
  abstract _isOwned(): boolean;

  /** @internal The class's names for messages. */
  protected abstract _labels(): LockLabels;

  /** @internal Index of the depth word set to 1 when taken (-1: none, a plain Lock). */
  protected abstract _depthIndex(): number;

  /** @internal Takes the lock if it is free (or, for an RLock, held here). Never blocks. */
  protected abstract _tryAcquire(): boolean;

  /** @internal Condition protocol: take the lock again at depth `saved` (blocking). */
  _acquireRestoreSync(saved: number): void {
    const words = this._words;
    if (!tryLock(words, WORD)) lockSync(words, WORD, WAITERS, Infinity, this._labels().what);
    const depth = this._depthIndex();
    if (depth >= 0) Atomics.store(words, depth, saved);
  }

  /** @internal Condition protocol: take the lock again at depth `saved` (async). */
  async _acquireRestore(saved: number): Promise<void> {
    const words = this._words;
    const depth = this._depthIndex();
    if (tryLock(words, WORD)) {
      if (depth >= 0) Atomics.store(words, depth, saved);
    } else {
      await lockAsync(words, WORD, WAITERS, Infinity, this._labels().what, depth, saved);
    }
  }

  /** @internal `{ locked, owner, waiters, broken }` now. */
  protected _snapshot(): LockStatistics {
    const word = Atomics.load(this._words, WORD);
    return {
      locked: word !== 0,
      owner: ownerOf(word),
      waiters: Atomics.load(this._words, WAITERS),
      broken: (word & 3) === BROKEN,
    };
  }

  /** @internal A non-blocking try that found the lock taken: false, or broken. */
  protected _failedTry(): false {
    const word = Atomics.load(this._words, WORD);
    if ((word & 3) === BROKEN) throw brokenError(this._labels().what, word);
    return false;
  }

  /** @internal The async wait of `acquire`; the depth word, if any, is set to 1. */
  protected async _acquireSlow(timeout: number): Promise<boolean> {
    if (timeout === 0) return this._failedTry();
    const deadline = deadlineAfter(timeout);
    const what = this._labels().what;
    return lockAsync(this._words, WORD, WAITERS, deadline, what, this._depthIndex(), 1);
  }

  /** @internal */
  protected _attach(words: Int32Array): this {
    this._words = words;
    trackOwned(this);
    return this;
  }
}

/** The shared `inspect` text of Lock and RLock. */
export function describeLock(name: string, stats: LockStatistics, extra = ''): string {
  if (stats.broken) return `<${name} broken owner=${stats.owner}>`;
  if (!stats.locked) return `<${name} unlocked>`;
  const waiters = stats.waiters > 0 ? ` waiters=${stats.waiters}` : '';
  return `<${name} locked owner=${stats.owner}${extra}${waiters}>`;
}
