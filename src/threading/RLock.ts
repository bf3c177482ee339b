/**
 * `RLock`: a reentrant lock shared by threads, in a `SharedArrayBuffer`.
 *
 *   SAB (12 bytes)  WORD: owner tag + state · WAITERS: sleepers · COUNT: recursion depth
 *
 * COUNT is read and written only by the owning thread while it holds WORD, so plain
 * atomic loads and stores suffice; the acquiring and releasing CAS on WORD order it for
 * the next owner. What Lock and RLock share is in ownedLock.ts.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { InvalidStateError } from '../errors.js';
import { BROKEN, SELF, brokenError, ownerOf, tryLock, unlock } from '../internal/shm/mutex.js';
import { registerShareable } from '../internal/shm/shareable.js';
import type { LockStatistics } from './Lock.js';
import { OwnedLock, WORD, describeLock, lockLabels, type LockLabels } from './ownedLock.js';

const COUNT = 2;
const LABELS = lockLabels('RLock', 'the RLock');

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
export class RLock extends OwnedLock {
  /** Makes an unlocked reentrant lock in a new `SharedArrayBuffer`. */
  constructor() {
    super();
    this._attach(new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)));
  }

  /**
   * Undoes one `acquire` by this thread; the lock is free once the count reaches 0.
   *
   * @throws InvalidStateError if this thread does not hold it (Python: `RuntimeError`
   * "cannot release un-acquired lock"); BrokenResourceError if broken.
   */
  release(): void {
    const word = Atomics.load(this._words, WORD);
    if ((word & 3) === BROKEN) throw brokenError(LABELS.what, word);
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

  /** A snapshot: `{ locked, owner, waiters, broken, recursionCount }`. */
  statistics(): RLockStatistics {
    return {
      ...this._snapshot(),
      recursionCount: this._isOwned() ? Atomics.load(this._words, COUNT) : 0,
    };
  }

  /** `<RLock unlocked>`, `<RLock locked owner=0 count=2>`. */
  [inspectCustom](): string {
    const stats = this.statistics();
    const count = this._isOwned() ? ` count=${stats.recursionCount}` : '';
    return describeLock('RLock', stats, count);
  }

  /** @internal Condition protocol: held by this thread. */
  override _isOwned(): boolean {
    const word = Atomics.load(this._words, WORD);
    return word !== 0 && (word & ~3) === SELF && (word & 3) !== BROKEN;
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

  /** @internal */
  protected _tryAcquire(): boolean {
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

  /** @internal */
  protected _labels(): LockLabels {
    return LABELS;
  }

  /** @internal */
  protected _depthIndex(): number {
    return COUNT;
  }

  static {
    registerShareable('RLock', (state: { words: SharedArrayBuffer }) =>
      (Object.create(RLock.prototype) as RLock)._attach(new Int32Array(state.words)),
    );
  }
}
