/**
 * ThreadPoolExecutor: the Executor contract, then what only a pool of worker threads
 * does — fault injection, cancellation of running tasks, timeouts, transfer, task
 * references and by-source functions, lifetime of the process.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import type { ResourceLimits } from 'node:worker_threads';

import { defineTask } from 'concur-ts';
import {
  CancelledError,
  RemoteError,
  SerializationError,
  ThreadPoolExecutor,
  TimeoutError,
  WorkerCrashedError,
} from 'concur-ts/futures';
import { Lock } from 'concur-ts/threading';

import { executorContract } from './executor.contract.js';
import {
  add1,
  awaitAbort,
  byteLength,
  describeArgs,
  echo,
  exceedMemory,
  exitMidTask,
  failOn,
  finishAfterAbort,
  ignoreAbort,
  later,
  makeBytes,
  readInit,
  recordInit,
  returnsClassInstance,
  returnsHiddenFunction,
  returnsThrowingGetter,
  signalAfterAwait,
  strayThrow,
  sumSquares,
  throwValue,
  whoAmI,
} from '../fixtures/tasks.js';
import { isSet, setCell } from '../fixtures/cells.js';
import { makeCells, until } from '../fixtures/sync.js';
import { runScript, withFlags } from '../fixtures/children.js';
import { onlyOn, runtime } from '../fixtures/runtime.js';
import { withPool } from '../fixtures/executors.js';

/** Bun ignores heap limits and Deno never reports a worker that hits one: concur refuses them there. */
const NO_HEAP_LIMITS =
  process.versions['bun'] !== undefined || 'Deno' in globalThis
    ? 'resourceLimits throw UnsupportedRuntimeError on Bun and Deno (package/runtimes.test.ts)'
    : undefined;

executorContract({
  name: 'ThreadPoolExecutor',
  make: (options) => new ThreadPoolExecutor(options),
  workersCanCrash: true,
  cancelsRunningTasks: true,
});

describe('ThreadPoolExecutor: faults stay with their task', () => {
  test('process.exit() in a task fails it with WorkerCrashedError carrying the exit code; the pool replaces the worker', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const first = (await pool.submit(whoAmI)).threadId;
      await assert.rejects(pool.submit(exitMidTask, 9), (error: unknown) => {
        assert.ok(error instanceof WorkerCrashedError);
        assert.equal(error.code, 'ERR_CONCUR_WORKER_CRASHED');
        assert.equal(error.exitCode, 9);
        assert.match(error.message, /task "exitMidTask" did not finish/);
        return true;
      });
      const second = (await pool.submit(whoAmI)).threadId;
      assert.notEqual(second, first);
    }));

  test(
    'a task that exceeds resourceLimits fails with WorkerCrashedError (out of memory) and the pool stays usable',
    { skip: NO_HEAP_LIMITS },
    () =>
      withPool(
        new ThreadPoolExecutor({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 24 } }),
        async (pool) => {
          await assert.rejects(pool.submit(exceedMemory), (error: unknown) => {
            assert.ok(error instanceof WorkerCrashedError);
            assert.match(error.message, /ran out of memory/);
            assert.equal((error.cause as { code?: string }).code, 'ERR_WORKER_OUT_OF_MEMORY');
            return true;
          });
          assert.equal(await pool.submit(add1, 1), 2);
        },
      ),
  );

  test('an uncaught error thrown from a task’s stray callback fails the tasks running on that worker only', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 2 }), async (pool) => {
      const cells = makeCells();
      const doomed = pool.submit(strayThrow, cells, 0);
      await assert.rejects(doomed, (error: unknown) => {
        assert.ok(error instanceof WorkerCrashedError);
        assert.match(error.message, /uncaught error/);
        assert.match((error.cause as Error).message, /stray error/);
        return true;
      });
      assert.deepEqual(await Promise.all([1, 2, 3].map((x) => pool.submit(add1, x))), [2, 3, 4]);
    }));

  test('a result whose serialisation throws fails that future with SerializationError carrying the cause', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      await assert.rejects(pool.submit(returnsThrowingGetter), (error: unknown) => {
        assert.ok(error instanceof SerializationError);
        assert.match(error.message, /getter exploded/);
        assert.ok(error.cause instanceof RemoteError);
        return true;
      });
      assert.equal(await pool.submit(add1, 1), 2);
    }));

  test('an argument that only the serialiser can refuse fails its own future; the rest of its batch runs', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      // Past the 10 000-node budget of the check at submit: only postMessage sees the function.
      const hidden: unknown[] = Array.from({ length: 20_000 }, (_, i) => ({ i }));
      hidden.push(() => 'hidden');
      const batch = [pool.submit(add1, 1), pool.submit(echo, hidden), pool.submit(add1, 2)];
      const [first, bad, last] = await Promise.allSettled(batch);
      assert.deepEqual(first, { status: 'fulfilled', value: 2 });
      assert.deepEqual(last, { status: 'fulfilled', value: 3 });
      assert.equal(bad!.status, 'rejected');
      assert.ok((bad as PromiseRejectedResult).reason instanceof SerializationError);
    }));

  test('a result that only the serialiser can refuse fails its own future; the rest of its batch is delivered', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const batch = [
        pool.submit(add1, 1),
        pool.submit(returnsHiddenFunction),
        pool.submit(add1, 2),
      ];
      const [first, bad, last] = await Promise.allSettled(batch);
      assert.deepEqual(first, { status: 'fulfilled', value: 2 });
      assert.deepEqual(last, { status: 'fulfilled', value: 3 });
      assert.equal(bad!.status, 'rejected');
      const reason = (bad as PromiseRejectedResult).reason as SerializationError;
      assert.ok(reason instanceof SerializationError);
      assert.match(reason.message, /could not be serialised/);
    }));

  test('a class instance with private state, as argument or result, is refused with SerializationError instead of arriving damaged', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      class Counter {
        #count = 0;
        increment(): number {
          return ++this.#count;
        }
      }
      const argument = pool.submit(echo, new Counter());
      assert.ok(argument.exception() instanceof SerializationError);
      assert.match((argument.exception() as Error).message, /instance of Counter/);
      await assert.rejects(pool.submit(returnsClassInstance), /instance of Point/);
    }));

  test('a task that ignores its abort past cancelGraceMs has its worker terminated and replaced; queued tasks still run', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1, cancelGraceMs: 50 }), async (pool) => {
      const cells = makeCells();
      const stuck = pool.submit(ignoreAbort, cells, 0);
      const queued = pool.submit(add1, 41);
      await until(cells, 0);
      const before = pool.statistics();
      assert.equal(stuck.cancel(), true);
      await assert.rejects(stuck, CancelledError);
      assert.equal(await queued, 42, 'the task behind it ran on the replacement worker');
      assert.equal(before.workers, 1);
    }));

  test('taskTimeout fails a task that runs too long with TimeoutError and aborts its signal', () =>
    // The timeout also bounds the follow-up task, which may pay a worker start-up on a
    // loaded machine: generous, so the test does not depend on the machine's speed.
    withPool(new ThreadPoolExecutor({ maxWorkers: 1, taskTimeout: 1000 }), async (pool) => {
      const cooperative = pool.submit(awaitAbort);
      await assert.rejects(cooperative, (error: unknown) => {
        assert.ok(error instanceof TimeoutError);
        assert.match(error.message, /taskTimeout of 1000 ms/);
        return true;
      });
      assert.equal(await pool.submit(add1, 1), 2);
    }));

  test('taskTimeout terminates and replaces the worker of a task that ignores the abort', () =>
    // Generous for the same reason: add1 runs on a freshly started replacement worker.
    withPool(
      new ThreadPoolExecutor({ maxWorkers: 1, taskTimeout: 1000, cancelGraceMs: 30 }),
      async (pool) => {
        const cells = makeCells();
        await assert.rejects(pool.submit(ignoreAbort, cells, 0), TimeoutError);
        assert.equal(await pool.submit(add1, 1), 2);
      },
    ));
});

describe('ThreadPoolExecutor: durations past what setTimeout takes (2^31 ms)', () => {
  test('with cancelGraceMs Infinity a cancelled task that ignores its abort is never terminated: it finishes later on the same worker', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1, cancelGraceMs: Infinity }), async (pool) => {
      const cells = makeCells();
      const { threadId } = await pool.submit(whoAmI);
      const stuck = pool.submit(finishAfterAbort, cells, 0);
      await until(cells, 0);
      assert.equal(stuck.cancel(), true);
      await assert.rejects(stuck, CancelledError);
      await until(cells, 1); // the abort reached the task, after its grace timer was set
      // A grace timer that overflowed to 1 ms was set before this one, so fires first.
      await new Promise((resolve) => setTimeout(resolve, 2));
      setCell(cells, 2);
      const after = await pool.submit(whoAmI);
      assert.ok(isSet(cells, 3), 'the cancelled task ran to its end');
      assert.equal(after.threadId, threadId, 'on the worker it started on');
    }));

  test('a taskTimeout and an idleTimeout of 2^31 ms or more neither fire nor print a TimeoutOverflowWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    try {
      await withPool(
        new ThreadPoolExecutor({ maxWorkers: 1, taskTimeout: 2 ** 31, idleTimeout: 2 ** 32 }),
        async (pool) => {
          const first = await pool.submit(whoAmI);
          assert.equal(await pool.submit(later, 7), 7);
          await new Promise((resolve) => setImmediate(resolve)); // the worker is idle now
          const second = await pool.submit(whoAmI);
          assert.equal(second.threadId, first.threadId, 'the idle worker was kept');
        },
      );
      // process.emitWarning delivers on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });
});

describe('ThreadPoolExecutor: data shaped like an encoded primitive stays data', () => {
  const forged = { __concur: 'mp.Lock', state: { address: '/some/socket', id: 1, pid: 1 } };

  test('an argument shaped like a shared Lock, next to a real Lock, arrives and comes back as the same plain object', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const lock = new Lock();
      const [inWorker, back] = await pool.submit(describeArgs, [lock, forged]);
      assert.deepEqual(inWorker, ['Lock', 'Object']);
      assert.ok(back[0] instanceof Lock);
      assert.deepEqual(back[1], forged);
    }));

  test('initargs shaped like a shared Lock reach the initializer as the same plain object', () =>
    withPool(
      new ThreadPoolExecutor({ maxWorkers: 1, initializer: recordInit, initargs: [forged] }),
      async (pool) => {
        assert.deepEqual(await pool.submit(readInit), [forged]);
      },
    ));
});

describe('ThreadPoolExecutor: tasks and their values', () => {
  test('nothing a task printed is lost when the pool shuts down right after it, and what the program prints after shutdown() comes after it', async () => {
    // 20 000 lines fill the pipe to the parent, so the worker's output is still on its way
    // to process.stdout when the thread exits (as Python's threads share sys.stdout, the
    // order holds).
    for (let run = 0; run < 3; run++) {
      const { stdout } = await runScript(`import { ThreadPoolExecutor } from 'concur-ts/futures';
        const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
        await pool.submit((n) => { for (let i = 0; i < n; i++) console.log('line ' + i); }, 20000);
        await pool.shutdown();
        process.stdout.write('shut down\\n');`);
      const lines = stdout.trimEnd().split('\n');
      assert.equal(lines.filter((line) => line.startsWith('line ')).length, 20000);
      assert.deepEqual(lines.slice(-2), ['line 19999', 'shut down'], `run ${run}`);
    }
  });

  test('a self-contained function is sent by source', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      assert.equal(await pool.submit((a: number, b: number) => a * b, 6, 7), 42);
      assert.equal(await pool.submit(async (s: string) => s.toUpperCase(), 'ok'), 'OK');
      const methods = {
        triple(this: void, x: number): number {
          return x * 3;
        },
      };
      assert.equal(await pool.submit(methods.triple, 5), 15);
    }));

  test('a by-source function that uses an outer variable fails with an error saying it must be self-contained', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      // Mutable, so that no transpiler can put its value into the function (Bun inlines
      // an outer constant, which makes the function self-contained there).
      let factor = 1;
      factor += 2;
      await assert.rejects(
        pool.submit((x: number) => x * factor, 2),
        (error: unknown) => {
          assert.ok(error instanceof ReferenceError);
          assert.equal(
            (error as ReferenceError & { code?: string }).code,
            'ERR_CONCUR_NOT_SELF_CONTAINED',
          );
          assert.match(error.message, /self-contained/);
          assert.match(error.message, /factor is not defined/);
          assert.match(error.message, /Pass the value as an argument/);
          return true;
        },
      );
    }));

  test('built-in and bound functions cannot be sent by source: TypeError at the call', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      assert.throws(() => pool.submit(Math.max, 1, 2), TypeError);
      assert.throws(() => pool.submit(add1.bind(null), 1), TypeError);
    }));

  test('a task defined in a module that does not register it fails with an error naming the module and the task', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const phantom = defineTask('file:///nonexistent/tasks.js', function phantom() {
        return 1;
      });
      await assert.rejects(pool.submit(phantom), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.equal((error as TypeError & { code?: string }).code, 'ERR_CONCUR_UNKNOWN_TASK');
        assert.match(error.message, /file:\/\/\/nonexistent\/tasks\.js/);
        assert.match(error.message, /"phantom"/);
        assert.match(error.message, /failed to load/);
        return true;
      });
      // A module that loads in a worker wherever the pool runs (a test file need not: Bun's
      // workers cannot load one), and does not define this task.
      const tasksModule = new URL('../fixtures/tasks.js', import.meta.url).href;
      const unregistered = defineTask(tasksModule, function notAtTopLevel() {
        return 1;
      });
      await assert.rejects(pool.submit(unregistered), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /"notAtTopLevel" is not defined in/);
        assert.match(error.message, /top level/);
        return true;
      });
    }));

  test('defineTask refuses an anonymous function, a missing URL and a name used twice in a module', () => {
    assert.throws(
      () =>
        defineTask(
          import.meta.url,
          (
            () => () =>
              1
          )(),
        ),
      /named task: .*\{ name: "sumSquares" \}.*minifier removed it: keep names \(esbuild --keep-names, terser keep_fnames\)/,
    );
    assert.throws(
      () => defineTask(undefined as unknown as string, function x() {}),
      /import\.meta\.url/,
    );
    defineTask(import.meta.url, function twice() {});
    assert.throws(() => defineTask(import.meta.url, function twice() {}), /already defined/);
  });

  test('a thrown non-error value arrives as itself', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      await assert.rejects(
        pool.submit(throwValue, 'plain string'),
        (e: unknown) => e === 'plain string',
      );
      await assert.rejects(pool.submit(throwValue, { code: 7 }), (e: unknown) => {
        assert.deepEqual(e, { code: 7 });
        return true;
      });
    }));

  test('submitWith({ transfer }) moves an ArrayBuffer to the worker instead of copying it', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const buffer = new ArrayBuffer(1024);
      assert.equal(await pool.submitWith({ transfer: [buffer] }, byteLength, buffer), 1024);
      assert.equal(buffer.byteLength, 0, 'detached here');
    }));

  test('a task returning transfer(value, list) moves its buffer back', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const bytes = await pool.submit(makeBytes, 16);
      assert.ok(bytes instanceof Uint8Array);
      assert.deepEqual([...bytes], new Array(16).fill(7));
    }));

  test('taskSignal() after the task’s first await fails with InvalidStateError', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      await assert.rejects(pool.submit(signalAfterAwait), (error: unknown) => {
        assert.ok(error instanceof RemoteError);
        assert.equal(error.remoteName, 'InvalidStateError');
        assert.match(error.message, /before its first await/);
        return true;
      });
    }));

  test('a burst of 20 000 tiny tasks all complete, in any number of workers', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 2 }), async (pool) => {
      const futures = Array.from({ length: 20_000 }, (_, i) => pool.submit(add1, i));
      const results = await Promise.all(futures);
      assert.ok(results.every((r, i) => r === i + 1));
      assert.equal(pool.statistics().completed, 20_000);
    }));

  test('long tasks spread over every worker rather than queueing behind one', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 2 }), async (pool) => {
      const futures = Array.from({ length: 4 }, () => pool.submit(sumSquares, 5_000_000));
      await Promise.all(futures);
      assert.equal(pool.statistics().workers, 2);
    }));
});

describe('ThreadPoolExecutor: map', () => {
  // Python's ThreadPoolExecutor.map ignores chunksize: each item is its own task.
  test('map ignores chunksize: an item after the failing one is not lost with its chunk, so [1..6] failing at 5 yields 1, 2, 3, 4 then the error', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 2 }), async (pool) => {
      const seen: number[] = [];
      const failing = pool.map(failOn, [1, 2, 3, 4, 5, 6], [5, 5, 5, 5, 5, 5], { chunksize: 3 });
      await assert.rejects(async () => {
        for await (const value of failing) seen.push(value);
      }, /bad input 5/);
      assert.deepEqual(seen, [1, 2, 3, 4]);
    }));
});

describe('ThreadPoolExecutor: options and introspection', () => {
  test('bad options throw at the constructor with the offending value', () => {
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 1.5 }), /got 1\.5/);
    assert.throws(
      () => new ThreadPoolExecutor({ maxWorkers: '2' as unknown as number }),
      TypeError,
    );
    assert.throws(() => new ThreadPoolExecutor({ idleTimeout: -1 }), RangeError);
    assert.throws(() => new ThreadPoolExecutor({ taskTimeout: -5 }), RangeError);
    assert.throws(() => new ThreadPoolExecutor({ cancelGraceMs: Number.NaN }), RangeError);
    assert.throws(
      () => new ThreadPoolExecutor({ initializer: 'x' as unknown as () => void }),
      TypeError,
    );
    assert.throws(
      () => new ThreadPoolExecutor({ initializer: add1, initargs: [() => 1] as never }),
      SerializationError,
    );
  });

  test('resourceLimits is checked at the constructor: an object of known fields, each a number large enough for a worker to start', () => {
    const make = (resourceLimits: unknown) => () =>
      new ThreadPoolExecutor({ resourceLimits: resourceLimits as ResourceLimits });
    assert.throws(make('x'), { name: 'TypeError', message: /resourceLimits must be an object/ });
    assert.throws(make({ maxOldGenerationSizeMB: 64 }), {
      name: 'TypeError',
      message: /resourceLimits has no field 'maxOldGenerationSizeMB'.*maxOldGenerationSizeMb/,
    });
    assert.throws(make({ stackSizeMb: '4' }), {
      name: 'TypeError',
      message: /resourceLimits.stackSizeMb must be a number of megabytes, got '4'/,
    });
    for (const bad of [-1, 0, 1, Number.NaN, Infinity]) {
      assert.throws(make({ maxOldGenerationSizeMb: bad }), {
        name: 'RangeError',
        message: new RegExp(`maxOldGenerationSizeMb must be .*got ${String(bad)}`),
      });
    }
    assert.throws(make({ maxYoungGenerationSizeMb: -1 }), RangeError);
    assert.throws(make({ codeRangeSizeMb: 0 }), RangeError);
    assert.throws(make({ stackSizeMb: 0.1 }), {
      name: 'RangeError',
      message: /stackSizeMb must be at least 1/,
    });
  });

  test(
    'resourceLimits at the smallest accepted values still run tasks',
    { skip: NO_HEAP_LIMITS },
    () =>
      withPool(
        new ThreadPoolExecutor({
          maxWorkers: 1,
          resourceLimits: {
            maxOldGenerationSizeMb: 16,
            stackSizeMb: 1,
            maxYoungGenerationSizeMb: 1,
          },
        }),
        async (pool) => {
          assert.equal(await pool.submit(add1, 1), 2);
        },
      ),
  );

  test('the pool shows its state when inspected', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 3 }), async (pool) => {
      await pool.submit(add1, 1);
      assert.equal(
        inspect(pool),
        '<ThreadPoolExecutor maxWorkers=3 workers=1 busy=0 queued=0 completed=1>',
      );
    }));

  test('idle workers exit after idleTimeout', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1, idleTimeout: 10 }), async (pool) => {
      await pool.submit(add1, 1);
      const deadline = Date.now() + 10_000; // hang guard
      while (pool.statistics().workers > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(pool.statistics().workers, 0);
      assert.equal(await pool.submit(add1, 2), 3, 'a new worker starts on demand');
    }));

  test('workers have Python-style names, shown by currentThread() inside them', () =>
    withPool(
      new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'crawler' }),
      async (pool) => {
        assert.equal((await pool.submit(whoAmI)).name, 'crawler_0');
      },
    ));

  test('submitWith rejects options that are not an object', () =>
    withPool(new ThreadPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      assert.throws(() => pool.submitWith(null as never, add1, 1), TypeError);
      assert.throws(() => pool.submitWith({ transfer: 'x' as never }, add1, 1), TypeError);
    }));
});

describe('ThreadPoolExecutor: the process lifetime', () => {
  test('an idle pool never keeps the process alive', async () => {
    const { stdout } = await runScript(`
      import { ThreadPoolExecutor } from 'concur-ts/futures';
      const pool = new ThreadPoolExecutor({ maxWorkers: 2, idleTimeout: Infinity });
      console.log(await pool.submit((x) => x + 1, 1));
    `);
    assert.equal(stdout.trim(), '2');
  });

  test(
    'a pool and its worker thread run their first task without loading perf_hooks (its first load cost a thread 1.5 ms before its first task), and the pool without node:os or node:module (0.4–0.8 ms at start-up)',
    onlyOn(
      'node',
      'it reads Node’s process.moduleLoadList, which Bun and Deno keep empty (and their performance is no lazy global)',
    ),
    async () => {
      const { stdout } = await runScript(`
      import { ThreadPoolExecutor } from 'concur-ts/futures';
      const perfHooks = () => process.moduleLoadList.some((m) => m.includes('perf_hooks'));
      const pool = new ThreadPoolExecutor({ maxWorkers: 1, taskTimeout: 60_000, idleTimeout: 60_000 });
      const inWorker = await pool.submit(() =>
        process.moduleLoadList.some((m) => m.includes('perf_hooks')),
      );
      await pool.shutdown();
      const builtins = ['os', 'module'].filter((id) => process.moduleLoadList.includes('NativeModule ' + id));
      console.log(JSON.stringify({ inWorker, inMain: perfHooks(), builtins }));
    `);
      assert.deepEqual(JSON.parse(stdout), { inWorker: false, inMain: false, builtins: [] });
    },
  );

  const v8Flags = ['--max-old-space-size=256', '--stack-size=900'];
  test(
    'workers start under V8 flags and --input-type, which they cannot take themselves',
    withFlags(v8Flags),
    async () => {
      const { stdout } = await runScript(
        `
      import { ThreadPoolExecutor } from 'concur-ts/futures';
      const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      console.log(await pool.submit((x) => x * 2, 21));
      await pool.shutdown();
    `,
        v8Flags,
      );
      assert.equal(stdout.trim(), '42');
    },
  );

  test('a program that ends with work in flight still runs it, and exits cleanly once it is done (A.3 #19, test_interpreter_shutdown)', async () => {
    const { stdout, stderr } = await runScript(`
      import { ThreadPoolExecutor } from 'concur-ts/futures';
      const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      pool.submit(async () => { await new Promise((r) => setTimeout(r, 50)); console.log('apple'); });
    `);
    assert.equal(stdout.trim(), 'apple');
    assert.equal(stderr, '');
  });

  test('submit from an exit hook throws "cannot schedule new futures after interpreter shutdown" (A.3 #19, test_submit_after_interpreter_shutdown)', async () => {
    const { stdout } = await runScript(`
      import { ThreadPoolExecutor } from 'concur-ts/futures';
      const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      process.on('exit', () => {
        try { pool.submit((x) => x, 1); } catch (e) { console.log(e.name + ': ' + e.message); }
      });
    `);
    assert.equal(
      stdout.trim(),
      'InvalidStateError: cannot schedule new futures after interpreter shutdown',
    );
  });

  // Node 22.6+ strips types itself (flag), 23.6+ by default; this machine's Node 20 cannot.
  // Bun and Deno always do (runScript drops the flags there).
  const stripTypes =
    runtime !== 'node' || process.allowedNodeEnvironmentFlags.has('--experimental-strip-types');
  test(
    'a task module written in TypeScript runs under Node’s own type stripping (workers inherit it)',
    {
      skip: stripTypes
        ? false
        : `Node ${process.version} has no --experimental-strip-types (added in 22.6); the TypeScript loader test covers .ts task modules here`,
    },
    async () => {
      const { stdout } = await runScript(
        `
        import { ThreadPoolExecutor } from 'concur-ts/futures';
        import { shout } from './test/fixtures/ts/shout.ts';
        const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
        console.log(await pool.submit(shout, 'stripped'));
        await pool.shutdown();
      `,
        ['--experimental-strip-types', '--no-warnings'],
      );
      assert.equal(stdout.trim(), 'STRIPPED!');
    },
  );

  test(
    'a task module written in TypeScript runs when the program runs under a TypeScript loader (workers inherit execArgv)',
    onlyOn(
      'node',
      'a loader registered with --import is Node’s way to run TypeScript; Bun and Deno run it themselves (the type-stripping test covers them)',
    ),
    async () => {
      const loader = new URL('../../../test/fixtures/ts/register.mjs', import.meta.url).href;
      const { stdout } = await runScript(
        `
      import { ThreadPoolExecutor } from 'concur-ts/futures';
      import { shout } from './test/fixtures/ts/shout.ts';
      const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      console.log(await pool.submit(shout, 'typed'));
      await pool.shutdown();
    `,
        ['--import', loader],
      );
      assert.equal(stdout.trim(), 'TYPED!');
    },
  );
});
