/**
 * `runWorker`: starts a distributed worker — checks its options, imports the task
 * modules, connects to Redis and hands a running `DistributedWorker` back.
 *
 * @module
 */
import { availableParallelism } from 'node:os';

import type { Job } from 'bullmq';

import type { TaskFn } from '../futures/Executor.js';
import { poolConfig } from '../futures/PoolExecutor.js';
import { ProcessPoolExecutor } from '../futures/ProcessPoolExecutor.js';
import { ThreadPoolExecutor } from '../futures/ThreadPoolExecutor.js';
import {
  argRangeError,
  argTypeError,
  checkTimerDuration,
  checkInteger,
  show,
} from '../internal/base/validate.js';
import { connectionOptions, type RedisConnection } from '../internal/redis/connection.js';
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
import { loadTaskModules, moduleUrl } from '../internal/redis/taskModules.js';
import { DistributedWorker } from './DistributedWorker.js';

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
      const tasks = await loadTaskModules(urls);
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
