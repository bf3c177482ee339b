/**
 * The pool engine behind `ThreadPoolExecutor` and `ProcessPoolExecutor`: a queue of
 * futures on the main thread, flushed to workers in batches.
 *
 *   submit ──► queue (ring buffer) ──microtask──► dispatch: up to `window − inFlight`
 *                                                 tasks per worker, ≤ MAX_BATCH per message
 *                                                          │ [RUN …]
 *   future ◄── settle ◄── [RESULTS …] one message per batch ◄── worker (WorkerRuntime)
 *
 * Design choices:
 * - Tasks travel in batches, up to an adaptive window per worker (batch.ts); a worker
 *   still starting takes one task only. A worker runs them one after the other
 *   (`concurrentTasksPerWorker` at once), so `maxWorkers` bounds what runs at any moment.
 * - The worker counts the tasks it starts in shared memory, so a worker that dies fails
 *   only the task it was running; the others go back to the front of the queue
 *   (settle.ts). A worker that dies before it is ready is replaced; only
 *   MAX_START_FAILURES of them in a row break the pool, as a failing initializer does.
 * - A taskTimeout counts from when the task starts in its worker: a deadline that passes
 *   while the task has not started (its worker imports the task's module, or runs the
 *   task before it) starts it again at the next look (deadlines.ts).
 * - One timer serves every taskTimeout (deadlines.ts), one the idle timeout
 *   (idleReaper.ts), none exists otherwise; pool timers are unref'd and real-time.
 *
 * Its parts: inFlight.ts (tasks sent, by wire id), batch.ts (what goes to which
 * worker), settle.ts (answers and crashes), taskAbort.ts, config.ts.
 *
 * @module
 */
import { InvalidStateError, type BrokenExecutor, type SerializedError } from '../../errors.js';
import type { Future } from '../loop/Future.js';
import type { Transferable } from '../base/transfer.js';
import { refuseWhileImporting } from '../worker/bootstrap.js';
import { Deadlines } from './deadlines.js';
import { Deque } from '../base/Deque.js';
import { IdleReaper } from './idleReaper.js';
import { InFlight } from './inFlight.js';
import { liveBegin, liveEnd } from '../base/liveObjects.js';
import { markOwnerDead } from '../shm/owners.js';
import { MAX_BATCH, pickWorker, postEach, takeBatch, Window } from './batch.js';
import {
  liveWorkers,
  statisticsOf,
  Tally,
  type PoolConfig,
  type PoolStatistics,
} from './config.js';
import { settleOrphans, settleResults } from './settle.js';
import { extraOf, PoolFuture, type PoolFutureOwner } from './poolFuture.js';
import { PoolWorker } from './poolWorker.js';
import {
  ABORT_CANCEL,
  ABORT_TIMEOUT,
  CTL_CHUNK,
  CTL_SHARED,
  INIT_FAILED,
  READY,
  RESULTS,
} from '../worker/protocol.js';
import {
  diedBeforeReadyError,
  initFailedError,
  taskTimeoutError,
  type WorkerEnd,
} from '../worker/outcomes.js';
import { abortInWorker } from './taskAbort.js';
import { encodeArgs } from '../worker/taskArgs.js';
import { taskDef, taskNumber, type TaskDef } from '../worker/taskRef.js';
import { monotonicNow } from '../runtime/clock.js';

export type { PoolConfig, PoolStatistics } from './config.js';

const OPEN = 0;
const SHUTDOWN = 1;
const BROKEN = 2;

const PENDING = 0;
const RUNNING = 1;

/** Workers in a row that may die before they are ready before the pool breaks. */
const MAX_START_FAILURES = 3;

let processExiting = false;
let exitHookInstalled = false;

/** The engine of a worker pool. */
export class Pool implements PoolFutureOwner {
  private state = OPEN;
  /** Set by terminateWorkers(): the tasks of dying workers end cancelled, none requeued. */
  private terminating = false;
  private brokenError: BrokenExecutor | null = null;
  private readonly queue = new Deque<PoolFuture<unknown>>();
  /** Live (not cancelled) futures in `queue`. */
  private queued = 0;
  /** Futures sent to workers and not answered, by slot (the wire id). */
  private readonly inFlight = new InFlight();
  private running = 0;
  private readonly workers: PoolWorker[] = [];
  private spawned = 0;
  /** Workers in a row that died before they were ready. */
  private startFailures = 0;
  private flushQueued = false;
  /** Tasks in flight per ready worker. */
  private readonly window = new Window();
  /** The taskTimeout clocks (null without a taskTimeout). */
  private readonly deadlines: Deadlines | null;
  /** The idle timeout (null without one). */
  private readonly reaper: IdleReaper | null;
  private readonly tally = new Tally();
  private closed: Promise<void> | null = null;
  private resolveClosed: (() => void) | null = null;
  private readonly initializer: [number, TaskDef, unknown[]] | null;
  private readonly maxTasks: number;

  /**
   * @param owner The executor this engine serves: what the leak check names while the
   *   pool lives (from construction until it has closed).
   */
  constructor(
    private readonly config: PoolConfig,
    private readonly owner: object,
  ) {
    refuseWhileImporting(`a ${config.kind}`);
    this.maxTasks = config.maxTasksPerWorker ?? Infinity;
    this.deadlines =
      config.taskTimeout === Infinity
        ? null
        : new Deadlines(config.taskTimeout, this.expire, hasStarted);
    this.reaper =
      config.idleTimeout === Infinity
        ? null
        : new IdleReaper(config.idleTimeout, this.workers, (worker) => this.stop(worker));
    if (config.initializer !== null) {
      const num = taskNumber(config.initializer.task, config.allowSource);
      const args = encodeArgs(
        config.initializer.args,
        num,
        'the initargs',
        config.crossProcess,
        true, // the worker decodes initargs unflagged
      );
      if (!Array.isArray(args)) throw args;
      this.initializer = [num, taskDef(num), args];
    } else {
      this.initializer = null;
    }
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        processExiting = true;
      });
    }
    liveBegin('executors', owner);
  }

  // -------------------------------------------------------------------------------------
  // Submitting

  /**
   * Queues `task(...args)`; the future settles when a worker has run it. With `chunk`,
   * `args` is `[arity, values]` (see CTL_CHUNK) and the future settles to the list of
   * results.
   */
  submit<T>(
    task: unknown,
    args: unknown[],
    transfer: readonly Transferable[] | null,
    chunk = false,
  ): Future<T> {
    if (this.state !== OPEN || processExiting) throw this.closedError();
    const num = taskNumber(task, this.config.allowSource);
    const future = new PoolFuture<T>(this, num, args);
    if (transfer !== null) extraOf(future).transfer = transfer;
    if (chunk) future._ctl |= CTL_CHUNK;
    const encoded = encodeArgs(args, num, undefined, this.config.crossProcess);
    if (encoded !== args) {
      if (!Array.isArray(encoded)) {
        future._args = null;
        future._extra = null;
        this.tally.failed++;
        future._finishWith(false, encoded);
        return future;
      }
      future._args = encoded;
      future._ctl |= CTL_SHARED;
    }
    this.queue.push(future);
    this.queued++;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flush);
    }
    return future;
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    this.dispatchAll();
  };

  private closedError(): Error {
    if (this.state === BROKEN) return this.brokenError!;
    return new InvalidStateError(
      processExiting && this.state === OPEN
        ? 'cannot schedule new futures after interpreter shutdown'
        : 'cannot schedule new futures after shutdown',
    );
  }

  // -------------------------------------------------------------------------------------
  // Dispatching

  private dispatchAll(): void {
    const maxWorkers = this.config.maxWorkers;
    while (this.queued > 0) {
      // A few tiny tasks go to one worker whole (Window.keepsTogether), else split evenly.
      const share = this.window.keepsTogether(this.queue.peek()!._num, this.queued)
        ? this.queued
        : Math.ceil((this.queued + this.running) / maxWorkers);
      const growing = liveWorkers(this.workers) < maxWorkers;
      const pick = pickWorker(this.workers, this.window.size, share, growing, this.maxTasks);
      if (pick === null) {
        if (this.state === BROKEN || liveWorkers(this.workers) >= maxWorkers) return;
        this.spawn();
        continue;
      }
      this.dispatch(pick.worker, pick.room);
    }
  }

  private spawn(): void {
    const worker = new PoolWorker(this.spawned++);
    this.workers.push(worker);
    worker.channel = this.config.open(
      {
        name: `${this.config.namePrefix}_${worker.index}`,
        daemon: true,
        initializer: this.initializer,
        concurrency: this.config.concurrency,
        resourceLimits: this.config.resourceLimits,
      },
      {
        message: (message) => this.onMessage(worker, message),
        exit: (exitCode, error, signal) =>
          this.onExit(worker, { exitCode, signal, kind: worker.channel.kind }, error),
      },
    );
    worker.idleSince = monotonicNow();
  }

  private dispatch(worker: PoolWorker, room: number): void {
    const batch = takeBatch(this.queue, worker, room < MAX_BATCH ? room : MAX_BATCH, this.inFlight);
    if (batch === null) return;
    this.queued -= batch.futures.length;
    let sent = batch.futures;
    try {
      worker.channel.post(batch.message, batch.transfer);
    } catch {
      // Something in the batch would not clone: send the tasks one by one so that only
      // the culprit fails (what checkCloneable let through: a value past its budget).
      sent = postEach(worker, batch, this.inFlight, (future, error) => {
        this.tally.failed++;
        future._finishWith(false, error);
      });
    }
    if (sent.length > 0) this.sent(worker, sent);
    worker.channel.wake();
  }

  private sent(worker: PoolWorker, batch: PoolFuture<unknown>[]): void {
    const now = monotonicNow();
    worker.took(batch, now);
    this.running += batch.length;
    if (this.config.taskTimeout !== Infinity) {
      // A worker still starting does not eat into the tasks' time: their clocks start
      // when it is ready.
      if (worker.ready) this.deadlines!.start(batch, now);
      else for (const future of batch) worker.unclocked.push(future);
    }
  }

  // -------------------------------------------------------------------------------------
  // Results

  private onMessage(worker: PoolWorker, message: unknown[]): void {
    const kind = message[0];
    if (kind === RESULTS) {
      this.onResults(worker, message);
    } else if (kind === READY) {
      worker.ready = true;
      this.startFailures = 0;
      if (worker.unclocked.length > 0) {
        this.deadlines!.start(worker.unclocked, monotonicNow());
        worker.unclocked.length = 0;
      }
      if (this.queued > 0) this.dispatchAll();
    } else if (kind === INIT_FAILED) {
      this.breakPool(initFailedError(this.config.kind, message[1] as SerializedError));
    }
  }

  private onResults(worker: PoolWorker, message: unknown[]): void {
    const n = settleResults(message, worker, this.inFlight, this.tally);
    if (n === 0) return;
    this.running -= n;
    const now = monotonicNow();
    const sample = worker.answered(n, now);
    if (sample >= 0) this.window.measure(sample, worker.heldNum);
    if (worker.inFlight === 0) {
      if (worker.seq >= this.maxTasks)
        this.stop(worker); // its replacement starts on demand
      else this.becameIdle(worker, now);
    }
    if (this.queued > 0) this.dispatchAll();
    else if (this.state !== OPEN) this.maybeClose();
  }

  private becameIdle(worker: PoolWorker, now: number): void {
    worker.channel.unref();
    worker.idleSince = now;
    this.reaper?.arm();
  }

  // -------------------------------------------------------------------------------------
  // Cancellation and timeouts

  /** @internal */
  _cancelledQueued(_future: PoolFuture<unknown>): void {
    this.queued--;
    this.tally.cancelled++;
    if (this.state !== OPEN) this.maybeClose();
  }

  /** @internal */
  _cancelledRunning(future: PoolFuture<unknown>): void {
    this.tally.cancelled++;
    abortInWorker(future, ABORT_CANCEL, this.config.cancelGraceMs);
  }

  /** A task ran past its taskTimeout: it fails now, and its worker is told to abort it. */
  private readonly expire = (future: PoolFuture<unknown>): void => {
    this.tally.failed++;
    future._finishWith(false, taskTimeoutError(future._num, this.config.taskTimeout));
    abortInWorker(future, ABORT_TIMEOUT, this.config.cancelGraceMs);
  };

  // -------------------------------------------------------------------------------------
  // Workers ending

  private onExit(worker: PoolWorker, end: WorkerEnd, error: unknown): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    // (Shared-memory locks can be held by threads only.)
    if (end.kind === 'thread') markOwnerDead(worker.threadId);
    if (worker.inFlight > 0) this.requeueOrphans(worker, end, error);
    if (!worker.ready && !worker.stopping && this.state !== BROKEN) {
      // It died before it could run anything: killed from outside (an OOM killer), or
      // its bootstrap or initializer crashed. A replacement starts on demand; only when
      // every start fails is the pool unusable.
      if (++this.startFailures >= MAX_START_FAILURES) {
        this.breakPool(diedBeforeReadyError(this.config.kind, end, error, this.startFailures));
      }
    }
    if (this.queued > 0 && this.state !== BROKEN) this.dispatchAll();
    else if (this.state !== OPEN) this.maybeClose();
  }

  /** Fails the tasks that started on a dead worker; requeues those that never did. */
  private requeueOrphans(worker: PoolWorker, end: WorkerEnd, error: unknown): void {
    const unstarted = settleOrphans(
      worker,
      end,
      error,
      this.inFlight,
      this.tally,
      // After terminateWorkers() nothing is requeued: a requeued task would start a fresh
      // worker and keep the terminated pool alive.
      this.state !== BROKEN && !this.terminating,
      this.config.concurrency,
    );
    this.running -= worker.inFlight;
    worker.inFlight = 0;
    for (const future of unstarted) this.queue.unshift(future);
    this.queued += unstarted.length;
  }

  /** Ends a worker: gracefully (flushing its output) when idle, else at once. */
  private stop(worker: PoolWorker, hard = false): void {
    if (worker.stopping) return;
    worker.stopping = true;
    if (hard || worker.inFlight > 0) worker.channel.terminate();
    else worker.channel.stop();
  }

  // -------------------------------------------------------------------------------------
  // Shutting down

  /** Stops accepting work; resolves (if `wait`) once queued work is done and workers exited. */
  shutdown(wait: boolean, cancelFutures: boolean): Promise<void> {
    if (this.state === OPEN) this.state = SHUTDOWN;
    if (cancelFutures) {
      for (const future of this.queue.toArray()) {
        if (future._state === PENDING) future.cancel();
      }
    }
    const closed = this.closing();
    this.maybeClose();
    return wait ? closed : Promise.resolve();
  }

  /**
   * Cancels queued futures and terminates every worker (`kill`: a process worker with
   * SIGKILL at once): running tasks end cancelled.
   */
  terminateWorkers(kill = false): Promise<void> {
    this.terminating = true;
    void this.shutdown(false, true);
    for (const worker of this.workers) {
      // Held until it exits (idle workers are unref'd), so that `await terminateWorkers()`
      // keeps the program alive, as `stop()` does for `shutdown()`.
      worker.channel.ref();
      if (kill && !worker.stopping && worker.channel.kill !== undefined) {
        worker.stopping = true;
        worker.channel.kill();
      } else {
        this.stop(worker, true);
      }
    }
    return this.closing();
  }

  private maybeClose(): void {
    if (this.closed === null || this.queued > 0 || this.running > 0) return;
    this.reaper?.clear();
    this.deadlines?.clear();
    for (const worker of this.workers) this.stop(worker);
    if (this.workers.length === 0 && this.resolveClosed !== null) {
      const resolve = this.resolveClosed;
      this.resolveClosed = null;
      liveEnd('executors', this.owner);
      resolve();
    }
  }

  private breakPool(error: BrokenExecutor): void {
    if (this.state === BROKEN) return;
    this.state = BROKEN;
    this.brokenError = error;
    for (let future = this.queue.shift(); future !== undefined; future = this.queue.shift()) {
      if (future._state !== PENDING) continue;
      this.tally.failed++;
      future._finishWith(false, error);
    }
    this.queued = 0;
    for (const future of this.inFlight) {
      if (future._state !== RUNNING) continue;
      this.tally.failed++;
      future._finishWith(false, error);
    }
    for (const worker of this.workers) this.stop(worker);
    void this.closing();
  }

  /** The promise `shutdown({ wait })` resolves once the pool has closed (made once). */
  private closing(): Promise<void> {
    return (this.closed ??= new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    }));
  }

  /** True once `shutdown` was called (or the pool broke). */
  isShutdown(): boolean {
    return this.state !== OPEN;
  }

  /** The pool's counters. */
  statistics(): PoolStatistics {
    return statisticsOf(this.workers, this.queued, this.running, this.tally);
  }
}

/** Whether `future`'s task has started in its worker (it may wait behind an import). */
function hasStarted(future: PoolFuture<unknown>): boolean {
  const worker = future._worker as PoolWorker | null;
  return worker !== null && worker.ready && future._seq < worker.channel.started();
}
