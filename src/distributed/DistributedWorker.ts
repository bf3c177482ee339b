/**
 * `DistributedWorker`: a running distributed worker (made by `runWorker`) — takes jobs from
 * a BullMQ queue and runs the tasks its modules define on a local pool.
 *
 *   Redis ─► BullMQ Worker (event loop: job locks, cancel messages)
 *              │ name → registry of the --tasks modules (unknown: fail the job)
 *              ▼
 *            local ThreadPoolExecutor ─► task(...JSON args) ─► JSON result ─► Redis
 *            (or ProcessPoolExecutor; or, `pool: 'none'`, this event loop itself:
 *            internal/redis/inlineRunner.ts)
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import {
  CancelledError,
  RemoteError,
  SerializationError,
  type SerializedError,
} from '../errors.js';
import type { Executor } from '../futures/Executor.js';
import type { Future } from '../futures/Future.js';
import { BackgroundErrors } from '../internal/redis/backgroundErrors.js';
import { awaitAll, runInline } from '../internal/redis/inlineRunner.js';
import { quitClient } from '../internal/redis/peers.js';
import {
  checkJson,
  decodeJobData,
  encodeFailure,
  encodeList,
  type FailureKind,
} from '../internal/redis/jobWire.js';
import { reserializeRemote, serializeError } from '../internal/worker/codec.js';
import type { TaskFunction } from '../internal/worker/taskRef.js';
import { show } from '../internal/base/validate.js';

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
export interface JobLike {
  readonly name: string;
  readonly id?: string | undefined;
  readonly data: unknown;
}

/** @internal What `runWorker` hands its worker once connected. */
export interface WorkerParts {
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
    private readonly started: WorkerParts,
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
   * takes one makes BullMQ create an `AbortController` and a listener for every job, a
   * cost paid per job for a cancel that comes through the channel anyway.
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
   * one message and one thread wake-up each (jobs arrive in clumps: several Redis replies
   * per socket read). It trades a job waiting for the end of the turn it arrived in for
   * far fewer messages and wake-ups per job.
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
      error instanceof RemoteError ? reserializeRemote(error) : serializeError(error),
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
      for (const client of [subscriber, redis]) await quitClient(client);
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
  [inspectCustom](): string {
    const c = this.counts;
    return `<DistributedWorker queue=${this.queue} tasks=${this.taskNames.length} active=${c.active} completed=${c.completed} failed=${c.failed}>`;
  }
}
