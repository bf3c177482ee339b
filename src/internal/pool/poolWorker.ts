/**
 * A pool's view of one of its workers: its transport, what it holds and what it knows.
 *
 * @module
 */
import type { WorkerChannel } from '../worker/channel.js';
import type { PoolFuture } from './poolFuture.js';

export class PoolWorker {
  /** It said READY (its initializer ran). */
  ready = false;
  /** The pool is ending it; it takes no more tasks. */
  stopping = false;
  /** Why the pool itself ended it while tasks ran (the tasks' error message). */
  recycleReason: string | null = null;
  /** The task whose abort it ignored, for which the pool ended it. */
  killedFor: PoolFuture<unknown> | null = null;
  /** The task number of the last task it was sent (-1: none yet). */
  lastNum = -1;
  /** Tasks sent and not yet answered. */
  inFlight = 0;
  /** The task number of every task it holds, -1 for a mix (what its answers measure). */
  heldNum = -1;
  /** Tasks sent so far (the next task's position in its stream). */
  seq = 0;
  /** When it last became idle, and busy; when its last results came (ms). */
  idleSince = 0;
  busySince = 0;
  lastResults = 0;
  /** Task numbers this worker has been told about. */
  readonly known: boolean[] = [];
  /** Tasks sent before the worker was ready, whose taskTimeout starts when it is. */
  readonly unclocked: PoolFuture<unknown>[] = [];
  channel!: WorkerChannel;

  constructor(readonly index: number) {}

  get threadId(): number {
    return this.channel.threadId;
  }

  /** It was sent `futures` at `now` (they start in this order). */
  took(futures: readonly PoolFuture<unknown>[], now: number): void {
    let num = this.inFlight === 0 ? futures[0]!._num : this.heldNum;
    for (const future of futures) {
      future._worker = this;
      future._seq = this.seq++;
      if (future._num !== num) num = -1;
    }
    this.heldNum = num;
    if (this.inFlight === 0) {
      this.channel.ref(); // in-flight work keeps the process alive
      this.busySince = now;
    }
    this.inFlight += futures.length;
  }

  /**
   * It answered `n` tasks at `now`. Returns the ms per task this shows, or -1 for its
   * first answer, which also paid for importing the task modules (not a sample).
   */
  answered(n: number, now: number): number {
    this.inFlight -= n;
    const last = this.lastResults;
    this.lastResults = now;
    if (last === 0) return -1;
    return (now - (last > this.busySince ? last : this.busySince)) / n;
  }
}
