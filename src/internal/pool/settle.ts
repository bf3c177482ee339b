/**
 * What a worker's answers — or its death — mean for the pool's futures: each answered
 * future settles (a result, a rebuilt error), and when a worker dies, the task it was
 * running fails with `WorkerCrashedError` while the others go back to the queue. The pool does the bookkeeping of workers and counts around these.
 *
 * @module
 */
import type { InFlight } from './inFlight.js';
import type { Tally } from './config.js';
import type { PoolFuture } from './poolFuture.js';
import type { PoolWorker } from './poolWorker.js';
import { ST_OK, ST_OK_SHARED, ST_SKIPPED } from '../worker/protocol.js';
import { crashError, failureOf, type WorkerEnd } from '../worker/outcomes.js';
import { decodeShared } from '../shm/shareable.js';
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
 * any): the task that was running fails with `WorkerCrashedError` (or ends cancelled,
 * when `terminateWorkers()` ended it); the others are returned pending again, the last
 * sent first, for the front of the queue — unless `requeue` is false (a broken or
 * terminated pool), when every task it had started fails too (or ends cancelled).
 *
 * Which task was running: a worker runs one task at a time (`concurrency` 1), so when the
 * pool itself ended it for a task that ignored its abort, that task (settled already);
 * else, with an exact count of started tasks, the last one started. The tasks started
 * before it had finished, but their results died with the worker (at most FLUSH_MS of
 * them, see workerRuntime.ts): they run again. Where the count is only an upper bound (a
 * worker process killed from outside in the middle of a batch) or tasks ran side by side
 * (`concurrency` above 1), every task it had started and not answered fails.
 */
export function settleOrphans(
  worker: PoolWorker,
  end: WorkerEnd,
  error: unknown,
  inFlight: InFlight,
  tally: Tally,
  requeue: boolean,
  concurrency: number,
): PoolFuture<unknown>[] {
  const started = worker.channel.started();
  // Tasks below `rerun` (by position in the worker's stream) run again.
  let rerun = 0;
  if (concurrency === 1) {
    if (worker.killedFor !== null) rerun = started;
    else if (worker.channel.startedExactly()) rerun = started - 1;
  }
  const unstarted: PoolFuture<unknown>[] = [];
  for (const future of inFlight.takeAll(worker)) {
    clearGrace(future);
    if (future._state !== RUNNING) continue;
    if (requeue && (future._seq >= started || future._seq < rerun)) {
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
