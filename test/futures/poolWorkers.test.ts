/**
 * What a pool promises about its workers, for both pools: `maxWorkers` is a hard limit
 * (tasks shipped to a worker together run one after the other), a finished task's result
 * leaves its worker while later tasks run, a crash or a kill fails only the task that was
 * running, `taskTimeout` times the task's own run, and a worker that dies while starting
 * is replaced rather than breaking the pool.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  BrokenExecutor,
  CancelledError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  TimeoutError,
  type Future,
  type ProcessPoolExecutorOptions,
} from 'concur-ts/futures';

import {
  blockThen,
  firstInitDies,
  ignoreAbortAsync,
  initDies,
  overlapProbe,
  times10,
} from '../fixtures/poolWorkerTasks.js';
import { quick } from '../fixtures/slowImportTasks.js';
import { makeFileCells, release, until } from '../fixtures/sync.js';
import { withPool } from '../fixtures/executors.js';

type Pool = ThreadPoolExecutor | ProcessPoolExecutor;

const kinds: { name: string; make: (options: ProcessPoolExecutorOptions) => Pool }[] = [
  { name: 'ThreadPoolExecutor', make: (options) => new ThreadPoolExecutor(options) },
  { name: 'ProcessPoolExecutor', make: (options) => new ProcessPoolExecutor(options) },
];

/** Resolves with `promise`, or rejects if it has not settled within `guardMs` (a hang guard). */
async function within<T>(promise: PromiseLike<T>, guardMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle (hang guard)`)), guardMs);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** The most intervals (`[start, end]`) that overlap at one instant. */
function mostAtOnce(intervals: readonly (readonly [number, number])[]): number {
  const events: [number, number][] = [];
  for (const [start, end] of intervals) events.push([start, 1], [end, -1]);
  // Ends before starts at the same instant: a task that starts as another ends is not overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, delta] of events) most = Math.max(most, (now += delta));
  return most;
}

/** Runs enough tiny tasks that the pool ships many to a worker at once. */
async function warm(pool: Pool): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await Promise.all(Array.from({ length: 300 }, (_, i) => pool.submit(times10, i)));
  }
}

for (const kind of kinds) {
  describe(`${kind.name}: maxWorkers is a hard limit`, () => {
    for (const maxWorkers of [1, 2]) {
      test(`with maxWorkers: ${maxWorkers}, a warm pool runs at most ${maxWorkers} async task(s) at once, one per worker`, () =>
        withPool(kind.make({ maxWorkers }), async (pool) => {
          await warm(pool);
          const runs = await Promise.all(
            Array.from({ length: 24 }, () => pool.submit(overlapProbe, 3)),
          );
          assert.ok(
            mostAtOnce(runs.map(([, start, end]) => [start, end])) <= maxWorkers,
            `more than ${maxWorkers} ran at once`,
          );
          const byWorker = new Map<string, [number, number][]>();
          for (const [key, start, end] of runs) {
            byWorker.set(key, [...(byWorker.get(key) ?? []), [start, end]]);
          }
          for (const [key, intervals] of byWorker) {
            assert.equal(mostAtOnce(intervals), 1, `worker ${key} ran tasks side by side`);
          }
        }));
    }

    test('concurrentTasksPerWorker lets each worker run that many tasks at once, and no more', () =>
      withPool(kind.make({ maxWorkers: 1, concurrentTasksPerWorker: 3 }), async (pool) => {
        await warm(pool);
        const runs = await Promise.all(
          Array.from({ length: 24 }, () => pool.submit(overlapProbe, 20)),
        );
        const most = mostAtOnce(runs.map(([, start, end]) => [start, end]));
        assert.ok(most <= 3, `${most} ran at once`);
        assert.ok(most >= 2, 'the tasks ran one at a time');
      }));

    test('concurrentTasksPerWorker must be a positive integer', () => {
      assert.throws(() => kind.make({ concurrentTasksPerWorker: 0 }), RangeError);
      assert.throws(() => kind.make({ concurrentTasksPerWorker: 1.5 }), RangeError);
      assert.throws(
        () => kind.make({ concurrentTasksPerWorker: '2' as unknown as number }),
        TypeError,
      );
    });
  });

  describe(`${kind.name}: results leave as tasks finish; a kill fails only its task`, () => {
    test('the results of tiny tasks arrive while a long task shipped with them still runs', () =>
      withPool(kind.make({ maxWorkers: 1 }), async (pool) => {
        await warm(pool);
        const cells = makeFileCells(2);
        const tiny = Array.from({ length: 300 }, (_, i) => pool.submit(times10, i));
        const long = pool.submit(blockThen, cells, 0, 1);
        try {
          const values = await within(Promise.all(tiny), 20_000, 'the tiny tasks');
          assert.deepEqual(
            values,
            tiny.map((_, i) => i * 10),
          );
          assert.equal(long.done(), false);
        } finally {
          release(cells, 1);
        }
        assert.equal(await long, 'released');
      }));

    test('cancelling a task that ignores its signal kills its worker, and the tasks shipped with it still run', () =>
      withPool(kind.make({ maxWorkers: 1, cancelGraceMs: 50 }), async (pool) => {
        await warm(pool);
        const cells = makeFileCells(1);
        const before = Array.from({ length: 4 }, () => pool.submit(overlapProbe, 300));
        const stuck = pool.submit(ignoreAbortAsync, cells, 0);
        const after = Array.from({ length: 4 }, () => pool.submit(overlapProbe, 300));
        await within(until(cells, 0, 30_000), 30_000, 'the stuck task');
        assert.equal(stuck.cancel(), true);
        await assert.rejects(stuck, CancelledError);
        const results = await Promise.allSettled([...before, ...after]);
        assert.deepEqual(
          results.map((r) => r.status),
          Array<string>(8).fill('fulfilled'),
          String(results.find((r) => r.status === 'rejected')?.reason),
        );
      }));

    test('a taskTimeout fails only the task that ran too long, not the finished ones shipped with it', () =>
      withPool(kind.make({ maxWorkers: 1, taskTimeout: 1000, cancelGraceMs: 50 }), async (pool) => {
        await warm(pool);
        const cells = makeFileCells(2);
        const tiny = Array.from({ length: 300 }, (_, i) => pool.submit(times10, i));
        const long = pool.submit(blockThen, cells, 0, 1);
        const results = await Promise.allSettled(tiny);
        assert.ok(results.every((r) => r.status === 'fulfilled'));
        await assert.rejects(long, TimeoutError);
        release(cells, 1);
      }));
  });

  describe(`${kind.name}: taskTimeout times the task's own run`, () => {
    test("a fresh worker's import of the task module does not count against taskTimeout", () =>
      withPool(kind.make({ maxWorkers: 1, taskTimeout: 400 }), async (pool) => {
        // The module takes 800 ms to import in the worker; the task itself microseconds.
        assert.equal(await pool.submit(quick, 1), 2);
      }));

    test('the time a task waits behind another on its worker does not count against taskTimeout', () =>
      withPool(
        kind.make({ maxWorkers: 1, taskTimeout: 300, cancelGraceMs: 20_000 }),
        async (pool) => {
          await warm(pool);
          const cells = makeFileCells(2);
          const first = pool.submit(blockThen, cells, 0, 1);
          const second = pool.submit(times10, 7);
          await until(cells, 0);
          // The first runs past its timeout while the second waits for the worker.
          await assert.rejects(first, TimeoutError);
          await new Promise((resolve) => setTimeout(resolve, 400));
          release(cells, 1);
          assert.equal(await second, 70);
        },
      ));
  });

  describe(`${kind.name}: a worker that dies while starting`, () => {
    test('is replaced, and fails nothing: every task runs on the workers that start', () =>
      withPool(
        kind.make({ maxWorkers: 2, initializer: firstInitDies, initargs: [makeFileCells(1), 0] }),
        async (pool) => {
          const futures: Future<number>[] = Array.from({ length: 20 }, (_, i) =>
            pool.submit(times10, i),
          );
          assert.deepEqual(
            await Promise.all(futures),
            futures.map((_, i) => i * 10),
          );
          assert.equal(await pool.submit(times10, 100), 1000);
        },
      ));

    test('three in a row break the pool with BrokenExecutor, which names the cause', () =>
      withPool(kind.make({ maxWorkers: 1, initializer: initDies }), async (pool) => {
        const future = pool.submit(times10, 1);
        const error = await future.then(
          () => assert.fail('the task ran'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof BrokenExecutor, String(error));
        assert.match(error.message, /3 workers in a row/);
        assert.throws(() => pool.submit(times10, 2), BrokenExecutor);
      }));
  });
}
