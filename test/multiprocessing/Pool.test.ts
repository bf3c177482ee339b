/**
 * `multiprocessing.Pool` on real child processes. Each test names the behaviour of
 * CPython's `_TestPool` family (multiprocessing-distributed.md §A.3 items 43–47) it ports.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  BrokenExecutor,
  CancelledError,
  InvalidStateError,
  RemoteError,
  SerializationError,
  TimeoutError,
  WorkerCrashedError,
} from 'concur-ts/futures';
import { AsyncResult, Pool, Process, Queue } from 'concur-ts/multiprocessing';
import { captureExceptions } from 'concur-ts/testing';

import {
  argCount,
  failInit,
  inheritedDaemonFlag,
  exitNow,
  failOn,
  mul,
  pid,
  recall,
  remember,
  returnsFunction,
  square,
  untilAborted,
} from '../fixtures/poolTasks.js';
import { runScript } from '../fixtures/children.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Yields 0, 1, … and throws at `n` (CPython's SayWhenError iterable). */
function* throwsAt(n: number): Generator<number> {
  for (let i = 0; ; i++) {
    if (i === n) throw new Error('SayWhenError');
    yield i;
  }
}

describe('Pool', () => {
  test('map keeps input order and gives the same result for any chunksize (#43, test_map)', async () => {
    await using pool = new Pool({ processes: 2 });
    const expected = range(100).map((x) => x * x);
    assert.deepEqual(await pool.map(square, range(100)), expected);
    for (const chunksize of [1, 6, 40, 500]) {
      assert.deepEqual(await pool.map(square, range(100), chunksize), expected);
    }
  });

  test('starmap spreads each argument list over the parameters (#43, test_starmap)', async () => {
    await using pool = new Pool({ processes: 2 });
    const rows = range(20).map((i) => [i, i + 1] as [number, number]);
    assert.deepEqual(
      await pool.starmap(mul, rows),
      rows.map(([a, b]) => a * b),
    );
    assert.deepEqual(await pool.starmap(mul, rows, 3), await pool.starmapAsync(mul, rows).get());
    // Argument lists of different lengths reach the task as they are.
    assert.deepEqual(await pool.starmap(argCount, [[], [1], [1, 2, 3]]), [0, 1, 3]);
  });

  test('imap yields in input order and imapUnordered yields every result (#43, test_imap, test_imap_unordered)', async () => {
    await using pool = new Pool({ processes: 2 });
    const ordered: number[] = [];
    for await (const v of pool.imap(square, range(30))) ordered.push(v);
    assert.deepEqual(
      ordered,
      range(30).map((x) => x * x),
    );
    const chunked: number[] = [];
    for await (const v of pool.imap(square, range(30), 7)) chunked.push(v);
    assert.deepEqual(chunked, ordered);
    const unordered: number[] = [];
    for await (const v of pool.imapUnordered(square, range(30), 4)) unordered.push(v);
    assert.deepEqual(
      unordered.sort((a, b) => a - b),
      ordered,
    );
  });

  test('an empty iterable gives an empty result everywhere (#43, test_empty_iterable)', async () => {
    await using pool = new Pool({ processes: 1 });
    assert.deepEqual(await pool.map(square, []), []);
    assert.deepEqual(await pool.starmap(mul, []), []);
    assert.deepEqual(await pool.mapAsync(square, []).get(), []);
    for await (const _ of pool.imap(square, [])) assert.fail('imap yielded');
    for await (const _ of pool.imapUnordered(square, [])) assert.fail('imapUnordered yielded');
  });

  test('apply and applyAsync run one call; callbacks get the result or the error (#43, test_map_async_callbacks, #44 test_async_error_callback)', async () => {
    await using pool = new Pool({ processes: 2 });
    assert.equal(await pool.apply(square, [9]), 81);
    const got: unknown[] = [];
    const errors: unknown[] = [];
    const ok = pool.applyAsync(square, [5], {
      callback: (v) => got.push(v),
      errorCallback: (e) => errors.push(e),
    });
    assert.ok(ok instanceof AsyncResult);
    assert.equal(await ok.get(), 25);
    assert.deepEqual(got, [25]);
    const bad = pool.applyAsync(failOn, [3, 3], { errorCallback: (e) => errors.push(e) });
    await bad.wait();
    assert.equal(bad.ready(), true);
    assert.equal(bad.successful(), false);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as RemoteError).remoteName, 'RangeError');
    await assert.rejects(bad.get(), { remoteName: 'RangeError', message: 'bad input 3' });
    const mapped: unknown[] = [];
    await pool.mapAsync(square, [1, 2, 3], { callback: (v) => mapped.push(v) }).get();
    assert.deepEqual(mapped, [[1, 4, 9]]);
  });

  test('AsyncResult.get(timeout) rejects with TimeoutError while the work goes on (#43, test_async_timeout)', async () => {
    const pool = new Pool({ processes: 1 });
    const result = pool.applyAsync(untilAborted);
    await assert.rejects(result.get(20), TimeoutError);
    assert.equal(result.ready(), false);
    assert.throws(() => result.successful(), InvalidStateError);
    await pool.terminate();
    await assert.rejects(result.get(), CancelledError);
    await pool.join();
  });

  test('an error thrown by the input iterable reaches the caller (#43, test_map_handle_iterable_exception)', async () => {
    await using pool = new Pool({ processes: 1 });
    assert.throws(() => pool.map(square, throwsAt(3)), /SayWhenError/);
    assert.throws(() => pool.mapAsync(square, throwsAt(3)), /SayWhenError/);
    assert.deepEqual(await pool.map(square, [2]), [4]);
  });

  test('imap over an iterable that throws yields the results of the items before it, then the error (#43, test_imap_handle_iterable_exception)', async () => {
    await using pool = new Pool({ processes: 2 });
    // As CPython: the error comes where the chunk holding the failing item would start.
    for (const [at, chunksize, yielded] of [
      [3, 1, 3],
      [7, 2, 6],
      [7, 4, 4],
    ] as const) {
      const seen: number[] = [];
      const it = pool.imap(square, throwsAt(at), chunksize);
      await assert.rejects(async () => {
        for await (const v of it) seen.push(v);
      }, /SayWhenError/);
      assert.deepEqual(
        seen,
        range(yielded).map((x) => x * x),
      );
    }
  });

  test('imapUnordered over an iterable that throws yields every result of the items before it, then the error (#43, test_imap_unordered_handle_iterable_exception)', async () => {
    await using pool = new Pool({ processes: 2 });
    for (const [at, chunksize, yielded] of [
      [3, 1, 3],
      [7, 2, 6],
    ] as const) {
      const seen: number[] = [];
      const it = pool.imapUnordered(square, throwsAt(at), chunksize);
      await assert.rejects(async () => {
        for await (const v of it) seen.push(v);
      }, /SayWhenError/);
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        range(yielded).map((x) => x * x),
      );
    }
    // The pool is unharmed, and map still raises at the call (test_map_handle_iterable_exception).
    assert.deepEqual(await pool.map(square, [3]), [9]);
    assert.throws(() => pool.map(square, throwsAt(0)), /SayWhenError/);
  });

  test('an argument or result that cannot be cloned fails that call and the pool carries on (#44, test_map_unplicklable, test_unpickleable_result)', async () => {
    await using pool = new Pool({ processes: 1 });
    // Refused at the call or on its result at once: never sent, never hung.
    await assert.rejects(
      async () => pool.apply(square, [(() => 1) as unknown as number]),
      SerializationError,
    );
    for (let round = 0; round < 5; round++) {
      await assert.rejects(pool.apply(returnsFunction), SerializationError);
      assert.equal(await pool.apply(square, [round]), round * round);
    }
  });

  test('map with one failing item rejects with that error and the pool still joins (#45, test_map_no_failfast)', async () => {
    const pool = new Pool({ processes: 2 });
    await assert.rejects(
      pool.starmap(
        failOn,
        range(10).map((x) => [x, 5] as [number, number]),
        2,
      ),
      {
        remoteName: 'RangeError',
        message: 'bad input 5',
      },
    );
    pool.close();
    await pool.join();
  });

  test('terminate() with many queued long tasks returns and fails them as cancelled (#45, test_terminate)', async () => {
    const pool = new Pool({ processes: 2 });
    const results = range(200).map(() => pool.applyAsync(untilAborted));
    await pool.terminate();
    for (const r of results) await assert.rejects(r.get(), CancelledError);
    await pool.join();
    assert.throws(() => pool.applyAsync(square, [1]), InvalidStateError);
  });

  test('await terminate() keeps the program alive until the workers are gone, with an idle worker slow to exit', async () => {
    // The idle worker (unref'd while idle) takes 1.5 s to obey SIGTERM; the busy one dies
    // at once. The code after the top-level await must still run, and the exit be clean.
    const script = `import { Pool } from 'concur-ts/multiprocessing';
      const pool = new Pool({
        processes: 2,
        initializer: () => {
          process.on('SIGTERM', () => setTimeout(() => process.exit(0), 1500));
        },
      });
      const nap = async () => { await new Promise((r) => setTimeout(r, 200)); return process.pid; };
      const pids = await Promise.all([pool.apply(nap), pool.apply(nap)]);
      pool.applyAsync(() => { process.removeAllListeners('SIGTERM'); return new Promise(() => {}); });
      await new Promise((r) => setTimeout(r, 100));
      await pool.terminate();
      console.log('after terminate', new Set(pids).size);`;
    for (let run = 0; run < 2; run++) {
      const { stdout } = await runScript(script);
      assert.equal(stdout.trim(), 'after terminate 2');
    }
  });

  test('calls after close() and join() before close() are errors; asyncDispose drains (#45, test_context)', async () => {
    const pool = new Pool({ processes: 1 });
    await assert.rejects(pool.join(), InvalidStateError);
    const queued = range(10).map((x) => pool.applyAsync(square, [x]));
    await pool[Symbol.asyncDispose]();
    assert.deepEqual(
      await Promise.all(queued.map((r) => r.get())),
      range(10).map((x) => x * x),
    );
    assert.throws(() => pool.map(square, [1]), InvalidStateError);
    assert.throws(() => pool.imap(square, [1]), InvalidStateError);
  });

  test('maxTasksPerChild replaces the worker: the pids change, and early close does not hang (#46, test_pool_worker_lifetime)', async () => {
    const pool = new Pool({ processes: 1, maxTasksPerChild: 2 });
    const pids: number[] = [];
    for (let i = 0; i < 6; i++) pids.push(await pool.apply(pid));
    assert.equal(pids[0], pids[1]);
    assert.notEqual(pids[1], pids[2]);
    assert.equal(new Set(pids).size, 3);
    const late = range(5).map(() => pool.applyAsync(pid));
    pool.close();
    await pool.join();
    assert.equal((await Promise.all(late.map((r) => r.get()))).length, 5);
  });

  test('bad options are rejected at construction (#46, test_pool_maxtasksperchild_invalid)', () => {
    for (const bad of [0, -1, 0.5]) {
      assert.throws(() => new Pool({ maxTasksPerChild: bad }), RangeError);
    }
    assert.throws(() => new Pool({ maxTasksPerChild: '12' as unknown as number }), TypeError);
    assert.throws(() => new Pool({ processes: 0 }), RangeError);
    assert.throws(() => new Pool({ processes: '2' as unknown as number }), TypeError);
  });

  test('the initializer runs in each worker before its tasks', async () => {
    await using pool = new Pool({ processes: 1, initializer: remember, initargs: ['ready'] });
    assert.equal(await pool.apply(recall), 'ready');
  });

  test('a worker that dies fails only its task and the pool carries on (Python hangs: gh-96062)', async () => {
    await using pool = new Pool({ processes: 1 });
    using _errors = captureExceptions();
    await assert.rejects(pool.apply(exitNow, [3]), WorkerCrashedError);
    assert.equal(await pool.apply(square, [4]), 16);
  });

  test('a pool whose workers cannot start breaks and leaves no child behind (#47, test_release_unused_processes)', async () => {
    const pool = new Pool({ processes: 2, initializer: failInit });
    await assert.rejects(async () => pool.apply(square, [1]), BrokenExecutor);
    await assert.rejects(async () => pool.apply(square, [2]), BrokenExecutor);
    pool.close();
    await pool.join();
    // The global after-each check fails this test if a child process is left running.
  });

  test('a Process inherits the daemon flag of the process that makes it (#32, test_daemon_argument)', async () => {
    assert.equal(new Process({ target: square, args: [1] }).daemon, false);
    for (const daemon of [true, false]) {
      const flags = new Queue<boolean>();
      const parent = new Process({ target: inheritedDaemonFlag, args: [flags], daemon });
      parent.start();
      assert.equal(await flags.get(), daemon);
      await parent.join();
      flags.close();
    }
  });
});
