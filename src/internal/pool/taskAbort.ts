/**
 * Aborting a task that runs in a pool worker (a cancelled future, or a taskTimeout): the
 * worker is told to abort the task's `taskSignal()`, and a grace timer terminates the
 * worker if the task ignores the signal for `graceMs`. The pool replaces the worker when
 * it exits, and the crash reason names the task.
 *
 * @module
 */
import { LongTimeout } from '../base/longTimeout.js';
import { extraOf, type PoolFuture } from './poolFuture.js';
import type { PoolWorker } from './poolWorker.js';
import { ABORT } from '../worker/protocol.js';
import { taskLabel } from '../worker/outcomes.js';

/** Tells the worker running `future` to abort it, for `reason` (ABORT_CANCEL / _TIMEOUT). */
export function abortInWorker(future: PoolFuture<unknown>, reason: number, graceMs: number): void {
  const worker = future._worker as PoolWorker | null;
  if (worker === null) return;
  worker.channel.post([ABORT, future._slot, reason], undefined);
  worker.channel.wake();
  // `cancelGraceMs: Infinity` never terminates (a bare setTimeout would make it 1 ms).
  extraOf(future).grace = LongTimeout.start(graceMs, () => onGraceExpired(future, graceMs));
}

/** Stops the grace timer of `future` (its answer came, or its worker is gone). */
export function clearGrace(future: PoolFuture<unknown>): void {
  const extra = future._extra;
  if (extra !== null && extra.grace !== null) {
    extra.grace.cancel();
    extra.grace = null;
  }
}

function onGraceExpired(future: PoolFuture<unknown>, graceMs: number): void {
  extraOf(future).grace = null;
  const worker = future._worker as PoolWorker | null;
  if (worker === null || worker.stopping) return;
  worker.stopping = true;
  worker.killedFor = future;
  worker.recycleReason = `its worker was terminated because ${taskLabel(future._num)} ignored its abort signal for longer than cancelGraceMs (${graceMs} ms)`;
  worker.channel.terminate();
}
