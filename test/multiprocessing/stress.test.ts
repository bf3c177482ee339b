import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Event, Lock, Queue } from 'concur-ts/multiprocessing';

import { Children } from './harness.js';

describe('multiprocessing queues under load', () => {
  test('two producers and two consumers: every item arrives exactly once', async () => {
    await using children = new Children();
    const queue = new Queue<number | null>();
    const n = 3000;
    const producers = [0, n].map((from) => children.start('produce', { queue, from, n }));
    const consumers = [1, 2].map(() => children.start<number[]>('consumeUntilNull', { queue }));
    await Promise.all(producers.map((p) => p.result));
    await queue.put(null);
    await queue.put(null);
    const got = (await Promise.all(consumers.map((c) => c.result))).flat().sort((a, b) => a - b);
    assert.deepEqual(
      got,
      Array.from({ length: 2 * n }, (_, i) => i),
    );
    for (const c of consumers) await c.exited;
    assert.equal(await queue.qsize(), 0);
  });

  test('items a consumer prefetched but did not take go back to the queue, in order', async () => {
    await using children = new Children();
    const queue = new Queue<number>();
    for (let i = 0; i < 100; i++) await queue.put(i);
    const child = children.start<number[]>('takeSome', { queue, n: 3 });
    assert.deepEqual(await child.result, [0, 1, 2]);
    await child.exited;
    assert.equal(await queue.qsize(), 97);
    assert.equal(await queue.get(), 3);
  });

  test('a child whose get is cancelled loses no item: the next get has it', async () => {
    await using children = new Children();
    const queue = new Queue<string>();
    const cancelled = new Event();
    const child = children.start('cancelGet', { queue, cancelled });
    await cancelled.wait();
    await queue.put('kept');
    assert.deepEqual(await child.result, ['CancelledError', 'kept']);
  });

  test('a child whose acquire is cancelled holds nothing', async () => {
    await using children = new Children();
    const lock = new Lock();
    const cancelled = new Event();
    await lock.acquire();
    const child = children.start('cancelAcquire', { lock, cancelled });
    await cancelled.wait();
    await lock.release();
    assert.equal(await child.result, 'CancelledError');
    assert.equal(await lock.acquire({ blocking: false }), true);
    await lock.release();
  });
});
