/**
 * DistributedExecutor across a Redis restart (persistence on): no future is lost or
 * settled twice. Its own file: its own redis-server.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DistributedExecutor, runWorker } from 'concur-ts/distributed';

import { sleepThen } from '../fixtures/distributedTasks.js';
import { startRedis } from '../fixtures/redisServer.js';
import { eventually } from '../fixtures/polling.js';
import { DIST_TASKS, freshQueue } from './harness.js';

test('restarting Redis (with persistence) in the middle of 1,000 tasks: every future settles once, with its own result', async () => {
  const durable = await startRedis({ persistence: true });
  const queue = freshQueue();
  const worker = await runWorker({
    connection: durable.url,
    queue,
    tasks: [DIST_TASKS],
    concurrency: 16,
  });
  const executor = new DistributedExecutor({
    connection: durable.url,
    queue,
    reconcileInterval: 500,
  });
  try {
    const settledTimes = new Array<number>(1000).fill(0);
    const futures = Array.from({ length: 1000 }, (_, i) => {
      const f = executor.submit(sleepThen, 2, i);
      f.addDoneCallback(() => settledTimes[i]!++);
      return f;
    });
    await eventually(() => futures.filter((f) => f.done()).length >= 100, '100 results');
    await durable.restart();
    const results = await Promise.all(futures);
    assert.deepEqual(
      results,
      futures.map((_, i) => i),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(new Set(settledTimes), new Set([1]));
  } finally {
    await executor.shutdown();
    await worker.close();
    await durable.stop();
  }
});
