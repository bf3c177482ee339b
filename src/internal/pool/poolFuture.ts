/**
 * The future of a pool task. It carries the task's wire state (number, arguments, where it
 * runs) so that queuing a task allocates one object, not two.
 *
 * @module
 */
import { Future } from '../loop/Future.js';
import type { LongTimeout } from '../base/longTimeout.js';
import { CTL_SHIFT } from '../worker/protocol.js';
import type { Transferable } from '../base/transfer.js';

const PENDING = 0;
const RUNNING = 1;
const CANCELLED = 3;

/** What a pool future asks of its pool when it is cancelled. */
export interface PoolFutureOwner {
  /** A queued future was cancelled (it stays in the queue and is skipped there). */
  _cancelledQueued(future: PoolFuture<unknown>): void;
  /** A future whose task runs in a worker was cancelled: abort the task there. */
  _cancelledRunning(future: PoolFuture<unknown>): void;
}

/** The rarely used state of a pool future. */
export interface PoolFutureExtra {
  /** What the arguments transfer rather than copy. */
  transfer: readonly Transferable[] | null;
  /** When its taskTimeout expires (ms, monotonicNow()). */
  deadline: number;
  /** The grace timer after an abort. */
  grace: LongTimeout | null;
}

/** The `_extra` of `future`, made on first use. */
export function extraOf(future: PoolFuture<unknown>): PoolFutureExtra {
  return (future._extra ??= { transfer: null, deadline: 0, grace: null });
}

/** Opaque per-worker state of the pool (the future only holds it). */
export interface PoolWorkerRef {
  readonly threadId: number;
}

/**
 * A future returned by a pool's `submit`.
 *
 * Cancellation: `cancel()` on a queued task cancels it (Python). On a task that runs in a
 * worker it also returns `true` — the future ends cancelled at once and the task's
 * `taskSignal()` is aborted; a task that ignores the signal past the pool's
 * `cancelGraceMs` has its worker terminated and replaced (Python cannot cancel a running
 * future at all).
 * @internal
 */
export class PoolFuture<T> extends Future<T> {
  // Every field costs every queued task (100k queued tasks are 100k of these), so the
  // rarely used ones live in `_extra`: the throughput of tiny tasks is sensitive to this
  // object's size.

  /** @internal Task number and flags, as sent (`num << CTL_SHIFT | flags`). */
  _ctl: number;
  /** @internal Arguments to send (encoded); dropped once the task settled. */
  _args: unknown[] | null;
  /** @internal Slot in the pool's in-flight table, or -1. */
  _slot = -1;
  /** @internal The worker running it, or null. */
  _worker: PoolWorkerRef | null = null;
  /** @internal Position in its worker's stream of tasks. */
  _seq = 0;
  /** @internal Transfer list, taskTimeout deadline, abort grace timer — when used. */
  _extra: PoolFutureExtra | null = null;

  constructor(
    /** @internal */ readonly _owner: PoolFutureOwner,
    num: number,
    args: unknown[],
  ) {
    super();
    this._ctl = num << CTL_SHIFT;
    this._args = args;
  }

  /** @internal The task number. */
  get _num(): number {
    return this._ctl >>> CTL_SHIFT;
  }

  /**
   * Cancels the task: `true` if it is (now or already) cancelled, `false` once it finished.
   * Python: `concurrent.futures.Future.cancel()` (which returns `True` when already
   * cancelled), extended to running tasks as described above.
   */
  override cancel(msg?: string): boolean {
    const state = this._state;
    if (state === CANCELLED) return true;
    if (state === PENDING) {
      this._setCancelled(msg);
      this._owner._cancelledQueued(this);
      return true;
    }
    if (state === RUNNING) {
      this._setCancelled(msg);
      this._owner._cancelledRunning(this);
      return true;
    }
    return false;
  }
}

// To users it is a Future: `<Future pending>` when inspected, "Future exception was never
// retrieved" when its error is dropped.
Object.defineProperty(PoolFuture, 'name', { value: 'Future' });
