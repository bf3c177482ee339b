import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createTask, gather, getRunningLoop } from 'concur-ts/asyncio';

// The ready queue runs a batch in slices, letting microtasks run between slices. These
// tests use batches far longer than one slice.
describe('the loop’s ready queue', () => {
  test('callSoon callbacks run in first-in first-out order through a batch of 5,000', async () => {
    const ran: number[] = [];
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const loop = getRunningLoop();
    for (let i = 0; i < 5000; i++) loop.callSoon(() => ran.push(i));
    loop.callSoon(resolve);
    await promise;
    assert.deepEqual(
      ran,
      Array.from({ length: 5000 }, (_, i) => i),
    );
  });

  test('a callback scheduled during a batch runs after the whole batch, however long', async () => {
    const ran: string[] = [];
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const loop = getRunningLoop();
    loop.callSoon(() => {
      ran.push('first');
      loop.callSoon(() => {
        ran.push('scheduled during the batch');
        resolve();
      });
    });
    for (let i = 0; i < 3000; i++) loop.callSoon(() => ran.push('batch'));
    await promise;
    assert.equal(ran.length, 3002);
    assert.equal(ran[0], 'first');
    assert.equal(ran.at(-1), 'scheduled during the batch');
    assert.equal(ran.indexOf('scheduled during the batch'), 3001);
  });

  test('a task whose body only awaits settled promises has finished before a task 1,000 places behind it starts', async () => {
    // As an asyncio coroutine that never suspends finishes in its first step: the tasks
    // are not all alive at once, which keeps a million of them cheap.
    const doneWhenStarted: boolean[] = [];
    const tasks = Array.from({ length: 2000 }, (_, i) =>
      createTask(async () => {
        if (i >= 1000) doneWhenStarted.push(tasks[i - 1000]!.done());
        await Promise.resolve(null);
        await Promise.resolve();
        return i;
      }),
    );
    const results = await gather(tasks);
    assert.deepEqual(
      results,
      Array.from({ length: 2000 }, (_, i) => i),
    );
    assert.equal(doneWhenStarted.length, 1000);
    assert.ok(doneWhenStarted.every(Boolean));
  });

  test('a callback that throws is reported and the rest of its batch still runs', async () => {
    const reported: unknown[] = [];
    const loop = getRunningLoop();
    loop.setExceptionHandler((context) => reported.push(context.exception));
    try {
      const ran: number[] = [];
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      for (let i = 0; i < 1000; i++) {
        loop.callSoon(() => {
          if (i % 300 === 0) throw new Error(`boom ${i}`);
          ran.push(i);
        });
      }
      loop.callSoon(resolve);
      await promise;
      assert.equal(ran.length, 996);
      assert.deepEqual(
        reported.map((e) => (e as Error).message),
        ['boom 0', 'boom 300', 'boom 600', 'boom 900'],
      );
    } finally {
      loop.setExceptionHandler(null);
    }
  });
});
