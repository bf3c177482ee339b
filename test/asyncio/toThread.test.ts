/**
 * asyncio.toThread: a task on the default thread pool, awaited from asyncio code.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';

import {
  CancelledError,
  createTask,
  run,
  shutdownDefaultExecutor,
  toThread,
} from 'concur-ts/asyncio';

import { runScript } from '../fixtures/children.js';
import { onlyOn } from '../fixtures/runtime.js';
import { awaitAbort, mul, whoAmI } from '../fixtures/tasks.js';
import { makeCells, until } from '../fixtures/sync.js';

describe('toThread', () => {
  // The default executor lives until shut down, like asyncio's loop default executor.
  afterEach(() => shutdownDefaultExecutor());

  test('toThread runs a task on a worker thread and resolves to its result (test_to_thread)', () =>
    run(async () => {
      assert.equal(await toThread(mul, 6, 7), 42);
      const { name } = await toThread(whoAmI);
      assert.match(name, /^asyncio_\d+$/);
    }));

  test('cancelling the task that awaits toThread aborts the work in the worker (test_to_thread_once_cancelled)', () =>
    run(async () => {
      const cells = makeCells();
      const task = createTask(() => toThread(awaitAbort, cells, 0));
      await until(cells, 0);
      task.cancel();
      await assert.rejects(task, CancelledError);
    }));

  test('shutdownDefaultExecutor stops the default pool; the next toThread starts a new one', () =>
    run(async () => {
      await toThread(mul, 1, 1);
      await shutdownDefaultExecutor();
      assert.equal(await toThread(mul, 2, 3), 6);
    }));

  // In fresh processes: this one loaded the pool engine long ago.
  async function fresh(source: string): Promise<unknown> {
    const { stdout } = await runScript(source, [], { timeout: 30_000 });
    return JSON.parse(stdout.trim());
  }

  test(
    'importing concur/asyncio loads no worker machinery; the first toThread loads it and runs the task',
    onlyOn(
      'node',
      'it reads Node’s process.moduleLoadList, which Bun and Deno keep empty (Bun loads node:worker_threads up front)',
    ),
    async () => {
      // Node 26's own node:util loads worker_threads: what counts is what concur adds to the
      // built-ins concur/asyncio imports.
      const out = await fresh(`
      await Promise.all(['node:util', 'node:v8', 'node:async_hooks'].map((m) => import(m)));
      const builtins = new Set(process.moduleLoadList);
      const { run, toThread } = await import('concur-ts/asyncio');
      const before = process.moduleLoadList.some((m) => !builtins.has(m) && m.includes('worker'));
      const sum = await run(() => toThread((a, b) => a + b, 2, 3));
      const after = process.moduleLoadList.some((m) => m.includes('worker_threads'));
      console.log(JSON.stringify({ before, sum, after }));
    `);
      assert.deepEqual(out, { before: false, sum: 5, after: true });
    },
  );

  test('the first toThread throws at the call for a non-task, and its future carries the task’s error or a cancel', async () => {
    const out = await fresh(`
      import { run, toThread } from 'concur-ts/asyncio';
      let thrown = null;
      try {
        toThread(42);
      } catch (error) {
        thrown = error.name;
      }
      const cancelled = toThread((a) => a, 1);
      cancelled.cancel();
      const failure = await run(() => toThread(() => { throw new RangeError('no'); })).catch((e) => e.message);
      console.log(JSON.stringify({ thrown, cancelled: cancelled.cancelled(), failure }));
    `);
    assert.deepEqual(out, { thrown: 'TypeError', cancelled: true, failure: 'no' });
  });

  test('the default executor never keeps the process alive', async () => {
    const { stdout } = await runScript(
      `import { run, toThread } from 'concur-ts/asyncio';
       console.log(await run(() => toThread((a, b) => a + b, 2, 3)));`,
      [],
      { timeout: 30_000 },
    );
    assert.equal(stdout.trim(), '5');
  });
});
