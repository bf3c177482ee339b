/**
 * `RLock`: a reentrant lock shared by processes.
 *
 * @module
 */
import { LockHandle } from '../internal/ipc/acquirable.js';
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { registerShareable } from '../internal/shm/shareable.js';

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
export class RLock extends LockHandle {
  /** Makes an unlocked reentrant lock, served by this process. */
  constructor() {
    super(true);
  }

  protected get _typeName(): string {
    return 'mp.RLock';
  }

  protected get _what(): string {
    return 'RLock';
  }

  static {
    registerShareable('mp.RLock', (state: HandleState) => reviveHandle(RLock, state));
  }
}
