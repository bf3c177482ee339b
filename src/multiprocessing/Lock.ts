/**
 * `Lock`: a mutual-exclusion lock shared by processes, served by the process that
 * created it.
 *
 * @module
 */
import { inspect } from 'node:util';

import { AcquirableHandle } from '../internal/mpAcquirable.js';
import { callerToken, reviveHandle, type HandleState } from '../internal/mpHandle.js';
import { registerShareable } from '../internal/shareable.js';
import { LockCore } from '../internal/syncCores.js';

/** A snapshot of a multiprocessing {@link Lock} or {@link RLock}, from `statistics()`. */
export interface LockStatistics {
  /** True while the lock is held. */
  readonly locked: boolean;
  /** The owner's number for the connection of the holding process (0: the owner itself). */
  readonly owner: number | null;
  /** How many times the holder took it (RLock; 1 for Lock while held). */
  readonly recursionCount: number;
  /** Tasks (in any process) waiting in `acquire`. */
  readonly waiters: number;
  /** True once a process died holding it. */
  readonly broken: boolean;
}

/**
 * A lock that excludes across processes: at most one holder among every task of every
 * process that shares it. Create it in one process and pass it to others (a `Process`
 * argument, a `Queue` item, or `encodeShared` over any IPC channel); they all use the
 * same lock.
 *
 * Python equivalent: `multiprocessing.Lock`. `acquire({ blocking, timeout })` resolves to
 * `true` once held, or `false`; `release()`; `locked()`; `use(fn)` is `with lock:`. As in
 * Python it is not reentrant and any process may release it.
 *
 * Differences:
 * - Every call is async (the lock lives in its creator's process): `release()`,
 *   `locked()` and `statistics()` return promises.
 * - A process that exits or crashes while holding it breaks it: waiters and later calls
 *   reject with `BrokenResourceError` (Python would leave it locked forever). When the
 *   creating process exits, every other process's calls reject with
 *   `BrokenResourceError`.
 *
 * Cancellation: a task cancelled in `acquire()` rejects with `CancelledError` and holds
 * nothing.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * const child = new Process({ target: work, args: [lock] }); // work: lock.use(() => …)
 * child.start();
 * await lock.use(async () => { … });
 * ```
 */
export class Lock extends AcquirableHandle {
  /** Makes an unlocked lock, served by this process. */
  constructor() {
    super();
    if (this._revived === null) this._serve(new LockCore(false));
  }

  protected get _typeName(): string {
    return 'mp.Lock';
  }

  protected get _what(): string {
    return 'Lock';
  }

  /**
   * Frees the lock and hands it to the next waiter. Any process may call it (Python's
   * rule).
   *
   * @throws Rejects with InvalidStateError if it is not held (Python: `ValueError`),
   * BrokenResourceError if it is broken.
   */
  release(): Promise<void> {
    return this._request('release', [callerToken()]);
  }

  protected _releaseOne(): Promise<void> {
    return this.release();
  }

  /** Resolves to true while the lock is held. Python: `lock._semlock._count() > 0`. */
  locked(): Promise<boolean> {
    return this._request('locked', []);
  }

  /** A snapshot: `{ locked, owner, recursionCount, waiters, broken }`. */
  statistics(): Promise<LockStatistics> {
    return this._request('stats', []);
  }

  /** `<multiprocessing.Lock owner=pid 1234>`. */
  [inspect.custom](): string {
    return `<multiprocessing.Lock owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.Lock', (state: HandleState) => reviveHandle(Lock, state));
  }
}
