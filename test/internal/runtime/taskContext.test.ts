/**
 * The task context is chosen once per process: promise hooks where `AsyncLocalStorage`
 * would switch on async_hooks (Node 20, 22), `AsyncLocalStorage` where it rides on
 * AsyncContextFrame (Node 24+; Bun and Deno, tested in package/runtimes.test.ts), a pure
 * context where the runtime offers neither (browsers). `CONCUR_TASK_CONTEXT` forces one, so
 * each is tested here on this Node, in a fresh process.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { runScript } from '../../fixtures/children.js';
import { onlyOn, runtime } from '../../fixtures/runtime.js';

// Internal state, read from the built module (internals are not in the package's exports).
const { onContextFrames, taskContextKind } = (await import(
  new URL('dist/internal/runtime/taskContext.js', new URL('../../../../', import.meta.url)).href
)) as { onContextFrames: boolean; taskContextKind: string };

/** What a program sees of its tasks under the context `kind`. */
async function observe(kind: string): Promise<Record<string, unknown>> {
  const program = `
    import { createTask, currentTask, gather, Queue, sleep, timeout } from 'concur-ts/asyncio';
    const { taskContextKind } = await import('./dist/internal/runtime/taskContext.js');
    const seen = { kind: taskContextKind };
    const task = createTask(async () => {
      const before = currentTask() === task;
      await sleep(1);
      return { before, afterAwait: currentTask() === task };
    });
    seen.current = await task;
    const queue = new Queue();
    seen.gather = await gather([
      createTask(async () => { await sleep(1); await queue.put(2); return 1; }),
      createTask(async () => queue.get()),
    ]);
    const sleeper = createTask(async () => { await sleep(200); seen.sleptOn = true; return 'done'; });
    seen.sleptOn = false;
    await sleep(1);
    sleeper.cancel();
    try { await sleeper; seen.cancelled = false; } catch (error) { seen.cancelled = error.name; }
    const late = async (block) => {
      try { await timeout(20, block); return 'none'; } catch (error) { return error.name; }
    };
    seen.timeouts = await createTask(async () => {
      await sleep(1); // past the first await: the pure context no longer sees the task
      return [await late(() => sleep(60_000)), await late(async () => { await sleep(300); })];
    });
    console.log(JSON.stringify(seen));`;
  const { stdout: out } = await runScript(program, [], {
    env: { ...process.env, NODE_TEST_CONTEXT: '', CONCUR_TASK_CONTEXT: kind },
  });
  return JSON.parse(out) as Record<string, unknown>;
}

describe('the task context', () => {
  // Bun's AsyncLocalStorage has the method that tells Node's on async_hooks apart, but
  // needs no hooks; Deno's runs on frames.
  const chosen = runtime !== 'node' || onContextFrames ? 'storage' : 'hooks';
  test(
    runtime === 'node'
      ? `this Node gets ${onContextFrames ? 'AsyncLocalStorage (it runs on AsyncContextFrame)' : 'the promise hooks (its AsyncLocalStorage runs on async_hooks)'}`
      : `${runtime === 'bun' ? 'Bun' : 'Deno'} gets AsyncLocalStorage (it needs no promise hooks)`,
    () => {
      assert.equal(taskContextKind, chosen);
    },
  );

  for (const kind of ['hooks', 'storage']) {
    // Bun's and Deno's promise hooks cannot carry a task: forced to them, they keep theirs.
    const gets = kind === 'hooks' && runtime !== 'node' ? 'storage' : kind;
    test(
      kind === gets
        ? `forced to ${kind}, a task sees itself across awaits and a cancel interrupts its sleep`
        : `forced to ${kind}, ${runtime === 'bun' ? 'Bun' : 'Deno'} keeps AsyncLocalStorage (its promise hooks cannot carry a task), and a task sees itself across awaits and a cancel interrupts its sleep`,
      async () => {
        assert.deepEqual(await observe(kind), {
          kind: gets,
          current: { before: true, afterAwait: true },
          gather: [1, 2],
          sleptOn: false,
          cancelled: 'CancelledError',
          timeouts: ['TimeoutError', 'TimeoutError'],
        });
      },
    );
  }

  test(
    onContextFrames
      ? 'importing concur/asyncio and running a task loads neither node:v8 nor node:stream (no promise hooks, stderr not touched)'
      : 'importing concur/asyncio loads neither node:v8 nor node:stream; the first task loads node:v8 for its promise hooks',
    onlyOn(
      'node',
      'it reads Node’s process.moduleLoadList, which Bun and Deno keep empty (Bun loads node:worker_threads up front)',
    ),
    async () => {
      // In a fresh process: node:v8 costs ~1.8 ms and node:stream (which process.stderr
      // and node:v8 load) ~190 KB of young allocations on Node 26, in every program.
      const loads = async (kind: string): Promise<Record<string, string[]>> => {
        const { stdout } = await runScript(
          `const before = new Set(process.moduleLoadList);
           const added = () => process.moduleLoadList
             .filter((m) => !before.has(m) && /^NativeModule (v8|stream)$/.test(m));
           const { createTask, run } = await import('concur-ts/asyncio');
           const imported = added();
           await run(async () => { await createTask(async () => { await null; }); });
           console.log(JSON.stringify({ imported, ranTask: added() }));`,
          [],
          { env: { ...process.env, NODE_TEST_CONTEXT: '', CONCUR_TASK_CONTEXT: kind } },
        );
        return JSON.parse(stdout) as Record<string, string[]>;
      };
      assert.deepEqual(await loads('pure'), { imported: [], ranTask: [] });
      const chosen = await loads('');
      assert.deepEqual(chosen.imported, []);
      if (onContextFrames) assert.deepEqual(chosen.ranTask, []);
      else assert.ok(chosen.ranTask!.includes('NativeModule v8'), String(chosen.ranTask));
    },
  );

  test('forced to pure, a task sees itself until its first await; results, gather, queues and timeout() work; a cancel ends it cancelled when its function returns', async () => {
    assert.deepEqual(await observe('pure'), {
      kind: 'pure',
      current: { before: true, afterAwait: false },
      gather: [1, 2],
      sleptOn: true,
      cancelled: 'CancelledError',
      timeouts: ['TimeoutError', 'TimeoutError'],
    });
  });
});
