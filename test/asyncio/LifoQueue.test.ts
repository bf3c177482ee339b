import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { LifoQueue, Queue, createTask, run, sleep } from 'concur-ts/asyncio';

describe('LifoQueue', () => {
  test('items come out last in, first out', async () => {
    const q = new LifoQueue<number>();
    for (const i of [1, 3, 2]) await q.put(i);
    const items = [await q.get(), await q.get(), await q.get()];
    assert.deepEqual(items, [2, 3, 1]);
  });

  test('a LifoQueue is a Queue, shown as a LifoQueue', () => {
    const q = new LifoQueue<number>({ maxsize: 2 });
    assert.ok(q instanceof Queue);
    q.putNowait(1);
    assert.equal(inspect(q), '<LifoQueue maxsize=2 qsize=1 unfinished=1>');
  });

  test('a bounded LifoQueue blocks put while full and hands the newest item to get', async () => {
    await run(async () => {
      const q = new LifoQueue<string>(2);
      q.putNowait('a');
      q.putNowait('b');
      const putter = createTask(() => q.put('c'));
      await sleep(0);
      assert.equal(putter.done(), false);
      assert.equal(q.getNowait(), 'b');
      await putter;
      assert.deepEqual([q.getNowait(), q.getNowait()], ['c', 'a']);
    });
  });
});
