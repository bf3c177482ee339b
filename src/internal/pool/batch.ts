/**
 * How a pool packs tasks for a worker: one RUN message per batch (protocol.ts), and an
 * adaptive window of tasks in flight per worker.
 *
 * - Batching is what makes tiny tasks cheap: one `postMessage` per batch instead of per
 *   task.
 * - The window holds about WINDOW_BUDGET_MS of work, from 1 task (long tasks: a worker
 *   never sits on a queue of them while another is idle) to MAX_WINDOW tiny ones (enough
 *   to keep a worker busy while results travel back). It starts at 1, so the first
 *   results measure the tasks before many are committed.
 * - A batch the serialiser refuses is sent again one task at a time, so that only the
 *   culprit fails.
 *
 * @module
 */
import type { Transferable } from '../base/transfer.js';
import { cloneFailure } from '../worker/codec.js';
import type { Deque } from '../base/Deque.js';
import type { InFlight } from './inFlight.js';
import type { PoolFuture } from './poolFuture.js';
import type { PoolWorker } from './poolWorker.js';
import { CTL_FLUSH, RUN } from '../worker/protocol.js';
import { taskLabel } from '../worker/outcomes.js';
import { taskDef } from '../worker/taskRef.js';

/** Most tasks in one message: bigger batches clone faster per task, but a batch is also
 * the unit of work a worker commits to. */
export const MAX_BATCH = 512;
/** Most tasks in flight on one worker (two full batches: one running, one travelling). */
const MAX_WINDOW = 2 * MAX_BATCH;
/** How much work (ms) a worker may hold beyond the task it runs. */
const WINDOW_BUDGET_MS = 2;

const PENDING = 0;
const RUNNING = 1;

/** The adaptive number of tasks a ready worker may hold. */
export class Window {
  /** Tasks in flight per worker. */
  size = 1;
  /** Estimated ms per task (0: not measured yet). */
  private msPerTask = 0;
  /** The task number the last sample measured alone (-1: a mix of tasks, or none). */
  private measuredNum = -1;

  /**
   * Folds a sample of ms-per-task into the estimate and recomputes the size; `num` is the
   * task number of every task in the sample, or -1 for a mix.
   */
  measure(sample: number, num: number): void {
    const estimate = this.msPerTask === 0 ? sample : (this.msPerTask + sample) / 2;
    this.msPerTask = estimate;
    this.measuredNum = num;
    const size = Math.floor(WINDOW_BUDGET_MS / estimate);
    this.size = size < 1 ? 1 : size > MAX_WINDOW ? MAX_WINDOW : size;
  }

  /**
   * Whether `n` queued tasks of task number `num` should go to one worker whole rather
   * than be split by the fair share: when by the estimate they fit in one worker's budget
   * (WINDOW_BUDGET_MS), as a worker may hold anyway. A second worker's share costs a second
   * message and thread wake-up (and a second result message, another main-thread wake-up),
   * more than it saves on so little work (a distributed worker's jobs reach its pool a few
   * at a time). Only for the task last measured alone: tiny tasks measured before say nothing of another task's length,
   * which spreads by the fair share (see `pickWorker`).
   */
  keepsTogether(num: number, n: number): boolean {
    return num === this.measuredNum && this.msPerTask > 0 && n * this.msPerTask <= WINDOW_BUDGET_MS;
  }
}

/**
 * The worker to give the next batch, and how many tasks it may take (`null`: none has
 * room). A worker may hold the window, but not more than its `share` of all the work:
 * five long tasks on three workers go 2-2-1 (spawning the others on demand, as Python
 * starts a thread per submit while none is idle), not 5-0-0 because tiny tasks ran before
 * and the window is large (the pool lifts the share only for a few tasks of the very task
 * it measured tiny: `Window.keepsTogether`). And while the pool is `growing`, a busy worker
 * gets no second task: a new worker is started instead (a second task could wait behind a
 * long first).
 */
export function pickWorker(
  workers: readonly PoolWorker[],
  window: number,
  share: number,
  growing: boolean,
  maxTasks: number,
): { worker: PoolWorker; room: number } | null {
  let best: PoolWorker | null = null;
  let bestRoom = 0;
  for (const worker of workers) {
    if (worker.stopping) continue;
    const held = worker.ready && !growing ? window : 1;
    let room = (held < share ? held : share) - worker.inFlight;
    // A worker near its maxTasksPerWorker takes only what it has left.
    if (maxTasks - worker.seq < room) room = maxTasks - worker.seq;
    if (room <= 0) continue;
    // The least busy worker first (an idle one before a busy one), a ready one on a tie.
    if (
      best === null ||
      worker.inFlight < best.inFlight ||
      (worker.inFlight === best.inFlight && worker.ready && !best.ready)
    ) {
      best = worker;
      bestRoom = room;
    }
  }
  return best === null ? null : { worker: best, room: bestRoom };
}

/** One RUN message and the futures it carries. */
export interface Batch {
  readonly message: unknown[];
  readonly futures: PoolFuture<unknown>[];
  /** Task numbers first told to the worker by this message (forgotten if it fails). */
  readonly defs: unknown[] | null;
  readonly transfer: Transferable[] | undefined;
}

/**
 * Takes up to `limit` live futures from the front of `queue` (skipping cancelled ones)
 * into one RUN message for `worker`: marks them running, gives each an in-flight slot,
 * and adds the definitions of tasks the worker has not seen. A task of another kind than
 * the one the worker was sent last is flagged CTL_FLUSH: its length is unknown, so the
 * results before it must not wait for it. `null` if none was live.
 */
export function takeBatch(
  queue: Deque<PoolFuture<unknown>>,
  worker: PoolWorker,
  limit: number,
  inFlight: InFlight,
): Batch | null {
  const message: unknown[] = [RUN, null];
  const futures: PoolFuture<unknown>[] = [];
  let defs: unknown[] | null = null;
  let transfer: Transferable[] | undefined;
  while (futures.length < limit && queue.length > 0) {
    const future = queue.shift()!;
    if (future._state !== PENDING) continue; // cancelled while queued
    future._state = RUNNING;
    const num = future._num;
    if (worker.known[num] !== true) {
      (defs ??= []).push(num, taskDef(num));
      worker.known[num] = true;
    }
    if (num !== worker.lastNum) {
      future._ctl |= CTL_FLUSH;
      worker.lastNum = num;
    } else {
      future._ctl &= ~CTL_FLUSH;
    }
    const args = future._args!;
    message.push(inFlight.add(future), future._ctl, args.length);
    for (let i = 0; i < args.length; i++) message.push(args[i]);
    const extra = future._extra;
    if (extra !== null && extra.transfer !== null) (transfer ??= []).push(...extra.transfer);
    futures.push(future);
  }
  if (futures.length === 0) return null;
  message[1] = defs;
  return { message, futures, defs, transfer };
}

/**
 * Sends the futures of a refused batch one by one; a future whose own message is refused
 * leaves the table and goes to `failed`. Returns the futures sent.
 */
export function postEach(
  worker: PoolWorker,
  batch: Batch,
  inFlight: InFlight,
  failed: (future: PoolFuture<unknown>, error: Error) => void,
): PoolFuture<unknown>[] {
  if (batch.defs !== null) {
    for (let i = 0; i < batch.defs.length; i += 2) worker.known[batch.defs[i] as number] = false;
  }
  const sent: PoolFuture<unknown>[] = [];
  for (const future of batch.futures) {
    const num = future._num;
    const defs = worker.known[num] === true ? null : [num, taskDef(num)];
    const args = future._args!;
    try {
      worker.channel.post(
        [RUN, defs, future._slot, future._ctl, args.length, ...args],
        future._extra?.transfer ?? undefined,
      );
    } catch (error) {
      inFlight.remove(future);
      failed(future, cloneFailure(`the arguments of ${taskLabel(num)}`, error));
      continue;
    }
    worker.known[num] = true;
    sent.push(future);
  }
  return sent;
}
