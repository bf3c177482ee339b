/**
 * `Lock`: a mutual-exclusion lock shared by threads, in a `SharedArrayBuffer`.
 *
 *   SAB (8 bytes)   WORD: owner tag + state (see internal/mutex.ts) · WAITERS: sleepers
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
  NOT_LOCKED,
  WAS_BROKEN,
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

const WORD = 0;
const WAITERS = 1;
const WHAT = 'the threading Lock';

/** A snapshot of a threading {@link Lock}, from `statistics()`. */
export interface LockStatistics {
  /** True while the lock is held (or broken). */
  readonly locked: boolean;
  /** The `threadId` of the thread that took it, or `null` when free. */
  readonly owner: number | null;
  /** Threads and tasks currently sleeping in `acquire`. */
  readonly waiters: number;
  /** True once its owner died holding it (see the class docs). */
  readonly broken: boolean;
}

/** Options of `acquireSync()`: Python's `blocking`/`timeout` plus the main-thread guard. */
export interface AcquireSyncOptions extends AcquireOptions, SyncOptions {}

/**
 * A lock that really excludes across threads: at most one holder among every thread and
 * task that shares it. It lives in a `SharedArrayBuffer`; pass it to a worker (as a
 * task argument, in `workerData` or `postMessage` after `encodeShared`) and the worker
 * gets the same lock.
 *
 * Python equivalent: `threading.Lock`. `acquire({ blocking, timeout })` resolves to
 * `true` once held, or `false` when `blocking: false` or the timeout (ms) ran out;
 * `acquireSync` is the blocking twin for worker threads; `release()`, `locked()`,
 * `use(fn)` (the `with lock:` twin). As in Python the lock has no owner check: any
 * thread may release it, and it is not reentrant (a holder that acquires again waits for
 * itself — use {@link RLock} for that).
 *
 * Differences:
 * - Waiters are not served first-in first-out (neither are Python's); an uncontended
 *   acquire/release is one compare-and-swap each.
 * - Dead owners: the lock records the thread that took it. If that thread exits while
 *   holding it and the owning code calls `markOwnerDead` (concur's pools and `Thread`
 *   do), the lock becomes broken for good: waiters and later `acquire`/`release` calls
 *   fail with `BrokenResourceError` instead of hanging.
 * - `acquireSync` on the main thread throws `InvalidStateError` (it would freeze the
 *   event loop) unless you pass `{ allowMainThread: true }`.
 * - Tasks of one thread exclude each other too: two tasks on the main thread awaiting
 *   `acquire()` take turns (there is no per-thread shortcut).
 *
 * Cancellation: a task cancelled while awaiting `acquire()` rejects with
 * `CancelledError` and holds nothing; the wake-up it may have consumed goes to another
 * waiter.
 *
 * Memory ordering: everything a holder wrote before `release()` is visible to the next
 * holder after its `acquire()` (both are sequentially consistent atomic operations).
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * const counter = new Value('int32', 0);
 * await pool.submit(addMany, lock, counter, 1000); // the worker: lock.useSync(() => …)
 * await lock.use(() => { counter.value += 1; });
 * ```
 */
export class Lock implements Shareable, OwnedPrimitive {
  private _words!: Int32Array;

  /** Makes an unlocked lock in a new `SharedArrayBuffer`. */
  constructor() {
    this._attach(new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)));
  }

  /**
   * Waits until the lock is free and takes it; resolves to `true`, or to `false` if
   * `blocking` is false or `timeout` ms pass first.
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
    const timeout = checkAcquireOptions('Lock.acquire()', options);
    if (tryLock(this._words, WORD)) return ACQUIRED;
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
    const timeout = checkAcquireOptions('Lock.acquireSync()', options);
    // Refused on the main thread whether or not the lock happens to be free now: the
    // same call must not work in a test and freeze the event loop under load.
    if (timeout > 0) assertMayBlock('Lock.acquireSync()', options);
    const words = this._words;
    if (tryLock(words, WORD)) return true;
    if (timeout === 0) return this._failedTry();
    return lockSync(words, WORD, WAITERS, deadlineAfter(timeout), WHAT);
  }

  /**
   * Frees the lock and wakes one waiter. Any thread may call it (Python's rule).
   *
   * @throws InvalidStateError if the lock is not held (Python: `RuntimeError`);
   * BrokenResourceError if its owner died holding it.
   */
  release(): void {
    const outcome = unlock(this._words, WORD);
    if (outcome === NOT_LOCKED) {
      throw new InvalidStateError(
        'Lock.release() was called on an unlocked Lock; release it only after a matching acquire',
      );
    }
    if (outcome === WAS_BROKEN) throw brokenError(WHAT, Atomics.load(this._words, WORD));
  }

  /** True while the lock is held (or broken). Python: `lock.locked()`. */
  locked(): boolean {
    return Atomics.load(this._words, WORD) !== 0;
  }

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
    checkFunction('the function passed to Lock.use()', fn);
    return runHolding(
      this,
      tryLock(this._words, WORD) ? undefined : this._acquireSlow(Infinity),
      fn,
    );
  }

  /**
   * Runs the synchronous `fn` while holding the lock (taken with `acquireSync`) and
   * releases it afterwards; returns what `fn` returns. For worker threads.
   *
   * @throws as `acquireSync`; TypeError if `fn` is not a function.
   */
  useSync<T>(fn: () => T, options?: SyncOptions): T {
    checkFunction('the function passed to Lock.useSync()', fn);
    this.acquireSync(options);
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  /** A snapshot: `{ locked, owner, waiters, broken }`. */
  statistics(): LockStatistics {
    const word = Atomics.load(this._words, WORD);
    return {
      locked: word !== 0,
      owner: ownerOf(word),
      waiters: Atomics.load(this._words, WAITERS),
      broken: (word & 3) === BROKEN,
    };
  }

  /** `<Lock unlocked>`, `<Lock locked owner=2 waiters=1>`, `<Lock broken owner=2>`. */
  [inspect.custom](): string {
    return describeLock('Lock', this.statistics());
  }

  /** @internal The shareable protocol: `{ __concur: 'Lock', state: { words } }`. */
  [kShare](): SharedState {
    return { __concur: 'Lock', state: { words: this._words.buffer } };
  }

  /** @internal Dead-owner hook (see `markOwnerDead`). */
  [kOwnerDied](threadId: number): boolean {
    return breakIfOwnedBy(this._words, WORD, threadId);
  }

  /** @internal Condition protocol: Python's `_is_owned` for a plain lock is "locked". */
  _isOwned(): boolean {
    return this.locked();
  }

  /** @internal True once broken by a dead owner. */
  _isBroken(): boolean {
    return (Atomics.load(this._words, WORD) & 3) === BROKEN;
  }

  /** @internal Condition protocol: release fully; the saved state to restore. */
  _releaseSave(): number {
    this.release();
    return 0;
  }

  /** @internal Condition protocol: take the lock again (blocking). */
  _acquireRestoreSync(_saved: number): void {
    if (!tryLock(this._words, WORD)) lockSync(this._words, WORD, WAITERS, Infinity, WHAT);
  }

  /** @internal Condition protocol: take the lock again (async). */
  async _acquireRestore(_saved: number): Promise<void> {
    if (!tryLock(this._words, WORD)) await lockAsync(this._words, WORD, WAITERS, Infinity, WHAT);
  }

  private _failedTry(): false {
    const word = Atomics.load(this._words, WORD);
    if ((word & 3) === BROKEN) throw brokenError(WHAT, word);
    return false;
  }

  private async _acquireSlow(timeout: number): Promise<boolean> {
    if (timeout === 0) return this._failedTry();
    return lockAsync(this._words, WORD, WAITERS, deadlineAfter(timeout), WHAT);
  }

  private _attach(words: Int32Array): this {
    this._words = words;
    trackOwned(this);
    return this;
  }

  static {
    registerShareable('Lock', (state: { words: SharedArrayBuffer }) =>
      (Object.create(Lock.prototype) as Lock)._attach(new Int32Array(state.words)),
    );
  }
}

/** The shared `inspect` text of Lock and RLock. */
export function describeLock(name: string, stats: LockStatistics, extra = ''): string {
  if (stats.broken) return `<${name} broken owner=${stats.owner}>`;
  if (!stats.locked) return `<${name} unlocked>`;
  const waiters = stats.waiters > 0 ? ` waiters=${stats.waiters}` : '';
  return `<${name} locked owner=${stats.owner}${extra}${waiters}>`;
}
