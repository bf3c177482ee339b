/**
 * The pool engine behind `ThreadPoolExecutor` (and, later, the process pool): a queue of
 * futures on the main thread, flushed to workers in batches.
 *
 *   submit ──► queue (ring buffer) ──microtask──► dispatch: up to `window − inFlight`
 *                                                 tasks per worker, ≤ MAX_BATCH per message
 *                                                          │ [RUN …]
 *   future ◄── settle ◄── [RESULTS …] one message per batch ◄── worker (WorkerRuntime)
 *
 * Design choices, measured on the 2-core test machine (Node 20):
 * - Batching is what makes tiny tasks cheap: one `postMessage` per batch instead of per
 *   task; the flat message format (protocol.ts) doubled the rate again.
 * - The window (tasks in flight per worker) adapts to how long tasks take: it holds about
 *   WINDOW_BUDGET_MS of work, from 1 task (long tasks: a worker never sits on a queue of
 *   them while another is idle, so 8 long tasks on 2 workers finish together) to
 *   MAX_WINDOW tiny ones (enough to keep a worker busy while results travel back). It
 *   starts at 1, so the first results measure the tasks before many are committed, and
 *   a worker still starting takes one task only.
 * - Tasks start in the order sent and the worker counts them in shared memory, so a worker
 *   that dies fails only the tasks that had started on it; the others go back to the
 *   front of the queue (`WorkerCrashedError` for the former, nothing for the latter).
 * - One timer serves every taskTimeout (deadlines are in dispatch order), none exists
 *   otherwise; pool timers are unref'd and real-time (workers run in real time).
 *
 * @module
 */
import {
  BrokenExecutor,
  InvalidStateError,
  TimeoutError,
  type SerializedError,
} from '../errors.js';
import type { Future } from '../futures/Future.js';
import type { Transferable } from '../futures/transfer.js';
import type { ChannelInit, OpenChannel } from './channel.js';
import { checkCloneable, cloneFailure, deserializeError } from './codec.js';
import { Deadlines } from './deadlines.js';
import { Deque } from './Deque.js';
import { markOwnerDead } from './owners.js';
import { extraOf, PoolFuture, type PoolFutureOwner } from './poolFuture.js';
import { PoolWorker } from './poolWorker.js';
import {
  ABORT,
  ABORT_CANCEL,
  ABORT_TIMEOUT,
  CTL_CHUNK,
  CTL_SHARED,
  INIT_FAILED,
  READY,
  RESULTS,
  RUN,
  ST_OK,
  ST_OK_SHARED,
  ST_SKIPPED,
} from './protocol.js';
import { crashError, describeEnd, failureOf, taskLabel, type WorkerEnd } from './results.js';
import { decodeShared, encodeShared } from './shareable.js';
import { taskDef, taskNumber, type TaskDef } from './taskRef.js';

/** Most tasks in one message: bigger batches clone faster per task (1024: 2.0M tasks/s
 * floor vs 256: 1.1M in the raw two-worker benchmark), but a batch is also the unit of
 * work a worker commits to. */
const MAX_BATCH = 512;
/** Most tasks in flight on one worker (two full batches: one running, one travelling). */
const MAX_WINDOW = 2 * MAX_BATCH;
/** How much work (ms) a worker may hold beyond the task it runs. */
const WINDOW_BUDGET_MS = 2;

const OPEN = 0;
const SHUTDOWN = 1;
const BROKEN = 2;

const PENDING = 0;
const RUNNING = 1;

/** How the pool was configured. */
export interface PoolConfig {
  maxWorkers: number;
  /** Task and arguments run once in each worker before its first task. */
  initializer: { task: unknown; args: unknown[] } | null;
  /** Idle workers exit after this many ms (Infinity: never). */
  idleTimeout: number;
  /** A task running longer than this many ms fails with TimeoutError (Infinity: never). */
  taskTimeout: number;
  /** How long an aborted task may keep its worker before the worker is terminated. */
  cancelGraceMs: number;
  /** A worker exits and is replaced after this many tasks (default: never). */
  maxTasksPerWorker?: number;
  /** Whether workers are other processes (shared memory cannot reach them). */
  crossProcess?: boolean;
  /** Whether self-contained functions may be sent by source. */
  allowSource: boolean;
  /** Worker names are `${namePrefix}_${n}`. */
  namePrefix: string;
  /** What the executor calls itself in messages ("ThreadPoolExecutor"). */
  kind: string;
  resourceLimits?: ChannelInit['resourceLimits'];
  open: OpenChannel;
}

/** Counters and gauges of a pool. */
export interface PoolStatistics {
  /** Live workers (starting, idle or busy). */
  workers: number;
  /** Workers with at least one task in flight. */
  busy: number;
  /** Workers with nothing in flight. */
  idle: number;
  /** Tasks waiting on the main thread for a worker. */
  queued: number;
  /** Tasks sent to a worker and not yet answered. */
  running: number;
  /** Tasks that finished with a result. */
  completed: number;
  /** Tasks that failed (an error, a crash, a timeout, a serialisation failure). */
  failed: number;
  /** Tasks cancelled (queued or running). */
  cancelled: number;
}

let processExiting = false;
let exitHookInstalled = false;

function clearGrace(future: PoolFuture<unknown>): void {
  const extra = future._extra;
  if (extra !== null && extra.grace !== null) {
    clearTimeout(extra.grace);
    extra.grace = null;
  }
}

/** The engine of a worker pool. */
export class Pool implements PoolFutureOwner {
  private state = OPEN;
  private brokenError: BrokenExecutor | null = null;
  private readonly queue = new Deque<PoolFuture<unknown>>();
  /** Live (not cancelled) futures in `queue`. */
  private queued = 0;
  /** Futures sent to workers and not answered, indexed by slot (the wire id). */
  private readonly slots: (PoolFuture<unknown> | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private running = 0;
  private readonly workers: PoolWorker[] = [];
  private spawned = 0;
  private flushQueued = false;
  /** Estimated ms per task (0: not measured yet) and the window it gives. */
  private msPerTask = 0;
  private window = 1;
  /** The taskTimeout clocks (null without a taskTimeout). */
  private readonly deadlines: Deadlines | null;
  private reaper: NodeJS.Timeout | null = null;
  private completed = 0;
  private failed = 0;
  private cancelled = 0;
  private closed: Promise<void> | null = null;
  private resolveClosed: (() => void) | null = null;
  private readonly initializer: [number, TaskDef, unknown[]] | null;
  private readonly maxTasks: number;

  constructor(private readonly config: PoolConfig) {
    this.maxTasks = config.maxTasksPerWorker ?? Infinity;
    this.deadlines =
      config.taskTimeout === Infinity ? null : new Deadlines(config.taskTimeout, this.expire);
    if (config.initializer !== null) {
      const num = taskNumber(config.initializer.task, config.allowSource);
      const args = config.initializer.args;
      const problem = checkCloneable(args, 'the initargs', config.crossProcess);
      if (problem !== null) throw problem;
      this.initializer = [num, taskDef(num), encodeShared(args) as unknown[]];
    } else {
      this.initializer = null;
    }
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        processExiting = true;
      });
    }
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
    let ctl = chunk ? future._ctl | CTL_CHUNK : future._ctl;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (
        arg !== null &&
        (typeof arg === 'object' || typeof arg === 'function' || typeof arg === 'symbol')
      ) {
        // Not plain primitives: check the whole list once (primitives are never walked).
        const problem = checkCloneable(
          args,
          `the arguments of ${taskLabel(num)}`,
          this.config.crossProcess,
        );
        if (problem !== null) {
          future._args = null;
          future._extra = null;
          this.failed++;
          future._finishWith(false, problem);
          return future;
        }
        const encoded = encodeShared(args) as unknown[];
        if (encoded !== args) {
          future._args = encoded;
          ctl |= CTL_SHARED;
        }
        break;
      }
    }
    future._ctl = ctl;
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
    while (this.queued > 0) {
      // A worker may hold its window of tasks, but not more than its share of all the work:
      // five long tasks on three workers go 2-2-1 (spawning the others on demand, as
      // Python starts a thread per submit while none is idle), not 5-0-0 because tiny tasks
      // ran before and the window is large.
      // And while the pool may still grow, a busy worker gets no second task: a new worker
      // is started instead (a second task could wait behind a long first one).
      const share = Math.ceil((this.queued + this.running) / this.config.maxWorkers);
      const growing = this.liveWorkers() < this.config.maxWorkers;
      let best: PoolWorker | null = null;
      let bestRoom = 0;
      for (const worker of this.workers) {
        if (worker.stopping) continue;
        const window = worker.ready && !growing ? this.window : 1;
        let room = (window < share ? window : share) - worker.inFlight;
        // A worker near its maxTasksPerWorker takes only what it has left.
        if (this.maxTasks - worker.seq < room) room = this.maxTasks - worker.seq;
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
      if (best === null) {
        if (this.state === BROKEN || this.liveWorkers() >= this.config.maxWorkers) return;
        this.spawn();
        continue;
      }
      this.dispatch(best, bestRoom);
    }
  }

  private liveWorkers(): number {
    let n = 0;
    for (const worker of this.workers) if (!worker.stopping) n++;
    return n;
  }

  private spawn(): void {
    const worker = new PoolWorker(this.spawned++);
    this.workers.push(worker);
    worker.channel = this.config.open(
      {
        name: `${this.config.namePrefix}_${worker.index}`,
        daemon: true,
        initializer: this.initializer,
        resourceLimits: this.config.resourceLimits,
      },
      {
        message: (message) => this.onMessage(worker, message),
        exit: (exitCode, error, signal) =>
          this.onExit(worker, { exitCode, signal, kind: worker.channel.kind }, error),
      },
    );
    worker.idleSince = performance.now();
  }

  private dispatch(worker: PoolWorker, room: number): void {
    const limit = room < MAX_BATCH ? room : MAX_BATCH;
    const message: unknown[] = [RUN, null];
    const batch: PoolFuture<unknown>[] = [];
    let defs: unknown[] | null = null;
    let transfer: Transferable[] | undefined;
    const queue = this.queue;
    while (batch.length < limit && queue.length > 0) {
      const future = queue.shift()!;
      if (future._state !== PENDING) continue; // cancelled while queued
      future._state = RUNNING;
      this.queued--;
      const num = future._num;
      if (worker.known[num] !== true) {
        (defs ??= []).push(num, taskDef(num));
        worker.known[num] = true;
      }
      const args = future._args!;
      message.push(this.allocSlot(future), future._ctl, args.length);
      for (let i = 0; i < args.length; i++) message.push(args[i]);
      const extra = future._extra;
      if (extra !== null && extra.transfer !== null) (transfer ??= []).push(...extra.transfer);
      batch.push(future);
    }
    if (batch.length === 0) return;
    message[1] = defs;
    try {
      worker.channel.post(message, transfer);
    } catch {
      // Something in the batch would not clone: send the tasks one by one so that only
      // the culprit fails (what checkCloneable let through: a value past its budget).
      if (defs !== null)
        for (let i = 0; i < defs.length; i += 2) worker.known[defs[i] as number] = false;
      this.postEach(worker, batch);
      worker.channel.wake();
      return;
    }
    this.sent(worker, batch);
    worker.channel.wake();
  }

  private postEach(worker: PoolWorker, batch: PoolFuture<unknown>[]): void {
    for (const future of batch) {
      const num = future._num;
      const defs = worker.known[num] === true ? null : [num, taskDef(num)];
      const args = future._args!;
      try {
        worker.channel.post(
          [RUN, defs, future._slot, future._ctl, args.length, ...args],
          future._extra?.transfer ?? undefined,
        );
      } catch (error) {
        this.freeSlot(future);
        this.failed++;
        future._finishWith(false, cloneFailure(`the arguments of ${taskLabel(num)}`, error));
        continue;
      }
      worker.known[num] = true;
      this.sent(worker, [future]);
    }
  }

  private sent(worker: PoolWorker, batch: PoolFuture<unknown>[]): void {
    const now = performance.now();
    for (const future of batch) {
      future._worker = worker;
      future._seq = worker.seq++;
    }
    if (worker.inFlight === 0) {
      worker.channel.ref(); // in-flight work keeps the process alive
      worker.busySince = now;
    }
    worker.inFlight += batch.length;
    this.running += batch.length;
    if (this.config.taskTimeout !== Infinity) {
      // A worker still starting does not eat into the tasks' time: their clocks start
      // when it is ready.
      if (worker.ready) this.deadlines!.start(batch, now);
      else for (const future of batch) worker.unclocked.push(future);
    }
  }

  private allocSlot(future: PoolFuture<unknown>): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slots.length;
    this.slots[slot] = future;
    future._slot = slot;
    return slot;
  }

  private freeSlot(future: PoolFuture<unknown>): void {
    const slot = future._slot;
    if (slot < 0) return;
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    future._slot = -1;
  }

  // -------------------------------------------------------------------------------------
  // Results

  private onMessage(worker: PoolWorker, message: unknown[]): void {
    const kind = message[0];
    if (kind === RESULTS) {
      this.onResults(worker, message);
    } else if (kind === READY) {
      worker.ready = true;
      if (worker.unclocked.length > 0) {
        this.deadlines!.start(worker.unclocked, performance.now());
        worker.unclocked.length = 0;
      }
      if (this.queued > 0) this.dispatchAll();
    } else if (kind === INIT_FAILED) {
      this.breakPool(
        new BrokenExecutor(
          `A worker initializer failed, the ${this.config.kind} is not usable anymore`,
          { cause: deserializeError(message[1] as SerializedError) },
        ),
      );
    }
  }

  private onResults(worker: PoolWorker, message: unknown[]): void {
    const slots = this.slots;
    let n = 0;
    for (let i = 1; i < message.length; i += 3) {
      const slot = message[i] as number;
      const future = slots[slot];
      if (future === undefined || future._worker !== worker) continue;
      slots[slot] = undefined;
      this.freeSlots.push(slot);
      n++;
      future._slot = -1;
      future._worker = null;
      future._args = null;
      if (future._extra !== null) {
        // Cancelled or timed out while it ran: the answer comes too late for anyone.
        clearGrace(future);
        future._extra = null;
      }
      if (future._state !== RUNNING) continue;
      const status = message[i + 1];
      if (status === ST_OK) {
        this.completed++;
        future._finishWith(true, message[i + 2]);
      } else {
        this.settleOther(future, status as number, message[i + 2]);
      }
    }
    if (n === 0) return;
    worker.inFlight -= n;
    this.running -= n;
    const now = performance.now();
    // A worker's first answer also paid for importing the task modules: not a sample.
    if (worker.lastResults !== 0) {
      const since = worker.lastResults > worker.busySince ? worker.lastResults : worker.busySince;
      this.measure((now - since) / n);
    }
    worker.lastResults = now;
    if (worker.inFlight === 0) {
      if (worker.seq >= this.maxTasks)
        this.stop(worker); // its replacement starts on demand
      else this.becameIdle(worker, now);
    }
    if (this.queued > 0) this.dispatchAll();
    else if (this.state !== OPEN) this.maybeClose();
  }

  private settleOther(future: PoolFuture<unknown>, status: number, value: unknown): void {
    if (status === ST_OK_SHARED) {
      this.completed++;
      future._finishWith(true, decodeShared(value));
    } else if (status !== ST_SKIPPED) {
      // (ST_SKIPPED: aborted before it started; its future settled then.)
      this.failed++;
      future._finishWith(false, failureOf(status, value, future._num));
    }
  }

  /** Folds a sample of ms-per-task into the estimate and recomputes the window. */
  private measure(sample: number): void {
    const estimate = this.msPerTask === 0 ? sample : (this.msPerTask + sample) / 2;
    this.msPerTask = estimate;
    const window = Math.floor(WINDOW_BUDGET_MS / estimate);
    this.window = window < 1 ? 1 : window > MAX_WINDOW ? MAX_WINDOW : window;
  }

  private becameIdle(worker: PoolWorker, now: number): void {
    worker.channel.unref();
    worker.idleSince = now;
    if (this.config.idleTimeout !== Infinity) this.armReaper();
  }

  // -------------------------------------------------------------------------------------
  // Cancellation and timeouts

  /** @internal */
  _cancelledQueued(_future: PoolFuture<unknown>): void {
    this.queued--;
    this.cancelled++;
    if (this.state !== OPEN) this.maybeClose();
  }

  /** @internal */
  _cancelledRunning(future: PoolFuture<unknown>): void {
    this.cancelled++;
    this.abortInWorker(future, ABORT_CANCEL);
  }

  private abortInWorker(future: PoolFuture<unknown>, reason: number): void {
    const worker = future._worker as PoolWorker | null;
    if (worker === null) return;
    worker.channel.post([ABORT, future._slot, reason], undefined);
    worker.channel.wake();
    const grace = setTimeout(this.onGraceExpired, this.config.cancelGraceMs, future);
    grace.unref();
    extraOf(future).grace = grace;
  }

  private readonly onGraceExpired = (future: PoolFuture<unknown>): void => {
    extraOf(future).grace = null;
    const worker = future._worker as PoolWorker | null;
    if (worker === null || worker.stopping) return;
    worker.stopping = true;
    worker.recycleReason = `its worker was terminated because ${taskLabel(future._num)} ignored its abort signal for longer than cancelGraceMs (${this.config.cancelGraceMs} ms)`;
    worker.channel.terminate();
  };

  /** A task ran past its taskTimeout: it fails now, and its worker is told to abort it. */
  private readonly expire = (future: PoolFuture<unknown>): void => {
    this.failed++;
    future._finishWith(
      false,
      new TimeoutError(
        `${taskLabel(future._num)} did not finish within the taskTimeout of ${this.config.taskTimeout} ms`,
      ),
    );
    this.abortInWorker(future, ABORT_TIMEOUT);
  };

  // -------------------------------------------------------------------------------------
  // Workers ending

  private onExit(worker: PoolWorker, end: WorkerEnd, error: unknown): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    // (Shared-memory locks can be held by threads only.)
    if (end.kind === 'thread') markOwnerDead(worker.threadId);
    if (worker.inFlight > 0) this.settleOrphans(worker, end, error);
    if (!worker.ready && !worker.stopping && this.state !== BROKEN) {
      // It died before it could run anything: the initializer or the bootstrap failed.
      const how = describeEnd(end);
      const reason = error instanceof Error ? error : new Error(`the worker ${how}`);
      this.breakPool(
        new BrokenExecutor(
          `A worker of the ${this.config.kind} ${how} before it was ready, the ${this.config.kind} is not usable anymore`,
          { cause: reason },
        ),
      );
    }
    if (this.queued > 0 && this.state !== BROKEN) this.dispatchAll();
    else if (this.state !== OPEN) this.maybeClose();
  }

  /** Fails the tasks that started on a dead worker; requeues those that never did. */
  private settleOrphans(worker: PoolWorker, end: WorkerEnd, error: unknown): void {
    const started = worker.channel.started();
    const requeue: PoolFuture<unknown>[] = [];
    const slots = this.slots;
    for (let slot = 0; slot < slots.length; slot++) {
      const future = slots[slot];
      if (future === undefined || future._worker !== worker) continue;
      slots[slot] = undefined;
      this.freeSlots.push(slot);
      future._slot = -1;
      future._worker = null;
      clearGrace(future);
      if (future._state !== RUNNING) continue;
      if (future._seq >= started && this.state !== BROKEN) {
        requeue.push(future);
        continue;
      }
      future._args = null;
      future._extra = null;
      if (worker.stopping && worker.recycleReason === null) {
        this.cancelled++;
        future._setCancelled('the worker was terminated by terminateWorkers()');
        continue;
      }
      this.failed++;
      future._finishWith(false, crashError(future._num, end, error, worker.recycleReason));
    }
    this.running -= worker.inFlight;
    worker.inFlight = 0;
    requeue.sort((a, b) => b._seq - a._seq);
    for (const future of requeue) {
      future._state = PENDING;
      this.queue.unshift(future);
      this.queued++;
    }
  }

  private armReaper(): void {
    if (this.reaper !== null) return;
    let earliest = Infinity;
    for (const worker of this.workers) {
      if (!worker.stopping && worker.inFlight === 0 && worker.idleSince < earliest) {
        earliest = worker.idleSince;
      }
    }
    if (earliest === Infinity) return;
    const delay = Math.max(0, earliest + this.config.idleTimeout - performance.now());
    this.reaper = setTimeout(this.reap, Math.ceil(delay));
    this.reaper.unref();
  }

  private readonly reap = (): void => {
    this.reaper = null;
    const now = performance.now();
    for (const worker of this.workers) {
      if (
        !worker.stopping &&
        worker.inFlight === 0 &&
        now - worker.idleSince >= this.config.idleTimeout
      ) {
        this.stop(worker);
      }
    }
    this.armReaper();
  };

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
    this.closed ??= new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
    this.maybeClose();
    return wait ? this.closed : Promise.resolve();
  }

  /**
   * Cancels queued futures and terminates every worker (`kill`: a process worker with
   * SIGKILL at once): running tasks end cancelled.
   */
  terminateWorkers(kill = false): Promise<void> {
    const closed = this.shutdown(false, true);
    for (const worker of this.workers) {
      if (kill && !worker.stopping && worker.channel.kill !== undefined) {
        worker.stopping = true;
        worker.channel.kill();
      } else {
        this.stop(worker, true);
      }
    }
    void closed;
    return this.closed!;
  }

  private maybeClose(): void {
    if (this.closed === null || this.queued > 0 || this.running > 0) return;
    if (this.reaper !== null) {
      clearTimeout(this.reaper);
      this.reaper = null;
    }
    this.deadlines?.clear();
    for (const worker of this.workers) this.stop(worker);
    if (this.workers.length === 0 && this.resolveClosed !== null) {
      const resolve = this.resolveClosed;
      this.resolveClosed = null;
      resolve();
    }
  }

  private breakPool(error: BrokenExecutor): void {
    if (this.state === BROKEN) return;
    this.state = BROKEN;
    this.brokenError = error;
    for (let future = this.queue.shift(); future !== undefined; future = this.queue.shift()) {
      if (future._state !== PENDING) continue;
      this.failed++;
      future._finishWith(false, error);
    }
    this.queued = 0;
    for (const future of this.slots) {
      if (future === undefined || future._state !== RUNNING) continue;
      this.failed++;
      future._finishWith(false, error);
    }
    for (const worker of this.workers) this.stop(worker);
    this.closed ??= new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** True once `shutdown` was called (or the pool broke). */
  isShutdown(): boolean {
    return this.state !== OPEN;
  }

  /** The pool's counters. */
  statistics(): PoolStatistics {
    let busy = 0;
    let live = 0;
    for (const worker of this.workers) {
      if (worker.stopping) continue;
      live++;
      if (worker.inFlight > 0) busy++;
    }
    return {
      workers: live,
      busy,
      idle: live - busy,
      queued: this.queued,
      running: this.running,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
    };
  }
}
