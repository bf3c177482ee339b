/**
 * DistributedExecutor and workers when Redis is unreachable, goes away, refuses the
 * credentials or speaks TLS the client does not expect; and the event stream under
 * garbage. Real redis-servers (unix sockets, or a free loopback port for TLS), stopped
 * and started again by the tests.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  AuthenticationError,
  ConnectionLostError,
  DistributedExecutor,
  runWorker,
  SerializationError,
} from 'concur-ts/distributed';

import { add1 } from '../fixtures/tasks.js';
import { startRedis, type RedisServer } from '../fixtures/redisServer.js';
import { eventually } from '../fixtures/polling.js';
import { preloadArgs } from '../fixtures/runtime.js';
import { DIST_TASKS, freshQueue, TASKS } from './harness.js';

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const FAIL_RUN = fileURLToPath(new URL('../fixtures/failingBullmqRun.js', import.meta.url));

// A raw Redis client, typed by hand (see DistributedExecutor.test.ts).
interface RawClient {
  llen(key: string): Promise<number>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  xadd(key: string, ...args: string[]): Promise<string>;
  set(key: string, value: string): Promise<unknown>;
  del(key: string): Promise<number>;
  quit(): Promise<unknown>;
}
const peers = { ioredis: 'ioredis' };

async function rawClient(server: RedisServer): Promise<RawClient> {
  const { Redis } = (await import(peers.ioredis)) as {
    Redis: new (options: object) => RawClient;
  };
  return new Redis({ path: server.socket, maxRetriesPerRequest: null });
}

/** Waits until `n` jobs of `queue` wait in Redis (no worker takes them). */
async function waitingJobs(server: RedisServer, queue: string, n: number): Promise<string[]> {
  const client = await rawClient(server);
  try {
    let ids: string[] = [];
    await eventually(
      async () => (ids = await client.lrange(`concur:${queue}:wait`, 0, -1)).length >= n,
      `${n} jobs waiting in Redis`,
      { everyMs: 10 },
    );
    return ids;
  } finally {
    await client.quit();
  }
}

/** A loopback TCP port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function concur(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return concurWith([], ...args);
}

function concurWith(
  nodeArgs: string[],
  ...args: string[]
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // The timeout is a hang guard: the command must end by itself long before.
    execFile(
      process.execPath,
      [...nodeArgs, CLI, ...args],
      { timeout: 60_000 },
      (error, _stdout, stderr) => {
        if (error === null) resolve({ code: 0, stderr });
        else if (typeof error.code === 'number') resolve({ code: error.code, stderr });
        else if (error.killed) reject(new Error(`concur ${args.join(' ')} hung: ${stderr}`));
        else reject(error);
      },
    );
  });
}

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis.stop();
});

describe('DistributedExecutor: Redis unreachable', () => {
  test('a connectTimeout that is not a positive number of milliseconds throws at the call', () => {
    const base = { connection: redis.url, queue: freshQueue() };
    for (const bad of [0, -1, NaN]) {
      assert.throws(() => new DistributedExecutor({ ...base, connectTimeout: bad }), {
        name: 'RangeError',
        message: /connectTimeout must be > 0/,
      });
      assert.throws(() => runWorker({ ...base, tasks: [TASKS], connectTimeout: bad }), RangeError);
    }
    assert.throws(
      () => new DistributedExecutor({ ...base, connectTimeout: '10' as unknown as number }),
      { name: 'TypeError', message: /connectTimeout must be a number of milliseconds, got '10'/ },
    );
  });

  test('with no Redis at all, the futures fail with ConnectionLostError after connectTimeout, submit throws it, and it is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-no-redis-'));
    const executor = new DistributedExecutor({
      connection: `unix://${join(dir, 'nothing.sock')}`,
      queue: freshQueue(),
      connectTimeout: 300,
    });
    const reported: unknown[] = [];
    executor.on('error', (error) => reported.push(error));
    try {
      const future = executor.submit(add1, 1);
      await assert.rejects(future, (error: unknown) => {
        assert.ok(error instanceof ConnectionLostError);
        assert.equal(error.code, 'ERR_CONCUR_CONNECTION_LOST');
        assert.equal((error.cause as { code?: unknown }).code, 'ENOENT');
        assert.match(error.message, /could not be reached for 300 ms/);
        return true;
      });
      assert.throws(() => executor.submit(add1, 2), ConnectionLostError);
      assert.ok(reported.some((e) => e instanceof ConnectionLostError));
      assert.ok(reported.some((e) => (e as { code?: unknown }).code === 'ENOENT'));
    } finally {
      await executor.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Redis stopped for longer than connectTimeout: the waiting futures fail with ConnectionLostError, and the executor works again once Redis is back', async () => {
    const server = await startRedis();
    const queue = freshQueue();
    const executor = new DistributedExecutor({
      connection: server.url,
      queue,
      connectTimeout: 500,
    });
    let worker;
    try {
      const waiting = executor.submit(add1, 1);
      await waitingJobs(server, queue, 1);
      await server.down();
      await assert.rejects(waiting, (error: unknown) => {
        assert.ok(error instanceof ConnectionLostError);
        assert.ok(error.cause instanceof Error);
        return true;
      });
      assert.throws(() => executor.submit(add1, 2), ConnectionLostError);
      await server.up();
      let later: Promise<number> | undefined;
      await eventually(() => {
        try {
          later = executor.submit(add1, 2);
          return true;
        } catch (error) {
          if (error instanceof ConnectionLostError) return false;
          throw error;
        }
      }, 'submit working again');
      worker = await runWorker({ connection: server.url, queue, tasks: [TASKS] });
      assert.equal(await later, 3);
    } finally {
      await executor.shutdown();
      await worker?.close();
      await server.stop();
    }
  });

  test('Redis stopped and back within connectTimeout: every future settles normally, those submitted meanwhile too', async () => {
    const server = await startRedis({ persistence: true });
    const queue = freshQueue();
    const executor = new DistributedExecutor({
      connection: server.url,
      queue,
      connectTimeout: 60_000,
    });
    let worker;
    try {
      const before = [executor.submit(add1, 1), executor.submit(add1, 2)];
      await waitingJobs(server, queue, 2);
      await server.down();
      const meanwhile = executor.submit(add1, 3);
      await eventually(() => executor.lastError !== null, 'the executor noticing the outage');
      await server.up();
      worker = await runWorker({ connection: server.url, queue, tasks: [TASKS] });
      assert.deepEqual(await Promise.all([...before, meanwhile]), [2, 3, 4]);
    } finally {
      await executor.shutdown();
      await worker?.close();
      await server.stop();
    }
  });

  test('a wrong or missing password fails the futures with AuthenticationError at once, and runWorker rejects with it', async () => {
    const locked = await startRedis({ password: 's3cret' });
    try {
      for (const url of [`${locked.url}?password=wrong`, locked.url]) {
        const executor = new DistributedExecutor({
          connection: url,
          queue: freshQueue(),
          connectTimeout: 600_000, // not what ends it
        });
        try {
          await assert.rejects(executor.submit(add1, 1), (error: unknown) => {
            assert.ok(error instanceof AuthenticationError, String(error));
            assert.equal(error.code, 'ERR_CONCUR_AUTHENTICATION');
            assert.match(String((error.cause as Error).message), /WRONGPASS|NOAUTH/);
            return true;
          });
        } finally {
          await executor.shutdown();
        }
        await assert.rejects(
          runWorker({
            connection: url,
            queue: freshQueue(),
            tasks: [TASKS],
            connectTimeout: 600_000,
          }),
          AuthenticationError,
        );
      }
    } finally {
      await locked.stop();
    }
  });
});

describe('concur worker: Redis unreachable or refusing', () => {
  test('concur worker with no Redis on its port prints the error on one line and exits 1', async () => {
    const port = await freePort();
    const { code, stderr } = await concur(
      'worker',
      '--connection',
      `redis://127.0.0.1:${port}`,
      '--queue',
      'q',
      '--tasks',
      fileURLToPath(DIST_TASKS),
      '--connect-timeout',
      '500',
    );
    assert.equal(code, 1, stderr);
    assert.match(stderr, /could not start: ConnectionLostError: .*ECONNREFUSED/);
    assert.doesNotMatch(stderr, /\n\s+at /); // no stack
    assert.doesNotMatch(stderr, /ready/);
  });

  test('concur worker with a wrong password prints an AuthenticationError on one line and exits 1', async () => {
    const locked = await startRedis({ password: 's3cret' });
    try {
      const { code, stderr } = await concur(
        'worker',
        '--connection',
        `${locked.url}?password=wrong`,
        '--queue',
        'q',
        '--tasks',
        fileURLToPath(DIST_TASKS),
      );
      assert.equal(code, 1, stderr);
      assert.match(stderr, /could not start: AuthenticationError: .*WRONGPASS/);
      assert.doesNotMatch(stderr, /\n\s+at /);
    } finally {
      await locked.stop();
    }
  });

  test('--connect-timeout 0 is a usage error', async () => {
    const { code, stderr } = await concur(
      'worker',
      '--connection',
      redis.url,
      '--queue',
      'q',
      '--tasks',
      'x.js',
      '--connect-timeout',
      '0',
    );
    assert.equal(code, 2);
    assert.match(stderr, /--connect-timeout must be an integer >= 1/);
  });

  test('a worker whose BullMQ loop fails does not stop silently: closed rejects, and concur worker reports it and exits 1', async () => {
    // BullMQ's Worker.run() rejecting cannot be provoked from outside; this fixture makes
    // it reject once (in this process, and preloaded into the command's).
    const fixture = (await import(FAIL_RUN)) as { failNextRun: () => void };
    fixture.failNextRun();
    const worker = await runWorker({ connection: redis.url, queue: freshQueue(), tasks: [TASKS] });
    await assert.rejects(worker.closed, /BullMQ's loop failed \(test\)/);
    assert.match(String(worker.lastError), /BullMQ's loop failed/);

    const { code, stderr } = await concurWith(
      preloadArgs(FAIL_RUN),
      'worker',
      '--connection',
      redis.url,
      '--queue',
      freshQueue(),
      '--tasks',
      fileURLToPath(DIST_TASKS),
    );
    assert.equal(code, 1, stderr);
    assert.match(stderr, /stopped taking jobs: Error: BullMQ's loop failed \(test\)/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });
});

describe('DistributedExecutor: the event stream', () => {
  test('a malformed event is skipped and reported, a failing read is retried, and later results still arrive by events', async () => {
    const queue = freshQueue();
    // Reconciliation every ten minutes: within this test only events can settle a future.
    const executor = new DistributedExecutor({
      connection: redis.url,
      queue,
      reconcileInterval: 600_000,
    });
    const reported: unknown[] = [];
    executor.on('error', (error) => reported.push(error));
    const client = await rawClient(redis);
    const stream = `concur:${queue}:events`;
    let worker;
    try {
      const first = executor.submit(add1, 1);
      const [id] = await waitingJobs(redis, queue, 1);
      await client.xadd(
        stream,
        '*',
        'event',
        'completed',
        'jobId',
        id!,
        'returnvalue',
        '{not json',
      );
      await client.xadd(stream, '*', 'event', 'completed', 'jobId', id!);
      await client.xadd(stream, '*', 'garbage', 'x');
      await eventually(() => reported.length >= 2, 'the malformed events being reported');
      assert.ok(reported.every((e) => e instanceof SerializationError));
      assert.match(String(reported[0]), /skipped the malformed event .* of queue/);
      assert.equal(first.done(), false);

      // The stream replaced by a string: every read fails until it is a stream again.
      await client.del(stream);
      await client.set(stream, 'not a stream');
      await eventually(
        () => reported.some((e) => /WRONGTYPE/.test(String(e))),
        'the failing read being reported',
      );
      await client.del(stream);

      worker = await runWorker({ connection: redis.url, queue, tasks: [TASKS] });
      const within = (ms: number): Promise<never> =>
        new Promise((_, reject) => {
          const timer = setTimeout(() => reject(new Error('no result by event')), ms);
          timer.unref();
        });
      assert.equal(await Promise.race([first, within(30_000)]), 2);
      const later = Array.from({ length: 5 }, (_, i) => executor.submit(add1, i));
      assert.deepEqual(await Promise.race([Promise.all(later), within(30_000)]), [1, 2, 3, 4, 5]);
    } finally {
      await executor.shutdown();
      await worker?.close();
      await client.quit();
    }
  });
});

describe('DistributedExecutor: TLS misconfigured', () => {
  const openssl = spawnSync('openssl', ['version']).status === 0;
  test(
    'an untrusted certificate, or a plain connection to the TLS port, fails like an unreachable Redis; the right CA connects',
    { skip: openssl ? false : 'openssl is not installed: no certificate to test with' },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'concur-tls-'));
      const cert = join(dir, 'cert.pem');
      const key = join(dir, 'key.pem');
      const made = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      assert.equal(made.status, 0, 'openssl made the certificate');
      const port = await freePort();
      const server = await startRedis({ tls: { port, cert, key, ca: cert } });
      try {
        for (const connection of [`rediss://127.0.0.1:${port}`, `redis://127.0.0.1:${port}`]) {
          const executor = new DistributedExecutor({
            connection,
            queue: freshQueue(),
            connectTimeout: 1000,
          });
          try {
            await assert.rejects(executor.submit(add1, 1), (error: unknown) => {
              assert.ok(error instanceof ConnectionLostError, connection);
              if (connection.startsWith('rediss:')) {
                // The reason is in the error: the certificate is not trusted.
                assert.match(error.message, /certificate/i);
              }
              return true;
            });
          } finally {
            await executor.shutdown();
          }
        }
        const { readFileSync } = await import('node:fs');
        const trusted = { host: '127.0.0.1', port, tls: { ca: readFileSync(cert) } };
        const queue = freshQueue();
        const executor = new DistributedExecutor({ connection: trusted, queue });
        const worker = await runWorker({ connection: trusted, queue, tasks: [TASKS] });
        try {
          assert.equal(await executor.submit(add1, 41), 42);
        } finally {
          await executor.shutdown();
          await worker.close();
        }
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
