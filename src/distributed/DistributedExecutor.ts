/**
 * `DistributedExecutor`: the `Executor` contract across machines, on BullMQ and Redis.
 *
 *   submit(task, …args) ─► JSON check ─► batch ─► Queue.addBulk ─► Redis ─► any worker
 *        ▲                                                                  │
 *        └── Future ◄── one read of the queue's event stream (active/completed/failed/removed) ◄┘
 *                  ◄── reconcile: read the jobs' stored state after a reconnect and
 *                      every `reconcileInterval`, so no completion is ever missed
 *
 * This file is the executor's contract and its submit path; its parts are in
 * internal/redis/: executorConnection.ts (the connections), jobWire.ts (what a job carries),
 * jobTable.ts (the pending futures, and what news of a job means for its future),
 * eventReader.ts (the event stream) and housekeeping.ts (reconciliation and trimming).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { inspectCustom } from '../internal/runtime/inspect.js';

import { ConnectionLostError, InvalidStateError } from '../errors.js';
import {
  Executor,
  type ExecutorStatistics,
  type ShutdownOptions,
  type SubmitOptions,
  type TaskFn,
  type TaskResult,
  transferOf,
} from '../futures/Executor.js';
import { Future } from '../internal/loop/Future.js';
import {
  DistributedFuture,
  type DistributedFutureOwner,
} from '../internal/redis/distributedFuture.js';
import {
  checkJson,
  encodeList,
  type EncodedList,
  type JobData,
} from '../internal/redis/jobWire.js';
import { EventReader } from '../internal/redis/eventReader.js';
import { ExecutorConnection } from '../internal/redis/executorConnection.js';
import { Housekeeping, trimSchedule } from '../internal/redis/housekeeping.js';
import { JobTable } from '../internal/redis/jobTable.js';
import { BackgroundErrors } from '../internal/redis/backgroundErrors.js';
import { liveBegin, liveEnd } from '../internal/base/liveObjects.js';
import { LongTimeout } from '../internal/base/longTimeout.js';
import {
  authenticationError,
  cancelChannel,
  checkConnectTimeout,
  checkPeersInstalled,
  checkPrefix,
  checkQueueName,
  connectionLost,
  isAuthFailure,
  loadPeers,
} from '../internal/redis/peers.js';
import {
  connectionOptions,
  type ClientOptions,
  type RedisConnection,
} from '../internal/redis/connection.js';
import { taskRefOf } from '../internal/worker/taskRef.js';
import { argTypeError, checkDuration, checkInteger, show } from '../internal/base/validate.js';

/** How many finished jobs Redis keeps (BullMQ's `removeOnComplete` / `removeOnFail`). */
export interface KeepFinished {
  /**
   * Milliseconds a finished job is kept (default 3 600 000: one hour). An age of at least
   * 20 trim ticks (`min(reconcileInterval, 5000)` ms each: 100 s by default) is enforced by
   * the executor on each tick, so a job may stay up to one tick longer, and only while an
   * executor of the queue runs (`count` always holds); a shorter age is enforced by the
   * worker as each job finishes.
   */
  age?: number;
  /** At most this many finished jobs of the queue are kept (default 10 000). */
  count?: number;
}

/** Options of {@link DistributedExecutor}. */
export interface DistributedExecutorOptions {
  /** The Redis server: a URL (`redis://`, `rediss://`, `unix:///…`) or connection options. */
  connection: RedisConnection;
  /** The queue's name; workers started with the same name (and prefix) run its tasks. */
  queue: string;
  /** Prefix of every Redis key of the queue (default `concur`). */
  prefix?: string;
  /** Retention of finished jobs in Redis (bounded by default). */
  keepFinished?: KeepFinished;
  /**
   * Milliseconds a cancelled running task has to acknowledge its abort before its future
   * ends cancelled anyway (default 5000).
   */
  cancelGraceMs?: number;
  /**
   * Approximate length of the queue's event stream in Redis (default 100 000; BullMQ's
   * default is 10 000). Events trimmed before this executor read them are recovered by
   * reconciliation, later; a longer stream avoids that wait under heavy load.
   */
  eventStreamLength?: number;
  /**
   * Milliseconds between checks of the pending jobs' stored state, which settle any future
   * whose event was missed and fail the ones whose job vanished (default 5000).
   */
  reconcileInterval?: number;
  /**
   * Milliseconds Redis may stay unreachable — when connecting, or after losing the
   * connection — before the futures waiting on it fail with `ConnectionLostError`
   * (default 10 000; `Infinity`: wait for ever). Until then commands wait and the
   * futures settle normally once Redis is back; after it `submit` throws
   * `ConnectionLostError` until the connection is back (the executor keeps reconnecting).
   * Also bounds each connection attempt.
   */
  connectTimeout?: number;
}

const ADD_BATCH = 1000;

/**
 * An executor whose tasks run on worker processes anywhere, through a Redis server: the
 * same `submit`, `map`, `shutdown` and futures as the local pools.
 *
 * Workers are started separately, on any machine that can reach Redis and has the task
 * modules: `concur worker --connection redis://host:6379 --queue jobs --tasks ./dist/tasks.js`
 * (or `runWorker(…)`). A task is sent by its registered name (`defineTask`) with JSON
 * arguments; the worker runs only the tasks its own modules define — nothing in Redis is
 * ever executed.
 *
 * Python equivalent: `concurrent.futures.Executor` across machines (like Dask's
 * `ClientExecutor`, Ray's `Pool`). Differences:
 * - tasks must be `defineTask` references, and arguments and results must be JSON:
 *   anything else throws at `submit` (`SerializationError`, `TypeError`);
 * - delivery is at-least-once: a task whose worker dies runs again on another worker
 *   (as often as the worker's `lostWorkerRetries` allows), then fails with
 *   `WorkerLostError`; a task's own error is never retried;
 * - a job removed from Redis while its future waits fails it with `TaskLostError`;
 * - `future.cancel()` also reaches a running task (see *Cancellation*);
 * - `statistics()` counts this executor's tasks; workers are not counted (`workers: 0`).
 *
 * Results arrive through one reader of the queue's event stream per executor (BullMQ's
 * events, filtered to this executor's jobs; one that cannot be read is skipped and
 * reported); after every reconnect, and every `reconcileInterval`, pending
 * futures are checked against their jobs' stored state, so a missed event never leaves a
 * future hanging. Finished jobs are kept in Redis only for `keepFinished`.
 *
 * When Redis is down: commands wait for the connection while it is retried, for at most
 * `connectTimeout` (10 s by default); then every pending future fails with
 * `ConnectionLostError` (its task may still run once Redis is back; its result is
 * dropped) and `submit` throws `ConnectionLostError` until Redis answers again. Refused
 * credentials fail everything with `AuthenticationError` at once, for good.
 *
 * Errors that belong to no call (a lost connection, a malformed event on the stream, a
 * failed trim) are reported to `on('error', listener)` listeners and kept in `lastError`;
 * with no listener they are only kept (never thrown, never an unhandled rejection).
 *
 * Cancellation: `cancel()` on a waiting task removes its job and ends the future cancelled.
 * On a running task it publishes a cancel that the worker turns into an aborted
 * `taskSignal()`; the future ends cancelled when the worker acknowledges, or after
 * `cancelGraceMs`.
 *
 * @throws {TypeError} a missing or malformed `connection`, `queue` or option.
 * @throws {RangeError} an option out of range (e.g. a `connectTimeout` of 0).
 * @throws {MissingDependencyError} `bullmq` or `ioredis` is not installed.
 *
 * @example
 * ```ts
 * import { DistributedExecutor } from 'concur-ts/distributed';
 * import { sumSquares } from './tasks.js';
 *
 * await using executor = new DistributedExecutor({ connection: 'redis://127.0.0.1:6379', queue: 'sums' });
 * for await (const total of executor.map(sumSquares, [1e6, 2e6, 3e6], { chunksize: 2 })) {
 *   console.log(total);
 * }
 * ```
 */
export class DistributedExecutor extends Executor implements DistributedFutureOwner {
  /** The queue's name. */
  readonly queue: string;
  /** The Redis key prefix. */
  readonly prefix: string;
  /**
   * The last error that belongs to no call (reported to `'error'` listeners too), for
   * diagnosis (or `null`).
   */
  get lastError(): unknown {
    return this.errors.last;
  }

  private readonly redisOptions: ClientOptions;
  private readonly id = randomBytes(6).toString('hex');
  private seq = 0;
  private readonly jobOptions: object;
  /** The age (ms) this executor trims finished jobs by, or `null` when the jobs carry it. */
  private readonly trimAge: number | null;
  private readonly trimEvery: number;
  private readonly cancelGraceMs: number;
  private readonly reconcileInterval: number;
  private readonly eventStreamLength: number;
  private readonly connectTimeout: number;
  private readonly errors = new BackgroundErrors('a DistributedExecutor');
  /** Set while Redis has been unreachable for longer than `connectTimeout`. */
  private down: ConnectionLostError | null = null;
  /** The last error of the Redis connection itself. */
  private connectionError: unknown = null;
  private readonly table: JobTable;
  private reader: EventReader | null = null;
  private housekeeping: Housekeeping | null = null;
  private toAdd: DistributedFuture<unknown>[] = [];
  private flushScheduled = false;
  /** Made once the peers are loaded; `opened` once the queue is ready. */
  private connection: ExecutorConnection | null = null;
  private readonly started: Promise<void>;
  private startError: { error: unknown } | null = null;
  private isShutdown = false;
  private closing: Promise<void> | null = null;
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: DistributedExecutorOptions) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw argTypeError(
        `DistributedExecutor needs options { connection, queue }, got ${show(options)}`,
      );
    }
    this.redisOptions = connectionOptions(options.connection);
    this.queue = checkQueueName(options.queue);
    this.prefix = checkPrefix(options.prefix);
    const keep = options.keepFinished ?? {};
    if (typeof keep !== 'object' || keep === null) {
      throw argTypeError(`keepFinished must be { age, count }, got ${show(keep)}`);
    }
    const age = checkDuration('keepFinished.age', keep.age ?? 3_600_000);
    const count = checkInteger('keepFinished.count', keep.count ?? 10_000, 0);
    this.cancelGraceMs = checkDuration('cancelGraceMs', options.cancelGraceMs ?? 5000);
    this.reconcileInterval = checkDuration('reconcileInterval', options.reconcileInterval ?? 5000);
    ({ trimAge: this.trimAge, every: this.trimEvery } = trimSchedule(age, this.reconcileInterval));
    // BullMQ: a number keeps that many; { age (s), count } also drops older ones.
    const retention = this.trimAge !== null ? count : { age: Math.ceil(age / 1000), count };
    this.jobOptions = { attempts: 1, removeOnComplete: retention, removeOnFail: retention };
    this.eventStreamLength = checkInteger(
      'eventStreamLength',
      options.eventStreamLength ?? 100_000,
      1,
    );
    this.connectTimeout = checkConnectTimeout(options.connectTimeout);
    checkPeersInstalled('DistributedExecutor');
    this.table = new JobTable(this.queue, () => this.housekeeping?.holdOpen(false));
    liveBegin('executors', this);
    this.started = this.start();
    this.started.catch((error: unknown) => {
      this.startError ??= {
        error: isAuthFailure(error) ? authenticationError(error, this.what()) : error,
      };
      this.table.failAll(this.startError.error);
    });
  }

  /**
   * Adds a listener of the executor's background errors: those that belong to no call —
   * Redis unreachable or lost (a retry's repeat of the same error is not reported again
   * until Redis was ready), refused credentials, a malformed event
   * on the queue's event stream (skipped), a failed trim or reconciliation. Without a
   * listener they are kept in `lastError` only; unlike Node's `EventEmitter`, an
   * `'error'` nobody listens to is never thrown.
   */
  on(event: 'error', listener: (error: unknown) => void): this {
    this.errors.listen('on', event, listener);
    return this;
  }

  /** Like {@link DistributedExecutor.on}, for the next error only. */
  once(event: 'error', listener: (error: unknown) => void): this {
    this.errors.listen('once', event, listener);
    return this;
  }

  /** Removes a listener added by {@link DistributedExecutor.on}. */
  off(event: 'error', listener: (error: unknown) => void): this {
    this.errors.listen('off', event, listener);
    return this;
  }

  /** Keeps `error` in `lastError` and reports it to the `'error'` listeners, if any. */
  private report(error: unknown): void {
    this.errors.report(error);
  }

  private what(): string {
    return `DistributedExecutor (queue ${this.queue})`;
  }

  /** An error of the Redis connection (retried by the client until `connectTimeout`). */
  private onConnectionError(error: unknown): void {
    this.connectionError = error;
    if (isAuthFailure(error)) {
      if (this.startError === null) {
        // Retrying cannot help: stop, and fail everything now.
        this.startError = { error: authenticationError(error, this.what()) };
        this.report(this.startError.error);
        this.table.failAll(this.startError.error);
        this.connection?.disconnect();
        this.reader?.stop();
      }
      return;
    }
    this.report(error);
  }

  /** Redis has been unreachable for `connectTimeout`: fail what waits on it. */
  private onConnectionLost(): void {
    if (this.startError !== null) return;
    const error = connectionLost(this.connectionError, this.connectTimeout, this.what());
    this.down = error;
    this.report(error);
    this.table.failAll(error);
    if (this.closed) {
      // A shutdown waits for the commands in flight: end them.
      this.connection?.disconnect();
      this.reader?.stop();
    }
  }

  private async start(): Promise<void> {
    const peers = await loadPeers();
    if (this.closed) throw new InvalidStateError('the executor was shut down while connecting');
    const connection = new ExecutorConnection(
      peers,
      {
        client: this.redisOptions,
        id: this.id,
        connectTimeout: this.connectTimeout,
        queue: this.queue,
        prefix: this.prefix,
        eventStreamLength: this.eventStreamLength,
      },
      {
        error: (error) => this.onConnectionError(error),
        lost: () => this.onConnectionLost(),
        ready: () => {
          this.down = null;
          this.errors.reset();
          void this.housekeeping?.reconcile(true); // every reconnect: events may be lost
        },
        report: (error) => this.report(error),
      },
    );
    this.connection = connection;
    const lastEventId = await connection.open();
    const report = (error: unknown): void => this.report(error);
    const { redis, queue, events } = connection;
    this.reader = new EventReader(
      events,
      queue.toKey('events'),
      this.queue,
      (fields) => this.table.onEvent(fields),
      report,
    );
    void this.reader.run(lastEventId);
    this.housekeeping = new Housekeeping(redis, queue, this.table, report);
    this.housekeeping.start(this.reconcileInterval, this.trimAge, this.trimEvery);
  }

  override submit<F extends TaskFn>(task: F, ...args: Parameters<F>): Future<TaskResult<F>> {
    return this.enqueue(task, [args], false) as Future<TaskResult<F>>;
  }

  override submitWith<F extends TaskFn>(
    options: SubmitOptions,
    task: F,
    ...args: Parameters<F>
  ): Future<TaskResult<F>> {
    if ((transferOf(options)?.length ?? 0) > 0) {
      throw argTypeError(
        'a distributed task cannot transfer buffers: its arguments travel as JSON; send the data as an array or a string',
      );
    }
    return this.submit(task, ...args);
  }

  /**
   * @internal One job over a chunk of calls (`map` with a `chunksize`): sent in one
   * message, run by one worker, failing as a whole (as in Python).
   */
  override _submitChunk(task: TaskFn, values: unknown[], arity: number): Future<unknown[]> {
    const calls: unknown[][] = [];
    for (let i = 0; i < values.length; i += arity) calls.push(values.slice(i, i + arity));
    return this.enqueue(task, calls, true) as Future<unknown[]>;
  }

  /** Queues one job running `calls` (one call unless `chunk`); its future. */
  private enqueue(task: unknown, calls: unknown[][], chunk: boolean): Future<unknown> {
    if (this.isShutdown) throw new InvalidStateError('cannot schedule new futures after shutdown');
    const ref = taskRefOf(task);
    if (ref === undefined) {
      throw argTypeError(
        `a distributed task must be a function made by defineTask(import.meta.url, fn) in a module the workers load with --tasks, got ${show(task)}`,
      );
    }
    const encoded: EncodedList[] = [];
    for (const call of calls) {
      call.forEach((arg, i) => {
        const problem = checkJson(arg, `argument ${i + 1} of ${ref.name}`);
        if (problem !== null) throw problem;
      });
      encoded.push(encodeList(call));
    }
    const data: JobData = chunk ? { c: encoded } : encoded[0]!;
    if (this.down !== null) {
      throw new ConnectionLostError(this.down.message, { cause: this.down.cause });
    }
    if (this.startError !== null) {
      // Connecting failed for good (e.g. the executor was shut down while connecting).
      const failed = new Future<unknown>();
      failed.setException(this.startError.error);
      return failed;
    }
    const jobId = `${this.id}-${++this.seq}`;
    const future = new DistributedFuture<unknown>(this, jobId, ref.name, data, chunk);
    this.table.add(future);
    if (this.table.size === 1) this.housekeeping?.holdOpen(true);
    this.toAdd.push(future);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      if (this.connection?.opened === true) queueMicrotask(() => this.flush());
      else
        void this.started.then(
          () => this.flush(),
          () => undefined,
        );
    }
    return future;
  }

  /** Sends the jobs submitted since the last flush, in batches of `addBulk`. */
  private flush(): void {
    this.flushScheduled = false;
    const { queue } = this.connection!;
    const batch = this.toAdd;
    this.toAdd = [];
    for (let start = 0; start < batch.length; start += ADD_BATCH) {
      const part = batch.slice(start, start + ADD_BATCH).filter((f) => !f.done());
      if (part.length === 0) continue;
      const jobs = part.map((f) => ({
        name: f._name,
        data: f._data,
        opts: { ...this.jobOptions, jobId: f._jobId },
      }));
      for (const f of part) f._data = null;
      this.track(
        queue.addBulk(jobs).then(
          () => {
            for (const f of part) {
              f._added = true;
              f._epoch = this.table.epoch;
              if (f.cancelled())
                this.removeJob(f); // cancelled while it was being added
              else if (f.done() && f.exception() instanceof ConnectionLostError) {
                // Failed while Redis was away: nobody waits for this job any more.
                this.track(queue.remove(f._jobId));
              }
            }
          },
          (error: unknown) => {
            for (const f of part) if (!f.done()) this.table.settle(f, false, error);
          },
        ),
      );
    }
  }

  // -- cancellation -----------------------------------------------------------------------

  /** @internal A waiting future was cancelled: forget it and remove its job. */
  _cancelledPending(f: DistributedFuture<unknown>): void {
    this.table.cancelledWaiting(f);
    if (f._added) this.removeJob(f);
  }

  /** Removes a cancelled task's job; one a worker already holds is told to abort instead. */
  private removeJob(f: DistributedFuture<unknown>): void {
    const { queue } = this.connection!;
    this.track(
      queue.remove(f._jobId).then((removed) => {
        if (removed === 0) return this.publishCancel(f._jobId, f._cancelledMessage());
        return undefined;
      }),
    );
  }

  /** @internal A running future was cancelled: ask its worker to abort the task. */
  _cancelRunning(f: DistributedFuture<unknown>, msg: string | undefined): void {
    f._abortSent = true;
    f._abortMessage = msg;
    this.track(this.publishCancel(f._jobId, msg));
    // Held open until it fires (the future is pending); never for Infinity.
    f._grace = LongTimeout.start(this.cancelGraceMs, () => this.table.settle(f, false, null), true);
  }

  private async publishCancel(jobId: string, msg: string | undefined): Promise<void> {
    const message = JSON.stringify(msg === undefined ? { id: jobId } : { id: jobId, m: msg });
    await this.connection!.redis.publish(cancelChannel(this.prefix, this.queue), message);
  }

  // -- shutdown ---------------------------------------------------------------------------

  override shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    if (!this.isShutdown) {
      this.isShutdown = true;
      if (cancelFutures) {
        for (const f of this.table.futures()) if (!f.running()) f.cancel();
      }
      this.closing = this.table.whenEmpty().then(() => this.close());
      this.closing.catch((error: unknown) => this.report(error));
    }
    return wait ? this.closing! : Promise.resolve();
  }

  private async close(): Promise<void> {
    this.closed = true;
    this.housekeeping?.stop();
    try {
      this.reader?.stop();
      if (this.down !== null || this.startError !== null) {
        // Nothing in flight can reach Redis: end it rather than wait for a reconnect.
        this.connection?.disconnect();
      }
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      await this.connection?.close();
    } finally {
      liveEnd('executors', this);
    }
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.report(error));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  override statistics(): ExecutorStatistics {
    return { workers: 0, busy: 0, idle: 0, ...this.table.counts };
  }

  /** `<DistributedExecutor queue=jobs queued=3 running=2 completed=10>`. */
  [inspectCustom](): string {
    const c = this.table.counts;
    const state = this.isShutdown ? ' shutdown' : '';
    return `<DistributedExecutor${state} queue=${this.queue} queued=${c.queued} running=${c.running} completed=${c.completed} failed=${c.failed}>`;
  }
}
