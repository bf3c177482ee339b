/**
 * `Lock`: a mutual-exclusion lock shared by processes, served by the process that
 * created it.
 *
 * @module
 */
import { LockHandle } from '../internal/ipc/acquirable.js';
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { registerShareable } from '../internal/shm/shareable.js';

export type { LockStatistics } from '../internal/ipc/acquirable.js';

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
export class Lock extends LockHandle {
  /** Makes an unlocked lock, served by this process. */
  constructor() {
    super(false);
  }

  protected get _typeName(): string {
    return 'mp.Lock';
  }

  protected get _what(): string {
    return 'Lock';
  }

  static {
    registerShareable('mp.Lock', (state: HandleState) => reviveHandle(Lock, state));
  }
}
