import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ProcessPoolExecutor, ThreadPoolExecutor } from 'concur-ts/futures';
import { Queue } from 'concur-ts/multiprocessing';

import { putAll } from './fixtures/threadTasks.js';
import { Children } from './harness.js';

describe('multiprocessing object lifetime', () => {
  test('a queue handed to a child outlives the last handle on it in the owner', async () => {
    await using children = new Children();
    let queue: Queue<number> | null = new Queue<number>();
    await queue.put(7);
    const child = children.start<number>('sum', { queue, n: 1 });
    queue = null;
    (globalThis as { gc?: () => void }).gc?.();
    assert.equal(await child.result, 7);
  });
});

describe('multiprocessing objects in pool workers', () => {
  test('a worker thread of the owner process can use its queue (through the socket)', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    const queue = new Queue<number>();
    assert.equal(await pool.submit(putAll, queue, 100), 100);
    let sum = 0;
    for (let i = 0; i < 100; i++) sum += await queue.get();
    assert.equal(sum, 4950);
  });

  test('a ProcessPoolExecutor task can put on a queue of the submitting process', async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    const queue = new Queue<number>();
    assert.equal(await pool.submit(putAll, queue, 100), 100);
    let sum = 0;
    for (let i = 0; i < 100; i++) sum += await queue.get();
    assert.equal(sum, 4950);
  });
});
