/**
 * What only the distributed executor does: worker processes that die, a Redis restart, a
 * job removed under a waiting future, late workers, two executors on one queue, and the
 * checks that keep data in Redis from ever running as code. Each test uses a fresh queue
 * on a private redis-server (unix socket).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  CancelledError,
  defineTask,
  DistributedExecutor,
  type DistributedExecutorOptions,
  RemoteError,
  runWorker,
  SerializationError,
  TaskLostError,
  WorkerLostError,
} from 'concur-ts/distributed';

import { startRedis, type RedisServer } from '../fixtures/redisServer.js';
import { runOnceThenHang, sleepThen } from '../fixtures/distributedTasks.js';
import {
  add1,
  echo,
  failOn,
  readInit,
  recordInit,
  signalReason,
  whoAmI,
} from '../fixtures/tasks.js';
import { cellContent } from '../fixtures/cells.js';
import { sendSignal } from '../fixtures/runtime.js';
import { makeFileCells, until } from '../fixtures/sync.js';
import { eventually } from '../fixtures/polling.js';
import { DIST_TASKS, executorWithWorker, freshQueue, TASKS } from './harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');

/** Defined here only: no worker loads this module. */
const notOnWorkers = defineTask(import.meta.url, function notOnWorkers() {
  return 'should never run';
});

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis.stop();
});

// The admin side of BullMQ, typed by hand: loading bullmq's and ioredis's own declarations
// into the test program changes how TypeScript infers unrelated iterator types.
interface AdminJob {
  readonly id?: string;
  readonly data: { a: unknown[] };
  readonly failedReason: string;
  remove(): Promise<void>;
  getState(): Promise<string>;
}
interface AdminQueue {
  add(name: string, data: unknown): Promise<AdminJob>;
  getWaiting(): Promise<AdminJob[]>;
  getCompleted(): Promise<AdminJob[]>;
  getJob(id: string): Promise<AdminJob | undefined>;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  toKey(type: string): string;
  close(): Promise<void>;
}
interface AdminClient {
  del(key: string): Promise<number>;
  zadd(key: string, ...scoresAndMembers: (string | number)[]): Promise<unknown>;
  quit(): Promise<unknown>;
  readonly status: string;
}
interface Admin {
  queue: AdminQueue;
  client: AdminClient;
}
const peers = { bullmq: 'bullmq', ioredis: 'ioredis' };

/** A BullMQ admin view of `queue`, closed by the caller. */
async function admin(url: string, queue: string): Promise<Admin> {
  const { Queue } = (await import(peers.bullmq)) as {
    Queue: new (name: string, options: object) => AdminQueue;
  };
  const { Redis } = (await import(peers.ioredis)) as {
    Redis: new (options: object) => AdminClient;
  };
  const client = new Redis({ path: url.slice('unix://'.length), maxRetriesPerRequest: null });
  return { queue: new Queue(queue, { connection: client, prefix: 'concur' }), client };
}

async function closeAdmin(a: Admin): Promise<void> {
  await a.queue.close();
  // Deno delivers the socket's close before QUIT's reply at times: the QUIT then fails,
  // its connection ended all the same.
  await a.client.quit().catch((error: unknown) => {
    if (a.client.status !== 'end') throw error;
  });
}

/** Starts `concur worker` in a child process; resolves once it says it is ready. */
async function spawnWorker(queue: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      cli,
      'worker',
      '--connection',
      redis.url,
      '--queue',
      queue,
      '--tasks',
      fileURLToPath(DIST_TASKS),
      fileURLToPath(TASKS),
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('; ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
  try {
    await within(ready, 60_000, 'the worker starting');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  child.stderr.resume();
  return child;
}

/** `promise`, or a rejection naming `what` after `ms` (a hang guard: fail, never stall). */
async function within<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never happened (hang guard)`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * SIGTERM (a graceful drain), then SIGKILL if the worker has not exited within `graceMs`:
 * a worker still running a task that never ends must not hang the test's clean-up.
 */
async function stopWorker(child: ChildProcess, graceMs = 10_000): Promise<number | null> {
  // Deno 2.9 reports a child stopped by SIGSTOP as exited (signal SIGSTOP, an 'exit'
  // event) although it lives on: that one is stopped all the same, and is seen gone
  // when its stderr closes.
  const onlyStopped = child.signalCode === 'SIGSTOP';
  if (!onlyStopped && (child.exitCode !== null || child.signalCode !== null)) {
    return child.exitCode;
  }
  const exited = onlyStopped
    ? new Promise<number | null>((resolve) => child.stderr!.once('close', () => resolve(null)))
    : new Promise<number | null>((resolve) => child.once('exit', resolve));
  sendSignal(child, 'SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The clean-up of a test whose task may hang for ever (when an assertion failed before
 * its worker was killed): shutdown waits for running tasks, so that one is cancelled
 * first — it ends cancelled within cancelGraceMs even if its worker cannot answer — and
 * the workers are stopped after.
 */
async function stopHangingTask(
  executor: DistributedExecutor,
  future: { cancel(): boolean },
  workers: ChildProcess[],
): Promise<void> {
  future.cancel();
  await executor.shutdown();
  for (const w of workers) await stopWorker(w);
}

/**
 * Worker options that find a dead worker's job within a few seconds. The lock is renewed
 * every half of its duration: 2.5 s is a margin a worker's event loop keeps on a loaded
 * 2-core machine (a 1 s lock, renewed every 500 ms, did not: live workers' jobs were taken
 * for lost).
 */
const FAST_LOSS = ['--lock-duration', '5000', '--stalled-interval', '500'];

describe('DistributedExecutor: workers that die', () => {
  test('a worker process killed mid-task: the task completes on the other worker and its future resolves once', async () => {
    const queue = freshQueue();
    const cells = makeFileCells(); // runOnceThenHang's cell 0: the pid of its first run
    const fast = ['--concurrency', '1', ...FAST_LOSS];
    const workers = [await spawnWorker(queue, fast), await spawnWorker(queue, fast)];
    const executor = new DistributedExecutor({ connection: redis.url, queue });
    const future = executor.submit(runOnceThenHang, cells);
    try {
      let settled = 0;
      future.addDoneCallback(() => settled++);
      await until(cells, 0);
      const pid = Number(cellContent(cells, 0));
      const victim = workers.find((w) => w.pid === pid)!;
      assert.ok(victim !== undefined, 'the task ran in one of the two workers');
      const died = new Promise((resolve) => victim.once('exit', resolve));
      victim.kill('SIGKILL');
      await died;
      assert.equal(await future, 'done');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, 1);
    } finally {
      await stopHangingTask(executor, future, workers);
    }
  });

  test('a task whose workers die more often than lostWorkerRetries allows fails with WorkerLostError', async () => {
    const queue = freshQueue();
    const cells = makeFileCells(); // runOnceThenHang's cell 0: the pid of its first run
    const fast = ['--concurrency', '1', ...FAST_LOSS, '--lost-worker-retries', '0'];
    const workers = [await spawnWorker(queue, fast), await spawnWorker(queue, fast)];
    const executor = new DistributedExecutor({ connection: redis.url, queue });
    const future = executor.submit(runOnceThenHang, cells);
    try {
      await until(cells, 0);
      const pid = Number(cellContent(cells, 0));
      workers.find((w) => w.pid === pid)!.kill('SIGKILL');
      await assert.rejects(within(future, 60_000, 'the lost task failing'), (error: unknown) => {
        assert.ok(error instanceof WorkerLostError);
        assert.equal(error.code, 'ERR_CONCUR_WORKER_LOST');
        return true;
      });
    } finally {
      await stopHangingTask(executor, future, workers);
    }
  });

  test('SIGTERM drains a worker: its running task finishes, then it exits 0', async () => {
    const queue = freshQueue();
    const worker = await spawnWorker(queue, ['--concurrency', '2']);
    const executor = new DistributedExecutor({ connection: redis.url, queue });
    try {
      const future = executor.submit(sleepThen, 300, 7);
      await eventually(() => future.running(), 'the task starting');
      const exited = stopWorker(worker);
      assert.equal(await future, 7);
      assert.equal(await exited, 0);
    } finally {
      await executor.shutdown();
      await stopWorker(worker);
    }
  });
});

describe('DistributedExecutor: Redis and its data', () => {
  test('a job removed from Redis while its future waits fails the future with TaskLostError', async () => {
    const queue = freshQueue(); // no worker: the job waits
    const executor = new DistributedExecutor({
      connection: redis.url,
      queue,
      reconcileInterval: 100,
    });
    const a = await admin(redis.url, queue);
    try {
      const removed = executor.submit(add1, 1);
      const deleted = executor.submit(add1, 2);
      let waiting = await a.queue.getWaiting();
      while (waiting.length < 2) waiting = await a.queue.getWaiting();
      const [first, second] = waiting.sort((x, y) => Number(x.data.a[0]) - Number(y.data.a[0]));
      // Observed before the removal: the failure may arrive while remove() is answered.
      const removedFails = assert.rejects(removed, (error: unknown) => {
        assert.ok(error instanceof TaskLostError);
        assert.match(error.message, /was removed from Redis/);
        return true;
      });
      const deletedFails = assert.rejects(deleted, TaskLostError);
      await first!.remove(); // BullMQ's removal: a 'removed' event
      await removedFails;
      await a.client.del(a.queue.toKey(second!.id!)); // raw deletion: found by reconciliation
      await deletedFails;
    } finally {
      await executor.shutdown();
      await closeAdmin(a);
    }
  });
});

describe('DistributedExecutor: who runs what', () => {
  test('a worker started after the tasks were submitted picks them up', async () => {
    const queue = freshQueue();
    const executor = new DistributedExecutor({ connection: redis.url, queue });
    const futures = Array.from({ length: 5 }, (_, i) => executor.submit(add1, i));
    const a = await admin(redis.url, queue);
    let worker;
    try {
      // All five wait in Redis, with no worker to take them.
      let waiting = await a.queue.getWaiting();
      while (waiting.length < 5) waiting = await a.queue.getWaiting();
      assert.ok(futures.every((f) => !f.done() && !f.running()));
      worker = await runWorker({ connection: redis.url, queue, tasks: [TASKS], concurrency: 2 });
      assert.deepEqual(await Promise.all(futures), [1, 2, 3, 4, 5]);
    } finally {
      await executor.shutdown();
      await worker?.close();
      await closeAdmin(a);
    }
  });

  test("two executors on one queue never receive each other's results", async () => {
    const queue = freshQueue();
    const worker = await runWorker({
      connection: redis.url,
      queue,
      tasks: [TASKS],
      concurrency: 4,
    });
    const a = new DistributedExecutor({ connection: redis.url, queue });
    const b = new DistributedExecutor({ connection: redis.url, queue });
    try {
      const fa = Array.from({ length: 50 }, (_, i) => a.submit(echo, `a${i}`));
      const fb = Array.from({ length: 50 }, (_, i) => b.submit(echo, `b${i}`));
      assert.deepEqual(
        await Promise.all(fa),
        fa.map((_, i) => `a${i}`),
      );
      assert.deepEqual(
        await Promise.all(fb),
        fb.map((_, i) => `b${i}`),
      );
      assert.equal(a.statistics().completed, 50);
      assert.equal(b.statistics().completed, 50);
    } finally {
      await a.shutdown();
      await b.shutdown();
      await worker.close();
    }
  });

  test('an unregistered task name fails its future clearly, and the worker keeps working', async () => {
    await using executor = executorWithWorker(redis.url);
    await assert.rejects(executor.submit(notOnWorkers), (error: unknown) => {
      assert.ok(error instanceof RemoteError);
      assert.match(error.message, /no task named 'notOnWorkers'/);
      return true;
    });
    assert.equal(await executor.submit(add1, 1), 2);
  });

  test('a worker with pool: process runs the tasks in child processes', async () => {
    await using executor = executorWithWorker(redis.url, { pool: 'process', maxWorkers: 2 });
    const where = await executor.submit(whoAmI);
    assert.equal(await executor.submit(add1, 1), 2);
    assert.notEqual(where.pid, process.pid);
  });

  test('a non-JSON argument or a non-task throws at submit, before anything reaches Redis', async () => {
    await using executor = executorWithWorker(redis.url);
    for (const bad of [new Date(0), 10n, NaN, new Map(), [undefined], { nested: { f: () => 1 } }]) {
      assert.throws(() => executor.submit(echo, bad), SerializationError);
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => executor.submit(echo, circular), /circular/);
    assert.throws(() => executor.submit((x: number) => x, 1), TypeError);
    assert.equal(executor.statistics().queued, 0);
    assert.deepEqual(await executor.submit(echo, { ok: [1, 'two', null, true] }), {
      ok: [1, 'two', null, true],
    });
  });

  test('nothing is executed from data in Redis: a job naming no registered task, or with foreign data, fails', async () => {
    const queue = freshQueue();
    const worker = await runWorker({
      connection: redis.url,
      queue,
      tasks: [TASKS],
      concurrency: 1,
    });
    const a = await admin(redis.url, queue);
    try {
      const jobs = [
        await a.queue.add('constructor', { a: [] }),
        await a.queue.add('process.exit', { a: [1] }),
        await a.queue.add('add1', { code: 'process.exit(1)' }),
      ];
      for (const job of jobs) {
        let state = await job.getState();
        while (state !== 'failed') state = await job.getState();
      }
      const reasons = await Promise.all(
        jobs.map(async (j) => (await a.queue.getJob(j.id!))!.failedReason),
      );
      assert.match(reasons[0]!, /no task named 'constructor'/);
      assert.match(reasons[1]!, /no task named 'process.exit'/);
      assert.match(reasons[2]!, /not a concur task call; it was not run/);
    } finally {
      await closeAdmin(a);
      await worker.close();
    }
  });
});

describe('DistributedExecutor: cancellation and retention', () => {
  test('cancel() on a running task aborts its signal on the worker; the future ends cancelled when the worker acknowledges', async () => {
    await cancelRunningTask({ maxWorkers: 1 }, 'enough');
  });

  test('a cancelled running task whose worker cannot answer ends cancelled after cancelGraceMs', async () => {
    const queue = freshQueue();
    const worker = await spawnWorker(queue, ['--concurrency', '1']);
    const executor = new DistributedExecutor({ connection: redis.url, queue, cancelGraceMs: 300 });
    try {
      const future = executor.submit(sleepThen, 60_000, 1);
      await eventually(() => future.running(), 'the task starting');
      sendSignal(worker, 'SIGSTOP'); // frozen: it cannot see the cancel
      assert.equal(future.cancel('no answer'), true);
      await assert.rejects(
        future,
        (e: unknown) => e instanceof CancelledError && e.message === 'no answer',
      );
      assert.equal(executor.statistics().cancelled, 1);
    } finally {
      sendSignal(worker, 'SIGCONT');
      await executor.shutdown();
      await stopWorker(worker);
    }
  });

  test('cancel() on a waiting task removes its job from Redis', async () => {
    const queue = freshQueue(); // no worker
    const executor = new DistributedExecutor({ connection: redis.url, queue });
    const a = await admin(redis.url, queue);
    try {
      const future = executor.submit(add1, 1);
      let waiting = await a.queue.getWaiting();
      while (waiting.length < 1) waiting = await a.queue.getWaiting();
      assert.equal(future.cancel(), true);
      assert.equal(future.cancelled(), true);
      await executor.shutdown();
      assert.equal(await a.queue.getJob(waiting[0]!.id!), undefined);
    } finally {
      await executor.shutdown();
      await closeAdmin(a);
    }
  });

  test('finished jobs do not accumulate in Redis: keepFinished bounds them', () =>
    withRetention({ keepFinished: { count: 5 } }, async (executor, a) => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => executor.submit(add1, i)));
      const kept = await a.queue.getJobCounts('completed');
      assert.ok(kept.completed! <= 6, `${kept.completed} completed jobs kept`);
    }));

  test('finished jobs older than a long keepFinished.age are trimmed by the executor, the younger ones kept', () =>
    // A tick of 100 ms against an age of a minute: the executor trims by age, not the jobs.
    withRetention(
      { reconcileInterval: 100, keepFinished: { age: 60_000, count: 100 } },
      async (executor, a) => {
        await Promise.all(Array.from({ length: 6 }, (_, i) => executor.submit(add1, i)));
        const ids = (await a.queue.getCompleted()).map((job) => job.id!);
        assert.equal(ids.length, 6);
        // Two of them finished "long ago": their scores in the completed set say so.
        await a.client.zadd(a.queue.toKey('completed'), 'XX', 1, ids[0]!, 2, ids[1]!);
        const deadline = Date.now() + 10_000; // a hang guard, not a timing assertion
        while ((await a.queue.getJobCounts('completed')).completed! > 4) {
          assert.ok(Date.now() < deadline, 'the old jobs were never trimmed');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(await a.queue.getJob(ids[0]!), undefined);
        assert.equal((await a.queue.getJobCounts('completed')).completed, 4);
        assert.notEqual(await a.queue.getJob(ids[5]!), undefined);
      },
    ));
});

/**
 * Runs `body` with a worker, an executor made with `options` and an admin view, all on a
 * fresh queue, and closes them after.
 */
async function withRetention(
  options: Omit<DistributedExecutorOptions, 'connection' | 'queue'>,
  body: (executor: DistributedExecutor, a: Admin) => Promise<void>,
): Promise<void> {
  const queue = freshQueue();
  const worker = await runWorker({ connection: redis.url, queue, tasks: [TASKS], concurrency: 2 });
  const executor = new DistributedExecutor({ connection: redis.url, queue, ...options });
  const a = await admin(redis.url, queue);
  try {
    await body(executor, a);
  } finally {
    await executor.shutdown();
    await worker.close();
    await closeAdmin(a);
  }
}

describe('DistributedExecutor: a worker with pool: none', () => {
  test('an unknown pool, or a bad initializer for the loop, throws TypeError at the call', () => {
    const base = { connection: redis.url, queue: freshQueue(), tasks: [TASKS] };
    assert.throws(() => runWorker({ ...base, pool: 'fork' as 'none' }), {
      name: 'TypeError',
      message: /pool must be 'thread', 'process' or 'none', got 'fork'/,
    });
    assert.throws(
      () => runWorker({ ...base, pool: 'none', initializer: 5 as unknown as () => void }),
      { name: 'TypeError', message: /initializer/ },
    );
    assert.throws(
      () => runWorker({ ...base, pool: 'none', initargs: 'x' as unknown as unknown[] }),
      { name: 'TypeError', message: /initargs must be an array, got 'x'/ },
    );
  });

  test('runs the tasks on its own event loop, with the same results and errors as a pool', async () => {
    await using executor = executorWithWorker(redis.url, { pool: 'none' });
    const where = await executor.submit(whoAmI);
    assert.equal(where.pid, process.pid); // the in-test worker: this process
    assert.equal(where.threadId, 0); // its main thread, no pool thread
    assert.equal(await executor.submit(sleepThen, 5, 7), 7);
    const mapped: number[] = [];
    for await (const r of executor.map(add1, [1, 2, 3, 4, 5], { chunksize: 2 })) mapped.push(r);
    assert.deepEqual(mapped, [2, 3, 4, 5, 6]);
    await assert.rejects(executor.submit(failOn, 3, 3), (error: unknown) => {
      assert.ok(error instanceof RemoteError);
      assert.equal(error.remoteName, 'RangeError');
      assert.match(error.message, /bad input 3/);
      return true;
    });
  });

  test('cancel() on a running task aborts its taskSignal() and ends the future cancelled at once', async () => {
    await cancelRunningTask({ pool: 'none' }, 'stop now');
  });

  test('the initializer runs once on the worker loop before the first job', async () => {
    await using executor = executorWithWorker(redis.url, {
      pool: 'none',
      initializer: recordInit,
      initargs: ['ready', 1],
    });
    assert.deepEqual(await executor.submit(readInit), ['ready', 1]);
  });
});

describe('DistributedExecutor: connection and packaging', () => {
  test('a malformed connection throws TypeError at the constructor', () => {
    for (const connection of ['not a url', 'http://host', 42, null]) {
      assert.throws(
        () => new DistributedExecutor({ connection: connection as string, queue: 'q' }),
        TypeError,
      );
    }
    assert.throws(
      () => new DistributedExecutor({ connection: redis.url, queue: 'a:b' }),
      TypeError,
    );
  });

  test('a password-protected Redis is reached with the password in the URL', async () => {
    const locked = await startRedis({ password: 's3cret' });
    const queue = freshQueue();
    const url = `${locked.url}?password=s3cret`;
    const worker = await runWorker({ connection: url, queue, tasks: [TASKS], concurrency: 1 });
    const executor = new DistributedExecutor({ connection: url, queue });
    try {
      assert.equal(await executor.submit(add1, 41), 42);
    } finally {
      await executor.shutdown();
      await worker.close();
      await locked.stop();
    }
  });

  test('only concur-ts/distributed loads bullmq and ioredis, and only when used', () => {
    const dist = join(root, 'dist');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js')) files.push(path);
      }
    };
    walk(dist);
    // The built package is bundled (scripts/bundle.mjs): the redis modules are in the
    // distributed chunk, which only concur-ts/distributed's files import.
    const loaders = files.filter((f) => /['"](bullmq|ioredis)['"]/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(
      loaders.map((f) => f.slice(dist.length + 1).replace(/-[\w-]+\.js$/, '.js')),
      ['internal/chunks/distributed.js'],
    );
    assert.doesNotMatch(readFileSync(loaders[0]!, 'utf8'), /^import .*(bullmq|ioredis)/m);
    const importers = files.filter(
      (f) => f !== loaders[0] && readFileSync(f, 'utf8').includes(basename(loaders[0]!)),
    );
    assert.deepEqual(importers.map((f) => f.slice(dist.length + 1)).sort(), [
      'distributed/index.js',
      'distributed/runWorker.js',
    ]);
  });
});

/**
 * Starts a task that waits for its signal on a worker made with `options`, cancels it with
 * `msg` once it runs, and checks that its future ends cancelled with that message and that
 * the worker goes on serving.
 */
async function cancelRunningTask(
  options: Parameters<typeof executorWithWorker>[1],
  msg: string,
): Promise<void> {
  await using executor = executorWithWorker(redis.url, options);
  const cells = executor.makeCells();
  const future = executor.submit(signalReason, cells, 0);
  await until(cells, 0);
  await eventually(() => future.running(), 'the running state');
  assert.equal(future.cancel(msg), true);
  await assert.rejects(future, (e: unknown) => e instanceof CancelledError && e.message === msg);
  assert.equal(await executor.submit(add1, 1), 2);
}
