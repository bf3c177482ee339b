/**
 * `concur-ts/task`: a module that defines tasks with only what it exports runs them in
 * thread and process pools, and a worker running it loads no pool, future or event-loop
 * code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { currentTask, run, sleep } from 'concur-ts/asyncio';
import {
  InvalidStateError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  TimeoutError,
} from 'concur-ts/futures';
import { isWorker, taskSignal } from 'concur-ts/task';

import { withPool } from '../fixtures/executors.js';
import { inWorker, makeBuffer, untilAborted } from '../fixtures/lightTasks.js';

describe('concur-ts/task: a module of tasks that imports only it', () => {
  for (const [kind, Pool] of [
    ['thread', ThreadPoolExecutor],
    ['process', ProcessPoolExecutor],
  ] as const) {
    test(`its tasks run in a ${kind} pool: isWorker() is true there, transfer() moves a buffer back, taskSignal() is aborted at the taskTimeout`, () =>
      withPool(new Pool({ maxWorkers: 1, taskTimeout: 1000 }), async (pool) => {
        assert.equal(isWorker(), false);
        assert.equal(await pool.submit(inWorker), true);
        const buffer = await pool.submit(makeBuffer, 16);
        assert.ok(buffer instanceof ArrayBuffer);
        assert.equal(buffer.byteLength, 16);
        await assert.rejects(pool.submit(untilAborted), TimeoutError);
      }));
  }

  test('taskSignal() in an asyncio task is the task’s signal; outside any task it throws InvalidStateError', async () => {
    assert.throws(() => taskSignal(), InvalidStateError);
    await run(async () => {
      assert.equal(taskSignal(), currentTask()!.signal);
      await sleep(0);
      assert.equal(taskSignal(), currentTask()!.signal);
    });
  });

  test('what a worker thread loads before its first task (its entry, and concur-ts/task) reaches only the base and worker chunks', () => {
    const reached = new Set<string>();
    const visit = (url: URL): void => {
      if (reached.has(url.href)) return;
      reached.add(url.href);
      const source = readFileSync(url, 'utf8');
      for (const [, specifier] of source.matchAll(
        /\bimport\s*(?:[\w$*{][^;]*?from\s*)?["'](\.[^"']+)["']/g,
      )) {
        visit(new URL(specifier!, url));
      }
    };
    const task = new URL(import.meta.resolve('concur-ts/task'));
    visit(task);
    visit(new URL('../internal/worker/threadMain.js', task));
    const chunks = [...reached]
      .filter((href) => href.includes('/internal/chunks/'))
      .map((href) => href.replace(/^.*\/internal\/chunks\/(.*)-[\w-]{8}\.js$/, '$1'))
      .sort();
    assert.deepEqual(chunks, ['base', 'worker']);
  });
});
