/**
 * `DistributedExecutor`: the `Executor` contract across machines, on BullMQ and Redis.
 *
 *   submit(task, …args) ─► JSON check ─► batch ─► Queue.addBulk ─► Redis ─► any worker
 *        ▲                                                                  │
 *        └── Future ◄── one read of the queue's event stream (active/completed/failed/removed) ◄┘
 *                  ◄── reconcile: read the jobs' stored state after a reconnect and
 *                      every `reconcileInterval`, so no completion is ever missed
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import type { Queue } from 'bullmq';
import type { Redis as IORedis } from 'ioredis';

import {
  ConnectionLostError,
  InvalidStateError,
  RemoteError,
  SerializationError,
  TaskLostError,
  WorkerLostError,
} from '../errors.js';
import {
  Executor,
  type ExecutorStatistics,
  type MapIterables,
  type MapOptions,
  type ShutdownOptions,
  type SubmitOptions,
  type TaskFn,
  type TaskResult,
} from '../futures/Executor.js';
import { Future } from '../internal/loop/Future.js';
import { batched, flatten, isIterable } from '../internal/map/chunked.js';
import {
  DistributedFuture,
  type DistributedFutureOwner,
} from '../internal/redis/distributedFuture.js';
import {
  checkJson,
  decodeFailure,
  decodeList,
  encodeList,
  type EncodedList,
  type JobData,
} from '../internal/redis/jobWire.js';
import { readJobStates, type StoredState } from '../internal/redis/jobStates.js';
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
  makeClient,
  STALLED_REASON,
  watchConnection,
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

/** The connections, made once the peers are loaded. */
interface Backend {
  readonly redis: IORedis;
  readonly queue: Queue;
  /** The connection that blocks on the queue's event stream. */
  readonly events: IORedis;
}

/** Milliseconds the event reader waits before reading again after a failed read. */
const READER_RETRY_MS = 1000;
/** How long (ms) one read of the event stream blocks in Redis. */
const READ_BLOCK_MS = 10_000;
/** How long (ms) past its block a read may stay unanswered before its connection is reset. */
const READ_GRACE_MS = 5000;

const kChunkOf = Symbol('concur.chunkOf');

/** A stand-in task whose one argument is a chunk of argument lists of `[kChunkOf]`. */
type ChunkTask = TaskFn & { [kChunkOf]?: TaskFn };
const ADD_BATCH = 1000;

/**
 * Longest gap (ms) between two trims of the finished jobs by age, done by the executor
 * (`trimByAge`) instead of the worker at each completion: BullMQ's per-completion age
 * check is one more ZREVRANGEBYSCORE inside every moveToFinished, and `{ age, count }`
 * makes every job's stored `opts` larger (parsed again by the worker). Either way a job is
 * trimmed only while something runs on the queue: before, a completion; now, an executor.
 * Measured on P10, 6 alternating rounds each on a loaded machine (CPU µs per job over all
 * processes, medians): count-only jobs without any age trim 343 → 319; this 345 → 339.
 */
const TRIM_EVERY_MS = 5000;
/** Shortest gap (ms) between two trims by age. */
const TRIM_MIN_MS = 100;
/** The executor trims by age only when a tick is at most this fraction of the age. */
const TRIM_TICKS_PER_AGE = 20;
/** Most jobs one trim command removes (BullMQ's own per-completion limit). */
const TRIM_BATCH = 1000;

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
  private unwatch: (() => void) | null = null;
  private readerPause: NodeJS.Timeout | null = null;
  private readonly pending = new Map<string, DistributedFuture<unknown>>();
  private toAdd: DistributedFuture<unknown>[] = [];
  private flushScheduled = false;
  private backend: Backend | null = null;
  private redis: IORedis | null = null;
  private readonly started: Promise<Backend>;
  private startError: { error: unknown } | null = null;
  private isShutdown = false;
  private closing: Promise<void> | null = null;
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private drained: (() => void)[] = [];
  private reconcileTimer: NodeJS.Timeout | null = null;
  private reconciling = false;
  /** Periodic reconciliations so far; a future's `_epoch` is this at its last event. */
  private epoch = 0;
  private trimTimer: NodeJS.Timeout | null = null;
  private trimming = false;
  private readonly counts = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };

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
    this.trimEvery = Math.min(Math.max(this.reconcileInterval, TRIM_MIN_MS), TRIM_EVERY_MS);
    this.trimAge = age >= TRIM_TICKS_PER_AGE * this.trimEvery ? age : null;
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
    liveBegin('executors', this);
    this.started = this.start();
    this.started.catch((error: unknown) => {
      this.startError ??= {
        error: isAuthFailure(error) ? authenticationError(error, this.what()) : error,
      };
      this.failAll(this.startError.error);
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
        this.failAll(this.startError.error);
        this.unwatch?.();
        this.redis?.disconnect();
        this.backend?.events.disconnect();
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
    this.failAll(error);
    if (this.closed) {
      // A shutdown waits for the commands in flight: end them.
      this.redis?.disconnect();
      this.backend?.events.disconnect();
    }
  }

  private async start(): Promise<Backend> {
    const peers = await loadPeers();
    if (this.closed) throw new InvalidStateError('the executor was shut down while connecting');
    const onConnectionError = (error: unknown): void => this.onConnectionError(error);
    const redis = makeClient(
      peers,
      this.redisOptions,
      `concur:executor:${this.id}`,
      onConnectionError,
      this.connectTimeout,
    );
    this.redis = redis;
    this.unwatch = watchConnection(
      redis,
      this.connectTimeout,
      () => this.onConnectionLost(),
      () => undefined,
    );
    redis.on('ready', () => {
      this.down = null;
      this.errors.reset();
    });
    const queue = new peers.bullmq.Queue(this.queue, {
      connection: redis,
      prefix: this.prefix,
      streams: { events: { maxLen: this.eventStreamLength } },
    });
    queue.on('error', (error: unknown) => {
      if (isAuthFailure(error)) this.onConnectionError(error);
      else this.report(error);
    });
    // Read events from the server's "now" on, so that no event of a job added after this
    // point can be missed by a stream reader that starts a little later.
    const [seconds, micros] = await redis.time();
    const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0`;
    // A connection of its own: it blocks on XREAD.
    const events = redis.duplicate({ connectionName: `concur:executor-events:${this.id}` });
    events.on('error', onConnectionError);
    await queue.waitUntilReady();
    const backend: Backend = { redis, queue, events };
    this.backend = backend;
    void this.readEvents(events, queue.toKey('events'), lastEventId);
    redis.on('ready', () => void this.reconcile(true)); // every reconnect: events may be lost
    // Also what keeps the process alive while futures are pending (a Redis outage leaves
    // no other live handle): referenced only then.
    // setInterval overflows past 2^31 - 1 ms into 1 ms: an extra reconcile is harmless.
    const every = Math.min(this.reconcileInterval, 2 ** 30);
    this.reconcileTimer = setInterval(() => {
      if (this.reconcileInterval !== Infinity) void this.reconcile(false);
    }, every);
    if (this.pending.size === 0) this.reconcileTimer.unref();
    if (this.trimAge !== null) {
      // Housekeeping: never what keeps the process alive, and not waited for by shutdown
      // (a trim stuck on an unreachable Redis ends when the connection is closed).
      const trim = (): void => {
        this.trimByAge().catch((error: unknown) => this.report(error));
      };
      this.trimTimer = setInterval(trim, this.trimEvery).unref();
    }
    return backend;
  }

  override submit<F extends TaskFn>(task: F, ...args: Parameters<F>): Future<TaskResult<F>> {
    return this.enqueue(task, args) as Future<TaskResult<F>>;
  }

  override submitWith<F extends TaskFn>(
    options: SubmitOptions,
    task: F,
    ...args: Parameters<F>
  ): Future<TaskResult<F>> {
    if (typeof options !== 'object' || options === null) {
      throw argTypeError(`submitWith options must be an object, got ${show(options)}`);
    }
    if (options.transfer !== undefined && options.transfer.length > 0) {
      throw argTypeError(
        'a distributed task cannot transfer buffers: its arguments travel as JSON; send the data as an array or a string',
      );
    }
    return this.submit(task, ...args);
  }

  private enqueue(task: unknown, args: unknown[]): Future<unknown> {
    if (this.isShutdown) throw new InvalidStateError('cannot schedule new futures after shutdown');
    const chunkOf = typeof task === 'function' ? (task as ChunkTask)[kChunkOf] : undefined;
    const real = chunkOf ?? task;
    const ref = taskRefOf(real);
    if (ref === undefined) {
      throw argTypeError(
        `a distributed task must be a function made by defineTask(import.meta.url, fn) in a module the workers load with --tasks, got ${show(real)}`,
      );
    }
    const calls = chunkOf === undefined ? [args] : (args[0] as unknown[][]);
    const encoded: EncodedList[] = [];
    for (const call of calls) {
      call.forEach((arg, i) => {
        const problem = checkJson(arg, `argument ${i + 1} of ${ref.name}`);
        if (problem !== null) throw problem;
      });
      encoded.push(encodeList(call));
    }
    const data: JobData = chunkOf === undefined ? encoded[0]! : { c: encoded };
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
    const future = new DistributedFuture<unknown>(
      this,
      jobId,
      ref.name,
      data,
      chunkOf !== undefined,
    );
    this.pending.set(jobId, future);
    if (this.pending.size === 1) this.reconcileTimer?.ref();
    this.counts.queued++;
    this.toAdd.push(future);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      if (this.backend !== null) queueMicrotask(() => this.flush());
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
    const backend = this.backend!;
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
        backend.queue.addBulk(jobs).then(
          () => {
            for (const f of part) {
              f._added = true;
              f._epoch = this.epoch;
              if (f.cancelled())
                this.removeJob(f); // cancelled while it was being added
              else if (f.done() && f.exception() instanceof ConnectionLostError) {
                // Failed while Redis was away: nobody waits for this job any more.
                this.track(backend.queue.remove(f._jobId));
              }
            }
          },
          (error: unknown) => {
            for (const f of part) if (!f.done()) this.settle(f, false, error);
          },
        ),
      );
    }
  }

  // -- events -----------------------------------------------------------------------------

  /**
   * Reads the queue's event stream from `from` until the executor closes. A read that
   * fails is reported and retried; an event that cannot be understood is reported and
   * skipped (anyone who can write to the stream can add one): its job's stored state
   * settles the future at the next reconciliation.
   */
  private async readEvents(client: IORedis, key: string, from: string): Promise<void> {
    let id = from;
    while (!this.closed && this.startError === null) {
      let reply: unknown;
      // A read interrupted by a lost connection is sent again after the reconnect, but
      // can be left unanswered (BullMQ #4479): past its block, drop the connection, and
      // the read goes out again on the next one.
      const watchdog = setTimeout(() => client.disconnect(true), READ_BLOCK_MS + READ_GRACE_MS);
      try {
        reply = await client.xread('BLOCK', READ_BLOCK_MS, 'STREAMS', key, id);
      } catch (error) {
        if (this.closed || this.startError !== null) return;
        this.report(error);
        await new Promise((resolve) => {
          this.readerPause = setTimeout(resolve, READER_RETRY_MS);
        });
        continue;
      } finally {
        clearTimeout(watchdog);
      }
      if (!Array.isArray(reply)) continue; // null: nothing within READ_BLOCK_MS
      const entries = (reply[0] as [string, [string, string[]][]] | undefined)?.[1] ?? [];
      for (const entry of entries) {
        id = entry[0];
        try {
          this.onEvent(entry[1]);
        } catch (error) {
          this.report(
            new SerializationError(
              `skipped the malformed event ${id} on the event stream of queue ${this.queue} (${error instanceof Error ? error.message : String(error)}); its job's stored state will settle its future`,
              { cause: error },
            ),
          );
        }
      }
    }
  }

  /** One event of the stream: `fields` are BullMQ's `[name, value, …]`. */
  private onEvent(fields: string[]): void {
    let event: string | undefined;
    let jobId: string | undefined;
    let value: string | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i];
      if (name === 'event') event = fields[i + 1];
      else if (name === 'jobId') jobId = fields[i + 1];
      else if (name === 'returnvalue' || name === 'failedReason') value = fields[i + 1];
    }
    if (jobId === undefined || !this.pending.has(jobId)) return; // not this executor's job
    if (event === 'completed') {
      if (typeof value !== 'string') throw new TypeError(`job ${jobId} completed with no result`);
      this.onCompleted(jobId, JSON.parse(value));
    } else if (event === 'active') this.onActive(jobId);
    else if (event === 'failed') this.onFailed(jobId, value);
    else if (event === 'removed') this.onRemoved(jobId);
  }

  private onActive(jobId: string): void {
    const f = this.pending.get(jobId);
    if (f === undefined || f.done() || f.running()) return;
    f._epoch = this.epoch;
    f.setRunningOrNotifyCancel();
    this.counts.queued--;
    this.counts.running++;
  }

  private onCompleted(jobId: string, returnvalue: unknown): void {
    const f = this.pending.get(jobId);
    if (f === undefined) return;
    const value = f._chunk
      ? decodeList(returnvalue)
      : typeof returnvalue === 'object' && returnvalue !== null && 'r' in returnvalue
        ? [returnvalue.r]
        : typeof returnvalue === 'object' && returnvalue !== null
          ? [undefined] // { r: undefined } arrives as {}
          : null;
    if (value === null) {
      this.settle(
        f,
        false,
        new SerializationError(
          `the result of job ${jobId} in queue ${this.queue} is not in concur's format: ${show(returnvalue)} (was it written by another program?)`,
        ),
      );
      return;
    }
    this.settle(f, true, f._chunk ? value : value[0]);
  }

  private onFailed(jobId: string, failedReason: unknown): void {
    const f = this.pending.get(jobId);
    if (f === undefined) return;
    const record = decodeFailure(failedReason);
    if (record === null) {
      const reason = String(failedReason);
      const error =
        reason === STALLED_REASON
          ? new WorkerLostError(
              `the workers running job ${jobId} (task ${f._name}) of queue ${this.queue} were lost more often than the workers' lostWorkerRetries allows (BullMQ: "${reason}")`,
            )
          : new RemoteError({ name: 'Error', message: reason });
      this.settle(f, false, error);
    } else if (record.k === 'cancelled') {
      this.settle(f, false, null);
    } else if (record.k === 'serialization') {
      this.settle(f, false, new SerializationError(record.e.message));
    } else {
      this.settle(f, false, new RemoteError(record.e));
    }
  }

  private onRemoved(jobId: string): void {
    const f = this.pending.get(jobId);
    if (f === undefined || f.done()) return;
    this.lose(f, 'was removed from Redis');
  }

  private lose(f: DistributedFuture<unknown>, how: string): void {
    this.settle(
      f,
      false,
      new TaskLostError(
        `job ${f._jobId} (task ${f._name}) of queue ${this.queue} ${how} before it finished; its result can never arrive`,
      ),
    );
  }

  /**
   * Ends `f`: with a result (`ok`), an error, or — `error === null` — cancelled. A future
   * already done (cancelled here while its job still ran) only leaves the pending set.
   */
  private settle(f: DistributedFuture<unknown>, ok: boolean, value: unknown): void {
    if (this.pending.get(f._jobId) !== f) return;
    this.pending.delete(f._jobId);
    if (f._grace !== null) {
      f._grace.cancel();
      f._grace = null;
    }
    if (f.running()) this.counts.running--;
    else if (!f.done()) this.counts.queued--;
    if (!f.done()) {
      if (ok) {
        f.setResult(value);
        this.counts.completed++;
      } else if (value === null) {
        f._setCancelled(f._abortMessage);
        this.counts.cancelled++;
      } else {
        f.setException(value);
        this.counts.failed++;
      }
    }
    if (this.pending.size === 0) this.wakeDrained();
  }

  // -- cancellation -----------------------------------------------------------------------

  /** @internal A waiting future was cancelled: forget it and remove its job. */
  _cancelledPending(f: DistributedFuture<unknown>): void {
    this.pending.delete(f._jobId);
    this.counts.queued--;
    this.counts.cancelled++;
    if (f._added) this.removeJob(f);
    if (this.pending.size === 0) this.wakeDrained();
  }

  /** Removes a cancelled task's job; one a worker already holds is told to abort instead. */
  private removeJob(f: DistributedFuture<unknown>): void {
    const backend = this.backend!;
    this.track(
      backend.queue.remove(f._jobId).then((removed) => {
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
    f._grace = LongTimeout.start(this.cancelGraceMs, () => this.settle(f, false, null), true);
  }

  private async publishCancel(jobId: string, msg: string | undefined): Promise<void> {
    const backend = this.backend!;
    const message = JSON.stringify(msg === undefined ? { id: jobId } : { id: jobId, m: msg });
    await backend.redis.publish(cancelChannel(this.prefix, this.queue), message);
  }

  // -- reconciliation ---------------------------------------------------------------------

  /**
   * Reads the stored state of the pending jobs and settles the futures whose events were
   * missed; a job missing twice in a row is lost (once may be a retention race). After a
   * reconnect (`all`) every pending job is read; on the periodic tick only those with no
   * event (added, active) since the previous tick, so a missed event is still found within
   * two ticks. Without that, a tick during a burst read every job still queued: on 30k-job
   * bursts of P10, one HMGET per pending job and its decoding in this process.
   */
  private async reconcile(all: boolean): Promise<void> {
    const backend = this.backend;
    if (backend === null || this.reconciling || this.closed) return;
    this.reconciling = true;
    const epoch = this.epoch;
    if (!all) this.epoch++;
    try {
      const futures = [...this.pending.values()].filter(
        (f) => f._added && !f.done() && (all || f._epoch < epoch),
      );
      const keys = futures.map((f) => backend.queue.toKey(f._jobId));
      const states = await readJobStates(backend.redis, keys);
      futures.forEach((f, i) => this.applyState(f, states[i] ?? null));
    } catch (error) {
      this.report(error); // the next round (or reconnect) retries
    } finally {
      this.reconciling = false;
    }
  }

  private applyState(f: DistributedFuture<unknown>, state: StoredState): void {
    if (state === null || f.done()) return;
    if (state.kind === 'missing') {
      if (++f._missing >= 2) this.lose(f, 'vanished from Redis');
      return;
    }
    f._missing = 0;
    if (state.kind === 'completed') this.onCompleted(f._jobId, state.returnvalue);
    else if (state.kind === 'failed') this.onFailed(f._jobId, state.failedReason);
    else if (state.kind === 'active') this.onActive(f._jobId);
  }

  /** Removes the queue's finished jobs older than `trimAge` (see `TRIM_EVERY_MS`). */
  private async trimByAge(): Promise<void> {
    const backend = this.backend;
    if (backend === null || this.trimming || this.closed) return;
    this.trimming = true;
    try {
      for (const state of ['completed', 'failed'] as const) {
        let removed: number;
        do {
          removed = (await backend.queue.clean(this.trimAge!, TRIM_BATCH, state)).length;
        } while (removed === TRIM_BATCH && !this.closed);
      }
    } finally {
      this.trimming = false;
    }
  }

  // -- map --------------------------------------------------------------------------------

  /**
   * Runs `task` over the zipped items of `iterables` and yields the results in input
   * order, as {@link Executor.map}. With `chunksize` above 1 each job carries that many
   * calls (sent in one message and run by one worker), and `buffersize` counts jobs.
   * A failing call fails its whole chunk, as in Python.
   */
  override map<F extends TaskFn>(
    task: F,
    ...iterables: MapIterables<Parameters<F>>
  ): AsyncGenerator<TaskResult<F>, void, undefined>;
  override map<F extends TaskFn>(
    task: F,
    ...iterablesAndOptions: [...MapIterables<Parameters<F>>, MapOptions]
  ): AsyncGenerator<TaskResult<F>, void, undefined>;
  override map(task: TaskFn, ...rest: unknown[]): AsyncGenerator<unknown, void, undefined> {
    const last = rest.at(-1);
    const hasOptions =
      rest.length > 1 && !isIterable(last) && typeof last === 'object' && last !== null;
    const options = (hasOptions ? last : {}) as MapOptions;
    const chunksize = options.chunksize ?? 1;
    const iterables = hasOptions ? rest.slice(0, -1) : rest;
    const plain = (super.map as (t: TaskFn, ...r: unknown[]) => AsyncGenerator<unknown>).bind(this);
    if (
      typeof task !== 'function' ||
      typeof chunksize !== 'number' ||
      !Number.isInteger(chunksize) ||
      chunksize <= 1 ||
      !iterables.every(isIterable)
    ) {
      return plain(task, ...rest) as AsyncGenerator<unknown, void, undefined>;
    }
    const chunkTask = Object.assign(() => undefined, { [kChunkOf]: task }) as ChunkTask;
    const inner = plain(chunkTask, batched(iterables as Iterable<unknown>[], chunksize), {
      timeout: options.timeout ?? null,
      buffersize: options.buffersize ?? null,
    }) as AsyncGenerator<unknown[], void, undefined>;
    return flatten(inner);
  }

  // -- shutdown ---------------------------------------------------------------------------

  override shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    if (!this.isShutdown) {
      this.isShutdown = true;
      if (cancelFutures) {
        for (const f of [...this.pending.values()]) if (!f.running()) f.cancel();
      }
      this.closing = this.whenDrained().then(() => this.close());
      this.closing.catch((error: unknown) => this.report(error));
    }
    return wait ? this.closing! : Promise.resolve();
  }

  private whenDrained(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private wakeDrained(): void {
    this.reconcileTimer?.unref();
    const waiters = this.drained;
    this.drained = [];
    for (const wake of waiters) wake();
  }

  private async close(): Promise<void> {
    this.closed = true;
    if (this.reconcileTimer !== null) clearInterval(this.reconcileTimer);
    if (this.trimTimer !== null) clearInterval(this.trimTimer);
    if (this.readerPause !== null) clearTimeout(this.readerPause);
    const backend = this.backend;
    try {
      // Interrupts the blocking read (and ends the reader).
      backend?.events.disconnect();
      if (this.down !== null || this.startError !== null) {
        // Nothing in flight can reach Redis: end it rather than wait for a reconnect.
        this.redis?.disconnect();
      }
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      this.unwatch?.();
      if (backend !== null && backend.redis.status === 'ready') {
        await backend.queue.close();
        await backend.redis.quit();
      } else {
        await backend?.queue.close();
        this.redis?.disconnect();
      }
    } finally {
      liveEnd('executors', this);
    }
  }

  private failAll(error: unknown): void {
    for (const f of [...this.pending.values()]) this.settle(f, false, error);
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.report(error));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  override statistics(): ExecutorStatistics {
    return { workers: 0, busy: 0, idle: 0, ...this.counts };
  }

  /** `<DistributedExecutor queue=jobs queued=3 running=2 completed=10>`. */
  [inspect.custom](): string {
    const c = this.counts;
    const state = this.isShutdown ? ' shutdown' : '';
    return `<DistributedExecutor${state} queue=${this.queue} queued=${c.queued} running=${c.running} completed=${c.completed} failed=${c.failed}>`;
  }
}
