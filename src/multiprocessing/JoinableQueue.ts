/**
 * `JoinableQueue`: a cross-process `Queue` that also counts unfinished tasks.
 *
 * @module
 */
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { registerShareable } from '../internal/shm/shareable.js';
import { checkInteger } from '../internal/base/validate.js';
import { Queue } from './Queue.js';

/**
 * A {@link Queue} whose consumers report each item done with `taskDone()`, so that
 * `join()` can wait until every item put was processed.
 *
 * Python equivalent: `multiprocessing.JoinableQueue(maxsize=0)`: `task_done()`,
 * `join()`. Each `put` counts one unfinished task; `taskDone()` too often rejects with
 * `RangeError` (Python: `ValueError`).
 *
 * Differences: as {@link Queue}; `taskDone()` returns a promise.
 *
 * Cancellation: a cancelled `join()` stops waiting; nothing else changes.
 *
 * @example
 * ```ts
 * const jobs = new JoinableQueue<string>();
 * // workers: for (;;) { const job = await jobs.get(); …; await jobs.taskDone(); }
 * await jobs.join();
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  protected override get _typeName(): string {
    return 'mp.JoinableQueue';
  }

  protected override get _what(): string {
    return 'JoinableQueue';
  }

  /**
   * Marks `n` (default 1) items taken by `get` as processed.
   *
   * @throws TypeError/RangeError (at the call) if `n` is not an integer ≥ 1. Rejects with
   * RangeError if more tasks are marked done than were put.
   */
  taskDone(n = 1): Promise<void> {
    checkInteger('JoinableQueue.taskDone() n', n, 1);
    return this._ask('taskDone', [n]);
  }

  /** Waits until every item put so far was marked done. */
  join(): Promise<void> {
    return this._ask('join');
  }

  static {
    registerShareable('mp.JoinableQueue', (state: HandleState) =>
      reviveHandle(JoinableQueue as new () => JoinableQueue, state),
    );
  }
}
