/**
 * `runWorker`: a distributed worker — takes jobs from a BullMQ queue and runs the tasks
 * its modules define on a local pool.
 *
 *   Redis ─► BullMQ Worker (event loop: job locks, cancel messages)
 *              │ name → registry of the --tasks modules (unknown: fail the job)
 *              ▼
 *            local ThreadPoolExecutor ─► task(...JSON args) ─► JSON result ─► Redis
 *            (or ProcessPoolExecutor; or, `pool: 'none'`, this event loop itself)
 *
 * @module
 */
import { existsSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

import type { Job } from 'bullmq';

import {
  CancelledError,
  RemoteError,
  SerializationError,
  TaskModuleNotFoundError,
  type SerializedError,
} from '../errors.js';
import type { Executor, TaskFn } from '../futures/Executor.js';
import type { Future } from '../internal/loop/Future.js';
import { ProcessPoolExecutor } from '../futures/ProcessPoolExecutor.js';
import { ThreadPoolExecutor } from '../futures/ThreadPoolExecutor.js';
import { BackgroundErrors } from '../internal/redis/backgroundErrors.js';
import { serializeError } from '../internal/worker/codec.js';
import {
  checkJson,
  decodeJobData,
  encodeFailure,
  encodeList,
  type FailureKind,
} from '../internal/redis/jobWire.js';
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
} from '../internal/redis/peers.js';
import { poolConfig } from '../futures/PoolExecutor.js';
import { connectionOptions, type RedisConnection } from '../internal/redis/connection.js';
import { registeredTasks, type TaskFunction } from '../internal/worker/taskRef.js';
import { callWithSignal } from '../internal/worker/workerRuntime.js';
import {
  argRangeError,
  argTypeError,
  checkTimerDuration,
  checkInteger,
  show,
} from '../internal/base/validate.js';

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  /** The Redis server: a URL (`redis://`, `rediss://`, `unix:///…`) or connection options. */
  connection: RedisConnection;
  /** The queue to take jobs from (the executor's `queue`). */
  queue: string;
  /** Prefix of the queue's Redis keys (default `concur`; the executor's `prefix`). */
  prefix?: string;
  /**
   * The modules whose `defineTask` tasks this worker runs: file paths (relative to the
   * current directory) or URLs. Only these tasks run; a job naming another fails.
   */
  tasks: readonly (string | URL)[];
  /** Jobs run at once (default: the number of cores). */
  concurrency?: number;
  /**
   * Where tasks run, so that CPU-bound tasks never block the worker's event loop (which
   * renews the job locks): `'thread'` (default), a local `ThreadPoolExecutor`, or
   * `'process'`, a local `ProcessPoolExecutor` (crash and memory isolation), each of
   * `min(concurrency, cores)` workers.
   *
   * `'none'` runs the tasks on the worker's own event loop, as a plain BullMQ worker
   * does: for I/O-bound tasks only (they `await` most of the time), which then skip the
   * hop to a thread. A task that computes for long blocks the lock renewal: its job is
   * taken for lost and run again elsewhere. A cancel aborts its `taskSignal()` and ends
   * the job cancelled at once; a task that ignores the signal runs on, unused. The
   * `initializer` runs once, on this loop, before the first job.
   */
  pool?: 'thread' | 'process' | 'none';
  /**
   * How many times a job whose worker was lost (killed, or its event loop stuck past
   * `lockDuration`) is run again, elsewhere, before it fails with `WorkerLostError`
   * (default 1: at most two runs). BullMQ's `maxStalledCount`.
   */
  lostWorkerRetries?: number;
  /**
   * Milliseconds a job's lock lasts without renewal (default 10 000; BullMQ's
   * `lockDuration`, whose default is 30 000). The worker renews the locks of its running
   * jobs every half of it, from its event loop; a job whose lock expired is taken for
   * lost and run again elsewhere. Shorter: a dead worker's jobs run again sooner; but an
   * event loop blocked for longer than half of it (a CPU-bound task with `pool: 'none'`,
   * a machine overloaded for seconds) makes a live worker's job run twice.
   */
  lockDuration?: number;
  /**
   * Milliseconds between checks for jobs whose worker was lost (default 5000; BullMQ's
   * `stalledInterval`, default 30 000). A dead worker's job runs again within about
   * `lockDuration + stalledInterval` (15 s by default, BullMQ's defaults: up to 60 s); each
   * check is one Redis script call per worker. At most 2^31 - 1 each.
   */
  stalledInterval?: number;
  /**
   * Milliseconds Redis may stay unreachable while the worker starts before `runWorker`
   * rejects with `ConnectionLostError` (default 10 000; `Infinity`: wait for ever). Also
   * bounds each connection attempt. Once running, the worker waits for Redis through any
   * outage (reported as `'error'` events).
   */
  connectTimeout?: number;
  /**
   * A task each pool thread runs once before its first job (e.g. to open a connection);
   * with `pool: 'none'`, run once on the worker's own loop (`runWorker` rejects if it
   * throws).
   */
  initializer?: TaskFn | null;
  /** Arguments of `initializer`. */
  initargs?: readonly unknown[];
  /**
   * Drain and stop on SIGTERM and SIGINT (default `false`; the `concur worker` command
   * turns it on). A second signal exits at once.
   */
  handleSignals?: boolean;
}

/** What a worker did so far. */
export interface WorkerStatistics {
  /** Jobs running now. */
  active: number;
  /** Jobs that finished with a result. */
  completed: number;
  /** Jobs that failed (the task's error, an unknown task, a result that is not JSON). */
  failed: number;
  /** Jobs whose task was cancelled by its executor. */
  cancelled: number;
}

// The parts of BullMQ and ioredis the worker object uses, typed here so that the public
// declarations never load the optional peers' types.
interface ClientLike {
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
  readonly status: string;
}
interface BullWorkerLike {
  on(event: 'error', listener: (error: Error) => void): unknown;
  run(): Promise<void>;
  close(): Promise<void>;
}
interface JobLike {
  readonly name: string;
  readonly id?: string | undefined;
  readonly data: unknown;
}

interface Started {
  readonly redis: ClientLike;
  readonly subscriber: ClientLike;
  readonly worker: BullWorkerLike;
  /** The local pool (`null` with `pool: 'none'`). */
  readonly pool: Executor | null;
  /** BullMQ's `UnrecoverableError`: a failure it never retries. */
  readonly unrecoverable: new (message: string) => Error;
}

/**
 * A running distributed worker, returned by {@link runWorker}. `close()` (or
 * `await using`) drains it: no new job is taken, the running ones finish, then the
 * connections and the pool close.
 *
 * Python equivalent: none in the standard library (a Celery worker is the nearest).
 */
export class DistributedWorker {
  /** The queue's name. */
  readonly queue: string;
  /** The names of the tasks this worker runs. */
  readonly taskNames: readonly string[];
  /**
   * The last error that belongs to no job (reported to `'error'` listeners too), for
   * diagnosis (or `null`).
   */
  get lastError(): unknown {
    return this.errors.last;
  }

  /** How to cancel each running job, by job id. */
  private readonly running = new Map<string, (msg: string | undefined) => void>();
  private readonly counts = { active: 0, completed: 0, failed: 0, cancelled: 0 };
  private closing: Promise<void> | null = null;
  private markClosed!: () => void;
  private markFailed!: (error: unknown) => void;
  /**
   * Resolves once the worker stopped (after `close()`, or a SIGTERM/SIGINT it handles);
   * rejects with the error if it stopped taking jobs by itself (BullMQ's loop failed),
   * after closing its pool and connections.
   */
  readonly closed: Promise<void> = new Promise((resolve, reject) => {
    this.markClosed = resolve;
    this.markFailed = reject;
  });
  private readonly errors = new BackgroundErrors('a DistributedWorker');
  /** Why BullMQ's loop ended by itself (`closed` then rejects with it). */
  private loopFailure: { error: unknown } | null = null;
  private signalHandler: ((signal: NodeJS.Signals) => void) | null = null;
  /** Resolves at the end of this event-loop turn (see `turnEnd`). */
  private nextTurn: Promise<void> | null = null;

  /** @internal */
  constructor(
    private readonly started: Started,
    private readonly tasks: ReadonlyMap<string, TaskFunction>,
    queue: string,
    private readonly channel: string,
  ) {
    this.queue = queue;
    this.taskNames = [...tasks.keys()].sort();
    this.closed.catch(() => undefined); // a failure nobody awaits is kept, never thrown
  }

  /**
   * Adds a listener of the worker's background errors (those of no job): Redis lost or
   * unreachable (once per outage; the worker waits for it), errors of BullMQ's loop.
   * Without a listener they are kept in `lastError` only, never thrown.
   */
  on(event: 'error', listener: (error: unknown) => void): this {
    this.errors.listen('on', event, listener);
    return this;
  }

  /** Like {@link DistributedWorker.on}, for the next error only. */
  once(event: 'error', listener: (error: unknown) => void): this {
    this.errors.listen('once', event, listener);
    return this;
  }

  /** Removes a listener added by {@link DistributedWorker.on}. */
  off(event: 'error', listener: (error: unknown) => void): this {
    this.errors.listen('off', event, listener);
    return this;
  }

  /** @internal Keeps `error` in `lastError` and reports it to the listeners, if any. */
  _report(error: unknown): void {
    this.errors.report(error);
  }

  /** @internal Starts taking jobs. */
  _run(handleSignals: boolean): void {
    const { worker, subscriber, redis } = this.started;
    redis.on('ready', () => this.errors.reset());
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.onCancelMessage(message);
    });
    if (handleSignals) {
      let signals = 0;
      this.signalHandler = (signal) => {
        if (++signals > 1) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
        void this.close();
      };
      process.on('SIGTERM', this.signalHandler);
      process.on('SIGINT', this.signalHandler);
    }
    worker.run().catch((error: unknown) => {
      // BullMQ's loop ended: this worker takes no more jobs. Say so through `closed`.
      this._report(error);
      this.loopFailure = { error };
      this.close().catch(() => this.markFailed(error));
    });
  }

  /**
   * @internal The BullMQ processor: one job. Cancels arrive on the queue's cancel channel
   * (`onCancelMessage`), never through BullMQ's per-job `AbortSignal`: a processor that
   * takes one makes BullMQ create an `AbortController` per job, and that signal with its
   * listener cost ~25 µs of CPU per job in the worker (P10: 176 → 150 µs per job over both
   * workers; nothing here ever aborted it).
   */
  async _process(job: JobLike): Promise<unknown> {
    const fn = this.tasks.get(job.name);
    if (fn === undefined) {
      const known = this.taskNames.length > 0 ? this.taskNames.join(', ') : 'none';
      throw this.failure(
        'unknown-task',
        serializeError(
          new TypeError(
            `this worker has no task named ${show(job.name)} (its tasks: ${known}); start a worker with --tasks <the module that defines it>`,
          ),
        ),
      );
    }
    const decoded = decodeJobData(job.data);
    if (decoded === null) {
      throw this.failure(
        'error',
        serializeError(
          new TypeError(`job ${job.id} has data that is not a concur task call; it was not run`),
        ),
      );
    }
    const id = job.id ?? '';
    const pool = this.started.pool;
    let results: Promise<unknown[]>;
    let cancel: (msg: string | undefined) => void;
    if (pool === null) {
      ({ results, cancel } = runInline(fn, decoded.calls));
    } else {
      let futures: Future<unknown>[] | null = null;
      let early: CancelledError | null = null;
      cancel = (msg) => {
        if (futures !== null) for (const f of futures) f.cancel(msg);
        else early ??= new CancelledError(msg ?? 'the task was cancelled');
      };
      results = this.turnEnd().then(() => {
        if (early !== null) throw early;
        futures = decoded.calls.map((args) => pool.submit(fn, ...args));
        return awaitAll(futures);
      });
    }
    this.running.set(id, cancel);
    this.counts.active++;
    let values: unknown[];
    try {
      values = await results;
    } catch (error) {
      cancel(undefined); // the other calls of a chunk
      throw this.taskFailure(error);
    } finally {
      this.counts.active--;
      this.running.delete(id);
    }
    const problem = checkJson(decoded.chunk ? values : values[0], `the result of ${job.name}`);
    if (problem !== null) {
      this.counts.failed++;
      throw this.failure('serialization', serializeError(problem));
    }
    this.counts.completed++;
    return decoded.chunk ? encodeList(values) : { r: values[0] };
  }

  /**
   * A promise that resolves once this event-loop turn's I/O callbacks have run (on
   * `setImmediate`), shared by every job that arrives in the turn: their pool submits then
   * run back to back, so the pool sends them to its threads in a few batches instead of
   * one message and one thread wake-up each. Jobs arrive in clumps (several Redis replies
   * per socket read): on P10 the pool made ~1.05 posts per task before, ~0.22 after, and
   * the workers' other threads (pool threads, GC) used ~17 µs less CPU per job (88 → 71);
   * concur/raw 0.76 → 0.81 (pairwise medians, 5 alternating rounds, a loaded machine).
   * The cost: a job waits for the end of the turn it arrived in.
   */
  private turnEnd(): Promise<void> {
    return (this.nextTurn ??= new Promise((resolve) =>
      setImmediate(() => {
        this.nextTurn = null;
        resolve();
      }),
    ));
  }

  /** The failure to record for a job whose task failed with `error` (counted). */
  private taskFailure(error: unknown): Error {
    if (error instanceof CancelledError) {
      this.counts.cancelled++;
      return this.failure('cancelled', serializeError(error));
    }
    this.counts.failed++;
    if (error instanceof SerializationError) {
      return this.failure('serialization', serializeError(error));
    }
    return this.failure(
      'error',
      error instanceof RemoteError ? unwrap(error) : serializeError(error),
    );
  }

  /** An error that BullMQ records as the job's failure and never retries. */
  private failure(kind: FailureKind, error: SerializedError): Error {
    const failure = new this.started.unrecoverable(encodeFailure({ k: kind, e: error }));
    if (error.stack !== undefined) failure.stack = error.stack;
    return failure;
  }

  private onCancelMessage(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch (error) {
      if (error instanceof SyntaxError) return; // not ours
      throw error;
    }
    const { id, m } = (parsed ?? {}) as { id?: unknown; m?: unknown };
    if (typeof id !== 'string') return;
    this.running.get(id)?.(typeof m === 'string' ? m : undefined);
  }

  /**
   * Drains the worker: takes no new job, lets the running ones finish, then closes the
   * pool and the connections. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.signalHandler !== null) {
        process.off('SIGTERM', this.signalHandler);
        process.off('SIGINT', this.signalHandler);
      }
      const { worker, subscriber, redis, pool } = this.started;
      await worker.close();
      await pool?.shutdown({ wait: true });
      for (const client of [subscriber, redis]) {
        // quit() would wait for a reconnect.
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      }
      if (this.loopFailure !== null) this.markFailed(this.loopFailure.error);
      else this.markClosed();
    })();
    return this.closing;
  }

  /** `await using worker = await runWorker(…)`: `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The worker's counters. */
  statistics(): WorkerStatistics {
    return { ...this.counts };
  }

  /** `<DistributedWorker queue=jobs tasks=3 active=1 completed=10>`. */
  [inspect.custom](): string {
    const c = this.counts;
    return `<DistributedWorker queue=${this.queue} tasks=${this.taskNames.length} active=${c.active} completed=${c.completed} failed=${c.failed}>`;
  }
}

/**
 * The values of `calls`, awaited in order: the first to fail (by position, as a chunk's
 * calls would fail one after another) rejects it.
 */
async function awaitAll(calls: readonly PromiseLike<unknown>[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const call of calls) values.push(await call);
  return values;
}

/**
 * Runs a job's calls on this event loop (`pool: 'none'`), all at once. `cancel(msg)`
 * aborts their `taskSignal()` (made only if a task asks for it) and rejects `results` with
 * a `CancelledError` at once: there is no thread to stop, so a task that ignores the
 * signal runs on and its outcome is dropped.
 */
function runInline(
  fn: TaskFunction,
  calls: readonly unknown[][],
): { results: Promise<unknown[]>; cancel: (msg: string | undefined) => void } {
  let controller: AbortController | null = null;
  let reason: CancelledError | null = null;
  let rejectCancelled!: (error: CancelledError) => void;
  const cancelled = new Promise<never>((_, reject) => {
    rejectCancelled = reject;
  });
  const signal = (): AbortSignal => {
    if (controller === null) {
      controller = new AbortController();
      if (reason !== null) controller.abort(reason);
    }
    return controller.signal;
  };
  const runs = calls.map((args) => {
    // A throw inside the executor rejects the promise, like an async task's rejection.
    const run = new Promise<unknown>((resolve) =>
      resolve(callWithSignal(signal, () => fn(...args))),
    );
    // Observed by awaitAll in order; marked handled now so that a later call failing
    // first (or after a cancel) is not an unhandled rejection meanwhile.
    run.catch(() => undefined);
    return run;
  });
  return {
    results: Promise.race([awaitAll(runs), cancelled]),
    cancel(msg) {
      if (reason !== null) return;
      reason = new CancelledError(msg ?? 'the task was cancelled');
      controller?.abort(reason);
      rejectCancelled(reason);
    },
  };
}

/** A local pool's `RemoteError` back in the form it crossed in, to cross again. */
function unwrap(error: RemoteError): SerializedError {
  const own = new Set(['code', 'remoteName', 'remoteStack', 'errors']);
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (own.has(key)) continue;
    (props ??= {})[key] = (error as unknown as Record<string, unknown>)[key];
  }
  const out: { -readonly [K in keyof SerializedError]: SerializedError[K] } = {
    name: error.remoteName,
    message: error.message,
    stack: error.remoteStack,
  };
  // ERR_CONCUR_REMOTE stands for "no code of its own": the next hop puts it back.
  if (error.code !== 'ERR_CONCUR_REMOTE') out.code = error.code;
  if (props !== undefined) out.props = props;
  if (error.cause instanceof RemoteError) out.cause = unwrap(error.cause);
  else if (error.cause !== undefined) out.cause = serializeError(error.cause);
  if (error.errors !== undefined) out.errors = error.errors.map(unwrap);
  return out;
}

/**
 * Imports a tasks module; one with no file behind it rejects with a
 * `TaskModuleNotFoundError` naming the file (a module that is there but fails to load
 * rejects with the loader's own error).
 */
async function importTasks(url: string): Promise<void> {
  try {
    await import(url);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND' || !url.startsWith('file:')) {
      throw error;
    }
    const path = fileURLToPath(url);
    if (existsSync(path)) throw error; // what is missing is one of its imports
    throw new TaskModuleNotFoundError(
      `the tasks module ${path} does not exist; give the path of the built module that ` +
        'defines the tasks (e.g. ./dist/tasks.js after building, or the .ts source when ' +
        'running under a TypeScript loader), relative to the current directory or as a file: URL',
      path,
      { cause: error },
    );
  }
}

/** The module URL of a `--tasks` entry: a URL as is, a path resolved and made real. */
function moduleUrl(entry: string | URL): string {
  if (entry instanceof URL) return entry.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(entry) && !isAbsolute(entry)) return entry;
  const path = resolve(entry);
  let real = path;
  try {
    real = realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return pathToFileURL(real).href;
}

/**
 * Starts a distributed worker: connects to Redis, imports the task modules, and runs the
 * jobs of `queue` on a local pool until `close()`. Resolves once it takes jobs.
 *
 * Python equivalent: none in the standard library; like starting a Celery worker with
 * `-A app`. The `concur worker` command calls it.
 *
 * Delivery is at-least-once: if this worker dies mid-task, the job runs again elsewhere
 * (up to `lostWorkerRetries` times). A job that names a task none of `tasks` defines
 * fails with a `RemoteError` saying so; its data is never executed.
 *
 * Cancellation: a cancel from the task's executor aborts the task's `taskSignal()` in its
 * thread (a task that ignores it is stopped after the pool's grace). With `pool: 'none'`
 * the job ends cancelled at once and a task that ignores its signal runs on, unused.
 *
 * @throws {TypeError} a malformed option (at the call).
 * @throws {RangeError} `concurrency`, `lostWorkerRetries` or `connectTimeout` out of range
 *   (at the call).
 *
 * Rejects with `ConnectionLostError` when Redis cannot be reached within `connectTimeout`,
 * with `AuthenticationError` when it refuses the credentials.
 * @throws {MissingDependencyError} `bullmq` or `ioredis` is not installed.
 *
 * @example
 * ```ts
 * import { runWorker } from 'concur-ts/distributed';
 *
 * const worker = await runWorker({
 *   connection: 'redis://127.0.0.1:6379',
 *   queue: 'sums',
 *   tasks: ['./dist/tasks.js'],
 *   concurrency: 4,
 * });
 * process.on('SIGTERM', () => void worker.close());
 * ```
 */
export function runWorker(options: RunWorkerOptions): Promise<DistributedWorker> {
  if (typeof options !== 'object' || options === null) {
    throw argTypeError(
      `runWorker needs options { connection, queue, tasks }, got ${show(options)}`,
    );
  }
  const redisOptions = connectionOptions(options.connection);
  const queue = checkQueueName(options.queue);
  const prefix = checkPrefix(options.prefix);
  if (!Array.isArray(options.tasks) || options.tasks.length === 0) {
    throw argTypeError(
      `tasks must be a non-empty array of module paths or URLs, got ${show(options.tasks)}`,
    );
  }
  for (const entry of options.tasks) {
    if (typeof entry !== 'string' && !(entry instanceof URL)) {
      throw argTypeError(`each of tasks must be a path or a URL, got ${show(entry)}`);
    }
  }
  const concurrency = options.concurrency ?? availableParallelism();
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) {
    throw argRangeError(`concurrency must be an integer greater than 0, got ${show(concurrency)}`);
  }
  const poolKind = options.pool ?? 'thread';
  if (poolKind !== 'thread' && poolKind !== 'process' && poolKind !== 'none') {
    throw argTypeError(`pool must be 'thread', 'process' or 'none', got ${show(poolKind)}`);
  }
  const lostWorkerRetries = checkInteger('lostWorkerRetries', options.lostWorkerRetries ?? 1, 0);
  // BullMQ times both with setTimeout/setInterval, which cannot wait longer.
  const lockDuration = checkTimerDuration('lockDuration', options.lockDuration ?? 10_000);
  const stalledInterval = checkTimerDuration('stalledInterval', options.stalledInterval ?? 5000);
  const connectTimeout = checkConnectTimeout(options.connectTimeout);
  const poolOptions = {
    maxWorkers: Math.min(concurrency, availableParallelism()),
    initializer: options.initializer ?? null,
    initargs: options.initargs ?? [],
  };
  const pool =
    poolKind === 'thread'
      ? new ThreadPoolExecutor(poolOptions)
      : poolKind === 'process'
        ? new ProcessPoolExecutor(poolOptions)
        : null;
  // Without a pool this loop runs the initializer, checked as a pool would check it.
  const inline = pool === null ? poolConfig('runWorker', poolOptions).initializer : null;
  checkPeersInstalled('runWorker');
  const urls = options.tasks.map(moduleUrl);
  return (async () => {
    try {
      const tasks = new Map<string, TaskFunction>();
      for (const url of urls) {
        await importTasks(url);
        const defined = registeredTasks(url);
        if (defined.size === 0) {
          throw argTypeError(
            `the module ${url} defines no task: its tasks must be made with defineTask(import.meta.url, fn) at its top level`,
          );
        }
        for (const [name, fn] of defined) {
          const other = tasks.get(name);
          if (other !== undefined && other !== fn) {
            throw argTypeError(
              `two task modules define a task named ${show(name)}; tasks travel by name, so give one of them another name ({ name })`,
            );
          }
          tasks.set(name, fn);
        }
      }
      if (inline !== null) await (inline.task as TaskFn)(...inline.args);
      const peers = await loadPeers();
      let owner: DistributedWorker | null = null;
      const what = `the worker of queue ${queue}`;
      // Until the worker runs, a connection problem ends the start: an auth failure at
      // once, anything else after connectTimeout.
      let lastError: unknown = null;
      let giveUp!: (error: unknown) => void;
      const startFailed = new Promise<never>((_, reject) => {
        giveUp = reject;
      });
      startFailed.catch(() => undefined);
      const onError = (error: unknown): void => {
        if (owner !== null) owner._report(error);
        else if (isAuthFailure(error)) giveUp(authenticationError(error, what));
        else lastError = error;
      };
      const deadline =
        connectTimeout === Infinity
          ? null
          : setTimeout(
              () => giveUp(connectionLost(lastError, connectTimeout, what)),
              connectTimeout,
            );
      const redis = makeClient(
        peers,
        redisOptions,
        `concur:worker:${queue}`,
        onError,
        connectTimeout,
      );
      const subscriber = makeClient(
        peers,
        redisOptions,
        `concur:worker-cancel:${queue}`,
        onError,
        connectTimeout,
      );
      const channel = cancelChannel(prefix, queue);
      let worker: InstanceType<typeof peers.bullmq.Worker> | null = null;
      try {
        await Promise.race([subscriber.subscribe(channel), startFailed]);
        worker = new peers.bullmq.Worker(
          queue,
          // One parameter: see `_process` (BullMQ passes a signal only to processors that take it).
          (job: Job) => owner!._process(job),
          {
            connection: redis,
            prefix,
            concurrency,
            autorun: false,
            maxStalledCount: lostWorkerRetries,
            lockDuration,
            stalledInterval,
          },
        );
        worker.on('error', onError);
        await Promise.race([worker.waitUntilReady(), startFailed]);
      } catch (error) {
        // Disconnected first: a close waiting for a connection would wait for ever.
        redis.disconnect();
        subscriber.disconnect();
        await worker?.close(true).catch(() => undefined);
        throw isAuthFailure(error) ? authenticationError(error, what) : error;
      } finally {
        if (deadline !== null) clearTimeout(deadline);
      }
      owner = new DistributedWorker(
        { redis, subscriber, worker, pool, unrecoverable: peers.bullmq.UnrecoverableError },
        tasks,
        queue,
        channel,
      );
      owner._run(options.handleSignals === true);
      return owner;
    } catch (error) {
      await pool?.shutdown({ wait: false });
      throw error;
    }
  })();
}
