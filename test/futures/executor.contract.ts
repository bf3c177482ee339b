/**
 * The `Executor` contract, as one suite every executor runs: the thread pool today, the
 * process pool and the distributed executor when they land. Each test states a behaviour
 * of CPython's `concurrent.futures` tests (multiprocessing-distributed.md §A.3, numbered)
 * or concur's chosen replacement for it.
 *
 * Call `executorContract({ name, make, … })` from the executor's own test file.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  ALL_COMPLETED,
  asCompleted,
  BrokenExecutor,
  CancelledError,
  Executor,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  InvalidStateError,
  RemoteError,
  SerializationError,
  TimeoutError,
  wait,
  WorkerCrashedError,
  type TaskFn,
} from 'concur-ts/futures';
import { captureExceptions, VirtualClock } from 'concur-ts/testing';

import {
  add1,
  argCount,
  awaitAbort,
  blockThenReadInit,
  blockUntil,
  echo,
  exitMidTask,
  fail,
  failAggregate,
  failInit,
  failOn,
  failWithCode,
  later,
  mul,
  readInit,
  recordInit,
  returnsFunction,
  signalReason,
  valueOrWait,
  whoAmI,
} from '../fixtures/tasks.js';
import {
  collectGarbage,
  makeCells as makeSharedCells,
  release,
  until,
  type Cells,
} from '../fixtures/sync.js';
import { withPool } from '../fixtures/executors.js';

/** Options every executor under test understands. */
export interface ContractExecutorOptions {
  maxWorkers?: number;
  initializer?: TaskFn;
  initargs?: unknown[];
}

/** How to test one executor. */
export interface ExecutorContract {
  /** Shown in the suite's name. */
  name: string;
  /** Makes a fresh executor. */
  make(options?: ContractExecutorOptions): Executor;
  /** Whether a worker can die under a task (fault injection applies). */
  workersCanCrash: boolean;
  /** Whether `cancel()` reaches a running task (concur's pools) or not (Python's). */
  cancelsRunningTasks: boolean;
  /**
   * Makes the handshake cells its tasks and the test share (default: shared memory, for
   * workers in this process; `makeFileCells` for workers in other processes).
   */
  makeCells?: (n?: number) => Cells;
  /** Whether the executor owns and counts its workers (saturation, `statistics().workers`); default true. */
  localWorkers?: boolean;
  /** Whether a failing `initializer` breaks the executor (`BrokenExecutor`); default true. */
  breaksOnFailingInitializer?: boolean;
  /** Whether an argument that cannot be sent throws at the call instead of failing the future; default false. */
  argumentErrorsThrow?: boolean;
  /** Why the executor has no `terminateWorkers()`, if it has none (its tests are skipped). */
  noTerminateWorkers?: string;
}

type WithTerminate = Executor & { terminateWorkers?: () => Promise<void> };

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

/** Registers the contract tests for one executor. */
export function executorContract(contract: ExecutorContract): void {
  const using = <T>(options: ContractExecutorOptions, body: (e: Executor) => Promise<T>) =>
    withPool(contract.make(options), body);
  const makeCells = contract.makeCells ?? makeSharedCells;
  // A test that needs a capability the executor lacks is skipped by name, with the reason
  // (`{ skip: reason }`), so that the report shows what this executor does not do.
  const needs = (capable: boolean | undefined, lacks: string): { skip?: string } =>
    capable === false ? { skip: `${contract.name} ${lacks}` } : {};
  const crash = needs(
    contract.workersCanCrash,
    'has no worker that a task can crash under this test',
  );
  const cancelRunning = needs(
    contract.cancelsRunningTasks,
    'does not cancel a running task (Python’s executors do not either)',
  );
  const local = needs(contract.localWorkers, 'does not own or count its workers');
  // An argument that cannot be sent either fails its future or throws at the call: each
  // executor runs the test of its own behaviour and skips the other by name.
  const failsTheFuture = needs(
    contract.argumentErrorsThrow !== true,
    'throws at the call instead of failing the future',
  );
  const throwsAtTheCall = needs(
    contract.argumentErrorsThrow ?? false,
    'fails the future instead of throwing at the call',
  );
  const breaks = needs(
    contract.breaksOnFailingInitializer,
    'is not broken by a failing initializer',
  );
  const terminates: { skip?: string } =
    contract.noTerminateWorkers === undefined ? {} : { skip: contract.noTerminateWorkers };

  describe(`${contract.name} honours the Executor contract`, () => {
    // -- 1: submit -----------------------------------------------------------------------

    test('submit returns a future that resolves to the result of the task (A.3 #1, test_submit)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        const future = executor.submit(mul, 6, 7);
        assert.ok(future instanceof Future);
        assert.equal(await future, 42);
        assert.equal(future.result(), 42);
      }));

    test('submit passes every argument through, whatever its name (A.3 #1, test_submit_keyword)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        const kwargs = { fn: 'f', self: 's', task: 't' };
        assert.deepEqual(await executor.submit(echo, kwargs), kwargs);
        assert.equal(await executor.submit(argCount, 'fn', 'self', undefined), 3);
      }));

    test('submit without a task throws TypeError at the call (A.3 #1)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        assert.throws(() => executor.submit(undefined as unknown as TaskFn), TypeError);
        assert.throws(() => executor.submit(42 as unknown as TaskFn), TypeError);
      }));

    // -- 2–5: map -----------------------------------------------------------------------

    test('map yields the results in input order (A.3 #2, test_map)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        const inputs = Array.from({ length: 50 }, (_, i) => i);
        assert.deepEqual(
          await collect(executor.map(add1, inputs)),
          inputs.map((x) => x + 1),
        );
      }));

    test('map zips several iterables and stops at the shortest (A.3 #2)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        const results = await collect(executor.map(mul, [1, 2, 3, 4], new Set([10, 20, 30])));
        assert.deepEqual(results, [10, 40, 90]);
      }));

    test('map gives the same results for any chunksize and rejects one below 1 (A.3 #2, test_map_chunksize)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        const inputs = Array.from({ length: 100 }, (_, i) => i);
        const expected = inputs.map((x) => x + 1);
        for (const chunksize of [1, 6, 40, 50]) {
          assert.deepEqual(await collect(executor.map(add1, inputs, { chunksize })), expected);
        }
        assert.throws(() => executor.map(add1, inputs, { chunksize: -1 }), RangeError);
        assert.throws(() => executor.map(add1, inputs, { chunksize: 0 }), RangeError);
      }));

    test('map with a chunksize zips several iterables, awaits async tasks, and throws a failing item’s error when its chunk is reached (A.3 #2, #3)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        const zipped = executor.map(mul, [1, 2, 3, 4, 5], [10, 20, 30, 40], { chunksize: 3 });
        assert.deepEqual(await collect(zipped), [10, 40, 90, 160]);
        assert.deepEqual(
          await collect(executor.map(later, [1, 2, 3, 4, 5], { chunksize: 2 })),
          [1, 2, 3, 4, 5],
        );
        const seen: number[] = [];
        await assert.rejects(async () => {
          const failing = executor.map(failOn, [1, 2, 3, 4, 5, 6], [5, 5, 5, 5, 5, 5], {
            chunksize: 2,
          });
          for await (const value of failing) seen.push(value);
        }, RemoteError);
        assert.deepEqual(seen, [1, 2, 3, 4]);
      }));

    test('leaving a chunked map early stops it: the input is closed and the iterator is done', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        let closed = false;
        function* numbers(): Generator<number> {
          try {
            for (let i = 0; ; i++) yield i;
          } finally {
            closed = true;
          }
        }
        const iterator = executor.map(add1, numbers(), { chunksize: 10, buffersize: 2 });
        const seen: number[] = [];
        for await (const value of iterator) {
          seen.push(value);
          if (value === 15) break;
        }
        assert.deepEqual(
          seen,
          Array.from({ length: 15 }, (_, i) => i + 1),
        );
        assert.equal(closed, true);
        assert.deepEqual(await iterator.next(), { done: true, value: undefined });
      }));

    test('map yields the results before a failing item, then throws that item’s error when it is reached (A.3 #3, test_map_exception)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        const seen: number[] = [];
        const iterator = executor.map(failOn, [1, 2, 3, 4], [3, 3, 3, 3]);
        await assert.rejects(
          async () => {
            for await (const value of iterator) seen.push(value);
          },
          (error: unknown) => error instanceof RemoteError && error.remoteName === 'RangeError',
        );
        assert.deepEqual(seen, [1, 2]);
        assert.deepEqual(await iterator.next(), { done: true, value: undefined });
      }));

    test('map’s timeout runs from the call: finished results come first, then TimeoutError, and the rest is cancelled (A.3 #4, test_map_timeout)', async () => {
      const cells = makeCells();
      await using({ maxWorkers: 2 }, async (executor) => {
        using clock = VirtualClock.install({ autojump: false });
        const iterator = executor.map(valueOrWait, [1, 2, -1, 4], [cells, cells, cells, cells], {
          timeout: 1000,
        });
        assert.deepEqual(await iterator.next(), { done: false, value: 1 });
        assert.deepEqual(await iterator.next(), { done: false, value: 2 });
        const third = iterator.next();
        await until(cells, 0); // the third task runs and will not finish by itself
        clock.advance(1000);
        await assert.rejects(third, TimeoutError);
        assert.deepEqual(await iterator.next(), { done: true, value: undefined });
      });
    });

    test('map without a task or with a non-iterable throws TypeError at the call', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        assert.throws(() => executor.map(undefined as unknown as TaskFn, [1]), TypeError);
        assert.throws(() => executor.map(add1, 5 as unknown as number[]), TypeError);
      }));

    test('map rejects a buffersize below 1 (A.3 #5, test_map_buffersize_value_validation)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        for (const buffersize of [0, -1]) {
          assert.throws(() => executor.map(add1, [1], { buffersize }), RangeError);
        }
        assert.throws(() => executor.map(add1, [1], { buffersize: 1.5 }), TypeError);
      }));

    test('map with a buffersize consumes only that many inputs before a result is read, even from an infinite iterable (A.3 #5, test_map_buffersize_when_buffer_is_full, test_map_buffersize_on_infinite_iterable)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        let consumed = 0;
        function* naturals(): Generator<number> {
          for (let i = 0; ; i++) {
            consumed++;
            yield i;
          }
        }
        const iterator = executor.map(add1, naturals(), { buffersize: 3 });
        assert.equal(consumed, 3);
        const firstFive: number[] = [];
        for await (const value of iterator) {
          firstFive.push(value);
          if (firstFive.length === 5) break;
        }
        assert.deepEqual(firstFive, [1, 2, 3, 4, 5]);
        assert.ok(consumed <= 5 + 3, `consumed ${consumed} inputs`);
      }));

    test('map accepts async iterables and keeps their order', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        async function* numbers(): AsyncGenerator<number> {
          for (let i = 0; i < 20; i++) {
            await Promise.resolve();
            yield i;
          }
        }
        const expected = Array.from({ length: 20 }, (_, i) => i + 1);
        assert.deepEqual(await collect(executor.map(add1, numbers())), expected);
        assert.deepEqual(await collect(executor.map(add1, numbers(), { buffersize: 2 })), expected);
      }));

    // -- 6: maxWorkers ------------------------------------------------------------------

    test('maxWorkers of 0 or -1 throws RangeError showing the value (A.3 #6, test_max_workers_negative)', () => {
      for (const maxWorkers of [0, -1]) {
        assert.throws(
          () => contract.make({ maxWorkers }),
          (error: unknown) =>
            error instanceof RangeError && error.message.includes(String(maxWorkers)),
        );
      }
    });

    // -- 7: references ------------------------------------------------------------------

    test('the executor keeps no reference to finished futures or their results (A.3 #7, test_no_stale_references)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        // In a function of its own, so that no frame of this test holds them.
        const refs = await (async () => {
          const futures = [executor.submit(echo, { big: 'x'.repeat(1000) })];
          const results = await Promise.all(futures);
          return [...futures, ...(results as object[])].map((o) => new WeakRef(o));
        })();
        // Node's IPC channel (process workers) holds the last message(s) it decoded until
        // more arrive: a few more round trips, so that only the executor is judged (one
        // that kept them would keep them through any number).
        for (let i = 0; i < 5; i++) {
          await new Promise((resolve) => setImmediate(resolve));
          collectGarbage();
          if (refs.every((r) => r.deref() === undefined)) break;
          await executor.submit(add1, 0);
        }
        assert.deepEqual(
          refs.map((r) => r.deref() === undefined),
          refs.map(() => true),
        );
      }));

    // -- 8, 14: crashes -----------------------------------------------------------------

    test(
      'a worker that dies mid-task fails only that task with WorkerCrashedError, and the executor keeps working (A.3 #8, our semantics for test_killed_child)',
      crash,
      () =>
        using({ maxWorkers: 2 }, async (executor) => {
          const before = Array.from({ length: 5 }, (_, i) => executor.submit(add1, i));
          const doomed = executor.submit(exitMidTask, 7);
          const after = Array.from({ length: 5 }, (_, i) => executor.submit(add1, 10 + i));
          await assert.rejects(doomed, (error: unknown) => {
            assert.ok(error instanceof WorkerCrashedError);
            assert.equal(error.exitCode, 7);
            return true;
          });
          assert.deepEqual(await Promise.all(before), [1, 2, 3, 4, 5]);
          assert.deepEqual(await Promise.all(after), [11, 12, 13, 14, 15]);
          assert.equal(await executor.submit(add1, 99), 100);
        }),
    );

    test(
      'a worker crashing after shutdown() was called still settles its future, and shutdown resolves (A.3 #14, test_shutdown_deadlock)',
      crash,
      async () => {
        const executor = contract.make({ maxWorkers: 1 });
        const cells = makeCells();
        const doomed = executor.submit(exitMidTask, 3, cells, 0);
        const queued = executor.submit(add1, 1);
        await until(cells, 0);
        const closed = executor.shutdown({ wait: true });
        await assert.rejects(doomed, WorkerCrashedError);
        assert.equal(await queued, 2);
        await closed;
      },
    );

    // -- 9: remote errors ---------------------------------------------------------------

    test('a task’s error arrives as RemoteError with its name, message, code, cause, own properties and the worker’s stack (A.3 #9, test_traceback)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        const error = await executor.submit(fail, 'boom').then(
          () => assert.fail('the task should fail'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof RemoteError);
        assert.equal(error.remoteName, 'TypeError');
        assert.equal(error.message, 'boom');
        assert.equal(error.code, 'E_FIXTURE');
        assert.deepEqual((error as RemoteError & { detail?: unknown }).detail, { attempt: 3 });
        assert.match(error.remoteStack ?? '', /at fail /);
        assert.match(error.stack ?? '', /\[remote TypeError\] boom/);
        assert.ok(error.cause instanceof RemoteError);
        assert.equal(error.cause.remoteName, 'RangeError');
        assert.equal(error.cause.message, 'the cause');
      }));

    test('a task’s error keeps its own code, string or number, so err.code === "ENOENT" matches; without one the code is ERR_CONCUR_REMOTE', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        const failure = (code: string | number | null) =>
          executor.submit(failWithCode, code).then(
            () => assert.fail('the task should fail'),
            (e: unknown) => e,
          );
        const enoent = await failure('ENOENT');
        assert.ok(enoent instanceof RemoteError);
        assert.equal(enoent.code, 'ENOENT');
        assert.equal(enoent.remoteName, 'Error');
        assert.equal((enoent as RemoteError & { errno?: unknown }).errno, -2);
        const numeric = await failure(3);
        assert.ok(numeric instanceof RemoteError);
        assert.equal(numeric.code, 3);
        const none = await failure(null);
        assert.ok(none instanceof RemoteError);
        assert.equal(none.code, 'ERR_CONCUR_REMOTE');
      }));

    test('the members of a task’s AggregateError arrive as RemoteErrors', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        const error = await executor.submit(failAggregate).then(
          () => assert.fail('the task should fail'),
          (e: unknown) => e as RemoteError,
        );
        assert.equal(error.remoteName, 'AggregateError');
        assert.deepEqual(
          error.errors?.map((e) => [e.remoteName, e.message]),
          [
            ['TypeError', 'first'],
            ['RangeError', 'second'],
          ],
        );
      }));

    // -- 12: saturation and reuse -------------------------------------------------------

    test(
      'workers start on demand up to maxWorkers, and an idle worker is reused (A.3 #12, test_saturation, test_idle_process_reuse_one)',
      local,
      () =>
        using({ maxWorkers: 3 }, async (executor) => {
          const sequential = new Set<string>();
          for (let i = 0; i < 5; i++) sequential.add((await executor.submit(whoAmI)).id);
          assert.equal(sequential.size, 1, 'one-at-a-time tasks share one worker');

          const cells = makeCells(8);
          const blocked = [0, 1, 2, 3, 4].map((i) => executor.submit(blockUntil, cells, i, 7));
          try {
            await Promise.all([0, 1, 2].map((i) => until(cells, i)));
            assert.equal(executor.statistics().workers, 3);
          } finally {
            release(cells, 7);
          }
          assert.deepEqual((await Promise.all(blocked)).sort(), [0, 1, 2, 3, 4]);
          assert.equal(executor.statistics().workers, 3);
        }),
    );

    // -- 13: serialisation --------------------------------------------------------------

    test(
      'a non-cloneable argument fails that future at once with SerializationError, and other tasks still run (A.3 #13, test_error_at_task_pickle)',
      failsTheFuture,
      () =>
        using({ maxWorkers: 1 }, async (executor) => {
          const bad = executor.submit(echo, { callback: () => 1 });
          assert.equal(bad.done(), true, 'failed at the call, before any worker saw it');
          assert.ok(bad.exception() instanceof SerializationError);
          assert.equal((bad.exception() as SerializationError).code, 'ERR_CONCUR_SERIALIZATION');
          assert.match((bad.exception() as Error).message, /\.callback/);
          assert.equal(await executor.submit(add1, 1), 2);
        }),
    );

    test(
      'a non-cloneable argument throws SerializationError at the call, naming the path, and other tasks still run',
      throwsAtTheCall,
      () =>
        using({ maxWorkers: 1 }, async (executor) => {
          assert.throws(
            () => executor.submit(echo, { callback: () => 1 }),
            (e: unknown) => e instanceof SerializationError && /\.callback/.test(e.message),
          );
          assert.equal(await executor.submit(add1, 1), 2);
        }),
    );

    test('a result that cannot be cloned fails that future with SerializationError, and the pool stays usable (A.3 #13, test_error_during_result_pickle_on_worker)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        await assert.rejects(executor.submit(returnsFunction), SerializationError);
        assert.equal(await executor.submit(add1, 1), 2);
      }));

    // -- 15–20: shutdown ----------------------------------------------------------------

    test('submit after shutdown throws InvalidStateError "cannot schedule new futures after shutdown" (A.3 #15, test_run_after_shutdown)', async () => {
      const executor = contract.make({ maxWorkers: 1 });
      await executor.shutdown();
      assert.throws(
        () => executor.submit(add1, 1),
        (error: unknown) =>
          error instanceof InvalidStateError &&
          error.message === 'cannot schedule new futures after shutdown',
      );
      await executor.shutdown(); // idempotent
    });

    test('shutdown waits for every queued task to finish (A.3 #16, test_hang_issue12364)', async () => {
      const executor = contract.make({ maxWorkers: 2 });
      const futures = Array.from({ length: 100 }, (_, i) => executor.submit(add1, i));
      await executor.shutdown({ wait: true });
      assert.ok(futures.every((f) => f.done() && !f.cancelled()));
      assert.deepEqual(
        futures.map((f) => f.result()),
        futures.map((_, i) => i + 1),
      );
      assert.equal(executor.statistics().workers, 0);
    });

    test('shutdown with cancelFutures cancels the queued tasks and lets the others finish (A.3 #17, test_cancel_futures)', async () => {
      const executor = contract.make({ maxWorkers: 1 });
      const cells = makeCells();
      const first = executor.submit(blockUntil, cells, 0, 1);
      const rest = Array.from({ length: 50 }, (_, i) => executor.submit(add1, i));
      let closed: Promise<void>;
      try {
        await until(cells, 0);
        closed = executor.shutdown({ wait: true, cancelFutures: true });
      } finally {
        release(cells, 1);
      }
      await closed;
      assert.equal(await first, 0);
      const cancelled = rest.filter((f) => f.cancelled()).length;
      assert.ok(cancelled > 20, `${cancelled} of 50 cancelled`);
      for (const f of rest) if (!f.cancelled()) assert.equal(f.exception(), null);
    });

    test('a future cancelled right after submit does not make shutdown hang (A.3 #18, test_hang_gh94440)', async () => {
      const executor = contract.make({ maxWorkers: 1 });
      const future = executor.submit(add1, 1);
      assert.equal(future.cancel(), true);
      await executor.shutdown({ wait: true });
      assert.equal(future.cancelled(), true);
    });

    test('shutdown({ wait: false }) returns at once and the results still arrive (A.3 #20, test_shutdown_no_wait)', async () => {
      const executor = contract.make({ maxWorkers: 2 });
      const futures = Array.from({ length: 20 }, (_, i) => executor.submit(later, i));
      await executor.shutdown({ wait: false });
      assert.deepEqual(
        await Promise.all(futures),
        futures.map((_, i) => i),
      );
      await executor.shutdown({ wait: true });
    });

    test('await using drains the executor gracefully (A.3 #20, test_context_manager_shutdown)', async () => {
      let futures: Future<number>[] = [];
      {
        await using executor = contract.make({ maxWorkers: 2 });
        futures = Array.from({ length: 10 }, (_, i) => executor.submit(add1, i));
      }
      assert.ok(futures.every((f) => f.done()));
      assert.deepEqual(
        futures.map((f) => f.result()),
        futures.map((_, i) => i + 1),
      );
    });

    // -- 21: initializer ----------------------------------------------------------------

    test('the initializer runs in every worker before its tasks (A.3 #21, test_initializer)', () =>
      using({ maxWorkers: 2, initializer: recordInit, initargs: ['init', 1] }, async (executor) => {
        const cells = makeCells(4);
        // Both tasks must start before either may finish: they run on two workers.
        const futures = [0, 1].map((i) => executor.submit(blockThenReadInit, cells, i, 3));
        try {
          await Promise.all([until(cells, 0), until(cells, 1)]);
        } finally {
          release(cells, 3);
        }
        assert.deepEqual(await Promise.all(futures), [
          ['init', 1],
          ['init', 1],
        ]);
        assert.deepEqual(await executor.submit(readInit), ['init', 1]);
      }));

    test(
      'a failing initializer breaks the executor: pending futures fail with BrokenExecutor and submit throws it (A.3 #21, FailingInitializerMixin)',
      breaks,
      async () => {
        const executor = contract.make({ maxWorkers: 2, initializer: failInit });
        const futures = Array.from({ length: 5 }, (_, i) => executor.submit(add1, i));
        for (const future of futures) {
          await assert.rejects(future, (error: unknown) => {
            assert.ok(error instanceof BrokenExecutor);
            assert.equal(error.code, 'ERR_CONCUR_BROKEN_EXECUTOR');
            assert.ok(error.cause instanceof RemoteError);
            assert.match(error.cause.message, /initializer failed on purpose/);
            return true;
          });
        }
        assert.throws(() => executor.submit(add1, 1), BrokenExecutor);
        await executor.shutdown();
      },
    );

    // -- 22–26: the futures an executor returns -----------------------------------------

    test('wait works on pool futures: FIRST_COMPLETED, FIRST_EXCEPTION and ALL_COMPLETED (A.3 #22)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        const cells = makeCells();
        const blocked = executor.submit(blockUntil, cells, 0, 1);
        const quick = executor.submit(add1, 1);
        const failing = executor.submit(failOn, 1, 1);
        try {
          const first = await wait([blocked, quick], { returnWhen: FIRST_COMPLETED });
          assert.deepEqual([...first.done], [quick]);
          const firstError = await wait([blocked, failing], { returnWhen: FIRST_EXCEPTION });
          assert.deepEqual([...firstError.done], [failing]);
          assert.ok(failing.exception() instanceof RemoteError);
        } finally {
          release(cells, 1);
        }
        const all = await wait([blocked, quick, failing], { returnWhen: ALL_COMPLETED });
        assert.equal(all.done.size, 3);
        assert.equal(all.notDone.size, 0);
      }));

    test('asCompleted yields pool futures as they finish, each once, already-finished ones first (A.3 #23)', () =>
      using({ maxWorkers: 2 }, async (executor) => {
        const done = executor.submit(add1, 0);
        await done;
        const cells = makeCells();
        const blocked = executor.submit(blockUntil, cells, 0, 1);
        const quick = executor.submit(add1, 1);
        const order: Future<number>[] = [];
        try {
          // By hand, not `for await`: TypeScript types a for-await value as `Awaited<T>`,
          // and a future is a thenable (the iterator yields the futures themselves).
          const it = asCompleted([done, blocked, quick, quick])[Symbol.asyncIterator]();
          for (let r = await it.next(); r.done !== true; r = await it.next()) {
            order.push(r.value);
            if (order.length === 2) release(cells, 1);
          }
        } finally {
          release(cells, 1);
        }
        assert.deepEqual(order, [done, quick, blocked]);
      }));

    test('cancel() is true for a queued task and false for a finished one (A.3 #24, test_cancel)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        const cells = makeCells();
        const running = executor.submit(blockUntil, cells, 0, 1);
        try {
          await until(cells, 0);
          const queued = executor.submit(add1, 1);
          assert.equal(queued.cancel(), true);
          assert.equal(queued.cancel(), true, 'cancelling twice stays true');
          assert.equal(queued.cancelled(), true);
          await assert.rejects(queued, CancelledError);
        } finally {
          release(cells, 1);
        }
        assert.equal(await running, 0);
        assert.equal(running.cancel(), false);
        assert.equal(executor.statistics().cancelled, 1);
      }));

    test(
      'cancel() on a running task ends its future cancelled and aborts the task’s signal (A.3 #24, concur’s extension)',
      cancelRunning,
      () =>
        using({ maxWorkers: 1 }, async (executor) => {
          const cells = makeCells();
          const future = executor.submit(signalReason, cells, 0);
          await until(cells, 0);
          assert.equal(future.running(), true);
          assert.equal(future.cancel('enough'), true);
          assert.equal(future.cancelled(), true);
          await assert.rejects(
            future,
            (e: unknown) => e instanceof CancelledError && e.message === 'enough',
          );
          // The worker saw the abort, answered, and is free again.
          assert.equal(await executor.submit(add1, 1), 2);
          const cooperative = executor.submit(awaitAbort, cells, 1);
          await until(cells, 1);
          cooperative.cancel();
          await assert.rejects(cooperative, CancelledError);
        }),
    );

    test('done callbacks of a pool future run once it finishes, in order, and a throwing one does not stop the others (A.3 #25)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        using captured = captureExceptions();
        const calls: string[] = [];
        const future = executor.submit(add1, 1);
        future.addDoneCallback(() => calls.push('first'));
        future.addDoneCallback(() => {
          throw new Error('callback failure');
        });
        future.addDoneCallback((f) => calls.push(`third ${String(f.result())}`));
        await future;
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(calls, ['first', 'third 2']);
        assert.equal(captured.contexts.length, 1);
        future.addDoneCallback(() => calls.push('late'));
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(calls, ['first', 'third 2', 'late']);
      }));

    test('setting the result of a finished pool future throws InvalidStateError (A.3 #26)', () =>
      using({ maxWorkers: 1 }, async (executor) => {
        const future = executor.submit(add1, 1);
        await future;
        assert.throws(() => future.setResult(5), InvalidStateError);
        assert.throws(() => future.setException(new Error('x')), InvalidStateError);
      }));

    // -- 27: terminating ----------------------------------------------------------------

    test(
      'terminateWorkers stops a running task, cancels the queued ones, and then submit throws (A.3 #27, test_force_shutdown_workers)',
      terminates,
      async () => {
        const executor = contract.make({ maxWorkers: 1 }) as WithTerminate;
        assert.equal(typeof executor.terminateWorkers, 'function');
        const cells = makeCells();
        const running = executor.submit(blockUntil, cells, 0, 1);
        const queued = executor.submit(add1, 1);
        await until(cells, 0);
        await executor.terminateWorkers!();
        assert.equal(running.cancelled(), true);
        assert.equal(queued.cancelled(), true);
        assert.throws(() => executor.submit(add1, 1), InvalidStateError);
        assert.equal(executor.statistics().workers, 0);
      },
    );

    test(
      'terminateWorkers on an unused or broken executor does not throw (A.3 #27, test_force_shutdown_workers_not_started_yet)',
      { ...breaks, ...terminates },
      async () => {
        const unused = contract.make({ maxWorkers: 1 }) as WithTerminate;
        const broken = contract.make({ maxWorkers: 1, initializer: failInit }) as WithTerminate;
        await assert.rejects(broken.submit(add1, 1), BrokenExecutor);
        for (const executor of [unused, broken]) {
          assert.equal(typeof executor.terminateWorkers, 'function');
          await executor.terminateWorkers!();
        }
      },
    );

    // -- statistics ---------------------------------------------------------------------

    test('statistics counts the completed, failed and cancelled tasks', local, () =>
      using({ maxWorkers: 1 }, async (executor) => {
        await executor.submit(add1, 1);
        await assert.rejects(executor.submit(failOn, 1, 1), RemoteError);
        const cells = makeCells();
        const running = executor.submit(blockUntil, cells, 0, 1);
        try {
          await until(cells, 0);
          executor.submit(add1, 2).cancel();
          assert.deepEqual(
            { ...executor.statistics() },
            {
              workers: 1,
              busy: 1,
              idle: 0,
              queued: 0,
              running: 1,
              completed: 1,
              failed: 1,
              cancelled: 1,
            },
          );
        } finally {
          release(cells, 1);
        }
        await running;
      }),
    );
  });
}
