/**
 * What a worker's answers — or its death — mean for the pool's futures: each answered
 * future settles (a result, a rebuilt error), and when a worker dies, the tasks it had
 * started fail with `WorkerCrashedError` while those it never started go back to the
 * queue. The pool does the bookkeeping of workers and counts around these.
 *
 * @module
 */
import type { InFlight } from './inFlight.js';
import type { Tally } from './poolConfig.js';
import type { PoolFuture } from './poolFuture.js';
import type { PoolWorker } from './poolWorker.js';
import { ST_OK, ST_OK_SHARED, ST_SKIPPED } from './protocol.js';
import { crashError, failureOf, type WorkerEnd } from './results.js';
import { decodeShared } from './shareable.js';
import { clearGrace } from './taskAbort.js';

const PENDING = 0;
const RUNNING = 1;

/**
 * Settles the futures answered by a RESULTS message of `worker`; returns how many of its
 * tasks the message answered (answers of tasks cancelled or timed out meanwhile count,
 * and settle nothing).
 */
export function settleResults(
  message: unknown[],
  worker: PoolWorker,
  inFlight: InFlight,
  tally: Tally,
): number {
  let n = 0;
  for (let i = 1; i < message.length; i += 3) {
    const future = inFlight.take(message[i] as number, worker);
    if (future === undefined) continue;
    n++;
    future._args = null;
    if (future._extra !== null) {
      // Cancelled or timed out while it ran: the answer comes too late for anyone.
      clearGrace(future);
      future._extra = null;
    }
    if (future._state !== RUNNING) continue;
    const status = message[i + 1];
    if (status === ST_OK) {
      tally.completed++;
      future._finishWith(true, message[i + 2]);
    } else {
      settleOther(future, status as number, message[i + 2], tally);
    }
  }
  return n;
}

function settleOther(
  future: PoolFuture<unknown>,
  status: number,
  value: unknown,
  tally: Tally,
): void {
  if (status === ST_OK_SHARED) {
    tally.completed++;
    future._finishWith(true, decodeShared(value));
  } else if (status !== ST_SKIPPED) {
    // (ST_SKIPPED: aborted before it started; its future settled then.)
    tally.failed++;
    future._finishWith(false, failureOf(status, value, future._num));
  }
}

/**
 * Settles the tasks of `worker`, which exited with `exitCode` (killed by `error`, if
 * any): those it started fail with `WorkerCrashedError` (or end cancelled, when
 * `terminateWorkers()` ended it); those it never started are returned pending again, the
 * last sent first, for the front of the queue — unless `requeue` is false (a broken or
 * terminated pool), when they fail too (or end cancelled, after `terminateWorkers()`).
 */
export function settleOrphans(
  worker: PoolWorker,
  end: WorkerEnd,
  error: unknown,
  inFlight: InFlight,
  tally: Tally,
  requeue: boolean,
): PoolFuture<unknown>[] {
  const started = worker.channel.started();
  const unstarted: PoolFuture<unknown>[] = [];
  for (const future of inFlight.takeAll(worker)) {
    clearGrace(future);
    if (future._state !== RUNNING) continue;
    if (future._seq >= started && requeue) {
      unstarted.push(future);
      continue;
    }
    future._args = null;
    future._extra = null;
    if (worker.stopping && worker.recycleReason === null) {
      tally.cancelled++;
      future._setCancelled('the worker was terminated by terminateWorkers()');
      continue;
    }
    tally.failed++;
    future._finishWith(false, crashError(future._num, end, error, worker.recycleReason));
  }
  // Pending again, the last sent first: unshifted in turn, they regain their order.
  for (const future of unstarted) future._state = PENDING;
  return unstarted.sort((a, b) => b._seq - a._seq);
}
