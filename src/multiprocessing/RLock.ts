/**
 * `RLock`: a reentrant lock shared by processes.
 *
 * @module
 */
import { inspect } from 'node:util';

import { AcquirableHandle } from '../internal/mpAcquirable.js';
import { callerToken, reviveHandle, type HandleState } from '../internal/mpHandle.js';
import { registerShareable } from '../internal/shareable.js';
import { LockCore } from '../internal/syncCores.js';
import type { LockStatistics } from './Lock.js';

/**
 * A reentrant lock shared by processes: its holder may take it again, and must release it
 * as many times.
 *
 * Python equivalent: `multiprocessing.RLock`. The owner is a (process, task) pair where
 * Python's is a (process, thread) pair: two tasks of one process exclude each other, and
 * code outside any task counts as one owner.
 *
 * Differences: as {@link Lock} — async `release()`/`locked()`; a holder process that dies
 * breaks it (`BrokenResourceError`); only the holder may release it
 * (`InvalidStateError`, Python: `AssertionError`/`RuntimeError`).
 *
 * Cancellation: as {@link Lock}.
 *
 * @example
 * ```ts
 * const rlock = new RLock();
 * await rlock.use(() => rlock.use(() => 'nested is fine'));
 * ```
 */
export class RLock extends AcquirableHandle {
  /** Makes an unlocked reentrant lock, served by this process. */
  constructor() {
    super();
    if (this._revived === null) this._serve(new LockCore(true));
  }

  protected get _typeName(): string {
    return 'mp.RLock';
  }

  protected get _what(): string {
    return 'RLock';
  }

  /**
   * Releases one level; the lock is free once every `acquire` was matched.
   *
   * @throws Rejects with InvalidStateError if the caller does not hold it.
   */
  release(): Promise<void> {
    return this._request('release', [callerToken()]);
  }

  protected _releaseOne(): Promise<void> {
    return this.release();
  }

  /** Resolves to true while some task holds it. */
  locked(): Promise<boolean> {
    return this._request('locked', []);
  }

  /** A snapshot: `{ locked, owner, recursionCount, waiters, broken }`. */
  statistics(): Promise<LockStatistics> {
    return this._request('stats', []);
  }

  /** `<multiprocessing.RLock owner=pid 1234>`. */
  [inspect.custom](): string {
    return `<multiprocessing.RLock owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.RLock', (state: HandleState) => reviveHandle(RLock, state));
  }
}
