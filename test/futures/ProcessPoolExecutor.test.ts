/**
 * ProcessPoolExecutor: the Executor contract on child processes, then what only a pool of
 * processes does — pid rotation, crashes by signal, no orphans, the process lifetime.
 * Handshakes with tasks go through file cells (processes share no memory).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

import {
  CancelledError,
  ProcessPoolExecutor,
  RemoteError,
  SerializationError,
  TimeoutError,
  WorkerCrashedError,
} from 'concur-ts/futures';

import { alive, allGone, runScript, spawnScript } from '../fixtures/children.js';
import { onlyOn } from '../fixtures/runtime.js';
import { executorContract } from './executor.contract.js';
import {
  add1,
  awaitAbort,
  blockUntil,
  echo,
  failOn,
  ignoreAbort,
  returnsClassInstance,
  returnThenCrashHard,
  strayThrow,
  whoAmI,
} from '../fixtures/tasks.js';
import { makeFileCells, until } from '../fixtures/sync.js';
import { withPool } from '../fixtures/executors.js';
import { eventually } from '../fixtures/polling.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

executorContract({
  name: 'ProcessPoolExecutor',
  make: (options) => new ProcessPoolExecutor(options),
  workersCanCrash: true,
  cancelsRunningTasks: true,
  makeCells: makeFileCells,
});

describe('ProcessPoolExecutor: faults stay with their task', () => {
  test('a child killed with SIGKILL mid-task fails only that future, with WorkerCrashedError carrying the signal; the pool replaces it', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const pid = (await pool.submit(whoAmI)).pid;
      const cells = makeFileCells();
      const doomed = pool.submit(blockUntil, cells, 0, 1);
      await until(cells, 0);
      const queued = [1, 2, 3].map((x) => pool.submit(add1, x));
      process.kill(pid, 'SIGKILL');
      await assert.rejects(doomed, (error: unknown) => {
        assert.ok(error instanceof WorkerCrashedError);
        assert.equal(error.exitCode, null);
        assert.equal(error.signal, 'SIGKILL');
        assert.equal(error.signalNumber, 9);
        assert.match(error.message, /worker process running it was killed by signal SIGKILL \(9\)/);
        return true;
      });
      assert.deepEqual(await Promise.all(queued), [2, 3, 4]);
      assert.notEqual((await pool.submit(whoAmI)).pid, pid);
    }));

  test('an uncaught error thrown from a task’s stray callback fails it with WorkerCrashedError whose cause is that error', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 2 }), async (pool) => {
      const cells = makeFileCells();
      await assert.rejects(pool.submit(strayThrow, cells, 0), (error: unknown) => {
        assert.ok(error instanceof WorkerCrashedError);
        assert.equal(error.exitCode, 1);
        assert.match(error.message, /uncaught error/);
        assert.ok(error.cause instanceof RemoteError);
        assert.match(error.cause.message, /stray error/);
        return true;
      });
      assert.deepEqual(await Promise.all([1, 2, 3].map((x) => pool.submit(add1, x))), [2, 3, 4]);
    }));

  test('a result that has not left yet when an uncaught error ends the process still arrives, even when an uncaughtException listener rethrows (exit code 7, no exit event)', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const pid = (await pool.submit(whoAmI)).pid;
      assert.equal(await pool.submit(returnThenCrashHard, 42), 42);
      await allGone([pid]);
      assert.equal(await pool.submit(add1, 1), 2);
    }));

  test('a task that ignores its abort past cancelGraceMs has its process killed and replaced; queued tasks still run', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 1, cancelGraceMs: 50 }), async (pool) => {
      const pid = (await pool.submit(whoAmI)).pid;
      const cells = makeFileCells();
      const stuck = pool.submit(ignoreAbort, cells, 0);
      const queued = pool.submit(add1, 41);
      await until(cells, 0);
      assert.equal(stuck.cancel(), true);
      await assert.rejects(stuck, CancelledError);
      assert.equal(await queued, 42, 'the task behind it ran on the replacement process');
      assert.notEqual((await pool.submit(whoAmI)).pid, pid);
      await allGone([pid]);
    }));

  test('taskTimeout fails a task that runs too long with TimeoutError and aborts its signal', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 1, taskTimeout: 1000 }), async (pool) => {
      await assert.rejects(pool.submit(awaitAbort), TimeoutError);
      assert.equal(await pool.submit(add1, 1), 2);
    }));

  test('taskTimeout kills and replaces the process of a task that ignores the abort', () =>
    withPool(
      new ProcessPoolExecutor({ maxWorkers: 1, taskTimeout: 1000, cancelGraceMs: 30 }),
      async (pool) => {
        const cells = makeFileCells();
        await assert.rejects(pool.submit(ignoreAbort, cells, 0), TimeoutError);
        assert.equal(await pool.submit(add1, 1), 2);
      },
    ));

  test('a value that cannot cross to a process fails its own future with SerializationError', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const fn = pool.submit(echo, { callback: () => 1 });
      assert.ok(fn.exception() instanceof SerializationError, 'at the call');
      const shared = pool.submit(echo, { cells: new Int32Array(new SharedArrayBuffer(8)) });
      assert.match(
        String(shared.exception()),
        /SharedArrayBuffer.*\(at \[0\]\.cells\)|at \[0\]\.cells.*SharedArrayBuffer/,
      );
      await assert.rejects(pool.submit(returnsClassInstance), SerializationError);
      assert.equal(await pool.submit(add1, 1), 2);
    }));
});

describe('ProcessPoolExecutor: map', () => {
  // As Python's ProcessPoolExecutor: one task per chunk, which fails as a whole.
  test('map sends a chunk of chunksize items as one task: [1..6] in chunks of 3 failing at 5 yields 1, 2, 3 then the error', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 2 }), async (pool) => {
      const seen: number[] = [];
      const failing = pool.map(failOn, [1, 2, 3, 4, 5, 6], [5, 5, 5, 5, 5, 5], { chunksize: 3 });
      await assert.rejects(async () => {
        for await (const value of failing) seen.push(value);
      }, /bad input 5/);
      assert.deepEqual(seen, [1, 2, 3]);
    }));
});

describe('ProcessPoolExecutor: workers', () => {
  test('with maxTasksPerChild 3 one process serves three tasks and a new one the fourth; the pool keeps one worker (A.3 #10, test_max_tasks_per_child)', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 1, maxTasksPerChild: 3 }), async (pool) => {
      const pids: number[] = [];
      for (let i = 0; i < 6; i++) pids.push((await pool.submit(whoAmI)).pid);
      assert.equal(new Set(pids.slice(0, 3)).size, 1);
      assert.equal(new Set(pids.slice(3)).size, 1);
      assert.notEqual(pids[0], pids[3]);
      assert.ok(pool.statistics().workers <= 1);
    }));

  test('an early shutdown with maxTasksPerChild 1 still completes every future (A.3 #11, test_max_tasks_early_shutdown)', async () => {
    const pool = new ProcessPoolExecutor({ maxWorkers: 3, maxTasksPerChild: 1 });
    const futures = Array.from({ length: 6 }, (_, i) => pool.submit(add1, i));
    await pool.shutdown();
    assert.deepEqual(
      futures.map((f) => f.result()),
      [1, 2, 3, 4, 5, 6],
    );
  });

  test('bad options throw at the constructor with the offending value (A.3 #46, test_pool_maxtasksperchild_invalid)', () => {
    for (const bad of [0, -1, 0.5]) {
      assert.throws(
        () => new ProcessPoolExecutor({ maxTasksPerChild: bad }),
        (e: unknown) => e instanceof RangeError && e.message.includes(String(bad)),
      );
    }
    assert.throws(
      () => new ProcessPoolExecutor({ maxTasksPerChild: '12' as unknown as number }),
      TypeError,
    );
    assert.throws(() => new ProcessPoolExecutor({ maxWorkers: 1.5 }), RangeError);
    assert.throws(() => new ProcessPoolExecutor({ idleTimeout: -1 }), RangeError);
  });

  test('resourceLimits, a ThreadPoolExecutor option, is refused with TypeError saying how to limit a child process', () => {
    for (const resourceLimits of ['x', { maxOldGenerationSizeMb: 64 }]) {
      assert.throws(() => new ProcessPoolExecutor({ resourceLimits } as never), {
        name: 'TypeError',
        message: /ProcessPoolExecutor has no resourceLimits.*--max-old-space-size/,
      });
    }
  });

  test('a worker is a child of this process, named after its pool as currentProcess() shows', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 1 }), async (pool) => {
      const me = await pool.submit(whoAmI);
      assert.match(me.processName, /^ProcessPoolExecutor-\d+_0$/);
      assert.equal(me.parentPid, process.pid);
      assert.notEqual(me.pid, process.pid);
    }));

  test('the pool shows its state when inspected', () =>
    withPool(new ProcessPoolExecutor({ maxWorkers: 2 }), async (pool) => {
      await pool.submit(add1, 1);
      assert.equal(
        inspect(pool),
        '<ProcessPoolExecutor maxWorkers=2 workers=1 busy=0 queued=0 completed=1>',
      );
    }));

  test('killWorkers kills a running task’s process with SIGKILL and ends its future cancelled', async () => {
    const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    const pid = (await pool.submit(whoAmI)).pid;
    const cells = makeFileCells();
    const running = pool.submit(ignoreAbort, cells, 0);
    await until(cells, 0);
    await pool.killWorkers();
    assert.equal(running.cancelled(), true);
    assert.equal(alive(pid), false);
  });
});

/** Starts the orphan fixture; resolves with it and the pids it reports. */
async function startParent(
  detached: boolean,
): Promise<{ parent: ChildProcess; busy: number[]; idle: number }> {
  const cells = makeFileCells();
  const fixture = fileURLToPath(new URL('../fixtures/orphanParent.js', import.meta.url));
  const parent = spawn(process.execPath, [fixture, cells.dir], {
    cwd: root,
    detached,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const guard = setTimeout(
      () => reject(new Error('no report from the parent (hang guard)')),
      30_000,
    );
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        clearTimeout(guard);
        resolve(out);
      }
    });
  });
  parent.stdout.destroy();
  const report = JSON.parse(line) as { busy: number[]; idle: number };
  return { parent, ...report };
}

describe('ProcessPoolExecutor: no orphans', () => {
  test('SIGKILL on the parent takes every child with it, busy or idle', async () => {
    const { parent, busy, idle } = await startParent(false);
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    assert.ok([...busy, idle].every(alive));
    process.kill(parent.pid!, 'SIGKILL');
    await exited;
    await allGone([...busy, idle]);
  });

  test('SIGINT to the process group (Ctrl-C) ends the parent and every child promptly', async () => {
    const { parent, busy, idle } = await startParent(true);
    const exited = new Promise<[number | null, string | null]>((resolve) =>
      parent.once('exit', (code, signal) => resolve([code, signal])),
    );
    process.kill(-parent.pid!, 'SIGINT');
    assert.deepEqual(await exited, [null, 'SIGINT']);
    await allGone([parent.pid!, ...busy, idle]);
  });
});

/**
 * Starts a parent program whose pool child blocks in its initializer (until the file
 * `stop` appears, or 60 s) after writing its pid to the file `pid`; resolves with the
 * parent and that pid. `exitParent`: the parent then calls process.exit() by itself.
 */
async function startInitializerParent(
  dir: string,
  exitParent: boolean,
): Promise<{ parent: ChildProcess; exited: Promise<unknown>; child: number }> {
  const source = `import { existsSync, writeFileSync } from 'node:fs';
    import { ProcessPoolExecutor } from 'concur-ts/futures';
    const dir = ${JSON.stringify(dir)};
    const pool = new ProcessPoolExecutor({
      maxWorkers: 1,
      initargs: [dir],
      initializer: (dir) => {
        const fs = process.getBuiltinModule('node:fs');
        fs.writeFileSync(dir + '/pid.tmp', String(process.pid));
        fs.renameSync(dir + '/pid.tmp', dir + '/pid');
        const end = Date.now() + 60_000;
        while (Date.now() < end && !fs.existsSync(dir + '/stop')) {}
      },
    });
    void pool.submit((x) => x, 1);
    ${exitParent ? `while (!existsSync(dir + '/pid')) await new Promise((r) => setTimeout(r, 10)); process.exit(0);` : ''}`;
  const parent = spawnScript(source, [], { stdio: 'inherit' });
  // Listened for from the start: a parent that exits by itself may be gone before the pid
  // file is seen (Bun's is, often).
  const exited = new Promise((resolve) => parent.once('exit', resolve));
  try {
    await eventually(() => existsSync(`${dir}/pid`), 'the pool child reporting its pid', {
      everyMs: 10,
    });
  } catch (error) {
    parent.kill('SIGKILL');
    throw error;
  }
  return { parent, exited, child: Number(readFileSync(`${dir}/pid`, 'utf8')) };
}

describe('ProcessPoolExecutor: no orphans while an initializer runs', () => {
  for (const how of ['SIGKILL', 'process.exit()'] as const) {
    test(`a child blocked in a synchronous initializer ends soon after its parent's ${how}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'concur-init-orphan-'));
      let child = 0;
      try {
        const started = await startInitializerParent(dir, how === 'process.exit()');
        child = started.child;
        if (how === 'SIGKILL') process.kill(started.parent.pid!, 'SIGKILL');
        await started.exited;
        await allGone([child], 10_000);
      } finally {
        // A failure leaves the child blocked: let it go, and make sure it is gone.
        writeFileSync(join(dir, 'stop'), '');
        if (child !== 0 && alive(child)) process.kill(child, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('ProcessPoolExecutor: the process lifetime', () => {
  test(
    'importing concur/futures loads node:child_process only once a process pool forks',
    onlyOn(
      'node',
      'it reads Node’s process.moduleLoadList, which Bun and Deno keep empty (Bun loads node:child_process up front)',
    ),
    async () => {
      const { stdout } = await runScript(`import { ProcessPoolExecutor } from 'concur-ts/futures';
         const loaded = () => process.moduleLoadList.includes('NativeModule child_process');
         const before = loaded();
         const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
         const result = await pool.submit((x) => x * 2, 21);
         await pool.shutdown();
         console.log(JSON.stringify({ before, result, after: loaded() }));`);
      assert.deepEqual(JSON.parse(stdout), { before: false, result: 42, after: true });
    },
  );

  test('what a task printed comes before what the program prints after shutdown(), even through a full pipe', async () => {
    const { stdout } = await runScript(`import { ProcessPoolExecutor } from 'concur-ts/futures';
      const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
      await pool.submit((n) => { for (let i = 0; i < n; i++) console.log('line ' + i); }, 20000);
      await pool.shutdown();
      process.stdout.write('shut down\\n');`);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 20001);
    assert.deepEqual(lines.slice(-2), ['line 19999', 'shut down']);
  });

  test('submit from an exit hook throws "cannot schedule new futures after interpreter shutdown" (A.3 #19, test_submit_after_interpreter_shutdown)', async () => {
    const { stdout } = await runScript(`import { ProcessPoolExecutor } from 'concur-ts/futures';
         const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
         process.on('exit', () => {
           try { pool.submit((x) => x, 1); } catch (e) { console.log(e.name + ': ' + e.message); }
         });`);
    assert.equal(
      stdout.trim(),
      'InvalidStateError: cannot schedule new futures after interpreter shutdown',
    );
  });

  test('await terminateWorkers() and killWorkers() keep the program alive until the workers are gone', async () => {
    // One busy and one idle worker (the idle one unref'd). For terminateWorkers the idle
    // worker takes 1.5 s to obey SIGTERM, so without a ref the program ends every time
    // with code 13 (an unfinished top-level await) before printing.
    for (const [method, runs] of [
      ['terminateWorkers', 2],
      ['killWorkers', 3],
    ] as const) {
      const script = `import { ProcessPoolExecutor } from 'concur-ts/futures';
        const pool = new ProcessPoolExecutor({
          maxWorkers: 2,
          initializer: () => {
            process.on('SIGTERM', () => setTimeout(() => process.exit(0), 1500));
          },
        });
        const nap = async () => { await new Promise((r) => setTimeout(r, 200)); return process.pid; };
        const pids = await Promise.all([pool.submit(nap), pool.submit(nap)]);
        pool.submit(() => { process.removeAllListeners('SIGTERM'); return new Promise(() => {}); });
        await new Promise((r) => setTimeout(r, 100));
        await pool.${method}();
        console.log('after ${method}', new Set(pids).size);`;
      for (let run = 0; run < runs; run++) {
        const { stdout } = await runScript(script);
        assert.equal(stdout.trim(), `after ${method} 2`);
      }
    }
  });

  test('an idle pool never keeps the process alive', async () => {
    const { stdout } = await runScript(`import { ProcessPoolExecutor } from 'concur-ts/futures';
         const pool = new ProcessPoolExecutor({ maxWorkers: 2, idleTimeout: Infinity });
         console.log(await pool.submit((x) => x + 1, 1));`);
    assert.equal(stdout.trim(), '2');
  });

  test('a program that ends with work in flight still runs it, and exits cleanly once it is done (A.3 #19, test_interpreter_shutdown)', async () => {
    const { stdout, stderr } =
      await runScript(`import { ProcessPoolExecutor } from 'concur-ts/futures';
         const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
         pool.submit(async () => { await new Promise((r) => setTimeout(r, 50)); console.log('apple'); });`);
    assert.equal(stdout.trim(), 'apple');
    assert.equal(stderr, '');
  });
});
