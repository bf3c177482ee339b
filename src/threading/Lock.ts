/**
 * `Lock`: a mutual-exclusion lock shared by threads, in a `SharedArrayBuffer`.
 *
 *   SAB (8 bytes)   WORD: owner tag + state (see internal/shm/mutex.ts) · WAITERS: sleepers
 *
 * What Lock and RLock share (the acquire paths, the snapshot, the dead-owner hook) is in
 * ownedLock.ts; the one-CAS try and the release are here.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { InvalidStateError } from '../errors.js';
import type { AcquireOptions, SyncOptions } from '../internal/shm/futex.js';
import { NOT_LOCKED, WAS_BROKEN, brokenError, tryLock, unlock } from '../internal/shm/mutex.js';
import { registerShareable } from '../internal/shm/shareable.js';
import { OwnedLock, WORD, describeLock, lockLabels, type LockLabels } from './ownedLock.js';

const LABELS = lockLabels('Lock', 'the threading Lock');

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
export class Lock extends OwnedLock {
  /** Makes an unlocked lock in a new `SharedArrayBuffer`. */
  constructor() {
    super();
    this._attach(new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)));
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
    if (outcome === WAS_BROKEN) throw brokenError(LABELS.what, Atomics.load(this._words, WORD));
  }

  /** A snapshot: `{ locked, owner, waiters, broken }`. */
  statistics(): LockStatistics {
    return this._snapshot();
  }

  /** `<Lock unlocked>`, `<Lock locked owner=2 waiters=1>`, `<Lock broken owner=2>`. */
  [inspectCustom](): string {
    return describeLock('Lock', this.statistics());
  }

  /** @internal Condition protocol: Python's `_is_owned` for a plain lock is "locked". */
  override _isOwned(): boolean {
    return this.locked();
  }

  /** @internal Condition protocol: release fully; the saved state to restore. */
  _releaseSave(): number {
    this.release();
    return 0;
  }

  /** @internal */
  protected _labels(): LockLabels {
    return LABELS;
  }

  /** @internal */
  protected _depthIndex(): number {
    return -1;
  }

  /** @internal */
  protected _tryAcquire(): boolean {
    return tryLock(this._words, WORD);
  }

  static {
    registerShareable('Lock', (state: { words: SharedArrayBuffer }) =>
      (Object.create(Lock.prototype) as Lock)._attach(new Int32Array(state.words)),
    );
  }
}
