/**
 * Process: the lifecycle of one function in a child process (multiprocessing-distributed.md
 * §A.3 #28–32), exit codes, signals, and the module helpers. Handshakes go through file
 * cells (processes share no memory).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { InvalidStateError, SerializationError } from 'concur-ts';
import {
  activeChildren,
  cpuCount,
  currentProcess,
  parentProcess,
  Process,
  Queue,
} from 'concur-ts/multiprocessing';

import { runScript } from '../fixtures/children.js';
import { cellContent } from '../fixtures/cells.js';
import { makeFileCells, release, until } from '../fixtures/sync.js';
import { blockUntil, describeSelf, exitWith, pidThenBlock } from '../fixtures/tasks.js';

describe('Process: lifecycle', () => {
  test('before start a process is not alive, has no exitcode and is not listed; after start it is; after join its exitcode is 0 and it is gone (A.3 #28, test_process, test_active_children)', async () => {
    const cells = makeFileCells();
    const p = new Process({ target: blockUntil, args: [cells, 0, 1] });
    assert.equal(p.isAlive(), false);
    assert.equal(p.exitcode, null);
    assert.equal(p.pid, null);
    assert.ok(!activeChildren().includes(p));
    p.start();
    assert.equal(p.isAlive(), true);
    assert.equal(typeof p.pid, 'number');
    assert.ok(activeChildren().includes(p));
    await until(cells, 0);
    assert.equal(p.exitcode, null);
    release(cells, 1);
    assert.equal(await p.join(), true);
    assert.equal(p.exitcode, 0);
    assert.equal(p.isAlive(), false);
    assert.ok(!activeChildren().includes(p));
  });

  test('the child gets its name, pid, arguments and parent (A.3 #28)', async () => {
    const cells = makeFileCells();
    const p = new Process({
      target: describeSelf,
      args: [cells, 0, 'a', { b: [1, 2] }],
      name: 'worker-7',
    });
    p.start();
    await p.join();
    const report = JSON.parse(cellContent(cells, 0)) as Record<string, unknown>;
    assert.deepEqual(report, {
      name: 'worker-7',
      pid: p.pid,
      daemon: false,
      parentPid: process.pid,
      args: ['a', { b: [1, 2] }],
    });
  });

  test('join(0) and join(-1) return at once; terminate() gives exitcode -SIGTERM, kill() -SIGKILL and interrupt() -SIGINT (A.3 #29, test_terminate, test_kill, test_interrupt_no_handler)', async () => {
    for (const [method, code] of [
      ['terminate', -15],
      ['kill', -9],
      ['interrupt', -2],
    ] as const) {
      const cells = makeFileCells();
      const p = new Process({ target: pidThenBlock, args: [cells, 0] });
      p.start();
      await until(cells, 0);
      assert.equal(await p.join(0), false);
      assert.equal(await p.join(-1), false);
      p[method]();
      assert.equal(await p.join(), true);
      assert.equal(p.exitcode, code);
      p[method](); // harmless once it ended
    }
  });

  test('join(timeout) resolves false while the process runs on, then true once it ended', async () => {
    const cells = makeFileCells();
    const p = new Process({ target: pidThenBlock, args: [cells, 0] });
    p.start();
    await until(cells, 0);
    assert.equal(await p.join(10), false);
    p.kill();
    assert.equal(await p.join(60_000), true);
  });

  test('close() on a live process throws; afterwards the process object refuses use; close() is idempotent (A.3 #30, test_close)', async () => {
    const cells = makeFileCells();
    const p = new Process({ target: pidThenBlock, args: [cells, 0] });
    p.start();
    await until(cells, 0);
    assert.throws(() => p.close(), InvalidStateError);
    p.kill();
    await p.join();
    p.close();
    p.close();
    assert.throws(() => p.isAlive(), InvalidStateError);
    assert.throws(() => p.join(), InvalidStateError);
    assert.throws(() => p.terminate(), InvalidStateError);
    assert.throws(() => p.exitcode, /process object is closed/);
    assert.match(inspect(p), / closed>$/);
  });
});

describe('Process: arguments', () => {
  test('a multiprocessing Queue passed as an argument reaches the child as the same queue, and what the target put arrives after it returned (the process ends once it is delivered)', async () => {
    const q = new Queue();
    const p = new Process({
      target: async (queue: Queue, n: number) => {
        for (let i = 0; i < n; i++) void queue.put(i);
      },
      args: [q, 3],
    });
    p.start();
    assert.equal(await p.join(), true);
    assert.equal(p.exitcode, 0);
    assert.deepEqual([await q.get(), await q.get(), await q.get()], [0, 1, 2]);
  });
});

describe('Process: exit codes', () => {
  test('process.exit(code) in the target gives that exitcode; a thrown error gives 1 (A.3 #31, test_sys_exit)', async () => {
    for (const code of [0, 8, 1]) {
      const p = new Process({ target: exitWith, args: [code] });
      p.start();
      await p.join();
      assert.equal(p.exitcode, code);
    }
  });

  test('an error thrown by the target is printed as "Process <name>:" with its stack, and exitcode is 1', async () => {
    const { stdout, stderr } = await runScript(`
      import { Process } from 'concur-ts/multiprocessing';
      import { fail } from './build/test/fixtures/tasks.js';
      const p = new Process({ target: fail, args: ['boom'], name: 'doomed' });
      p.start();
      await p.join();
      console.log(p.exitcode);
    `);
    assert.equal(stdout.trim(), '1');
    assert.match(stderr, /^Process doomed:\nTypeError: boom\n\s+at fail /);
  });
});

describe('Process: bad input', () => {
  test('a target that is not a task reference or self-contained function fails at start() with TypeError', () => {
    const p = new Process({ target: 42 as unknown as () => void });
    assert.throws(() => p.start(), /needs a target.*got 42/);
    const bound = new Process({ target: describeSelf.bind(null) });
    assert.throws(() => bound.start(), TypeError);
    assert.equal(bound.isAlive(), false);
  });

  test('arguments that cannot cross to a process fail at start() with SerializationError', () => {
    const p = new Process({ target: exitWith, args: [(() => 0) as unknown as number] });
    assert.throws(() => p.start(), SerializationError);
    const shared = new Process({
      target: exitWith,
      args: [new Int32Array(new SharedArrayBuffer(4)) as unknown as number],
    });
    assert.throws(() => shared.start(), /SharedArrayBuffer/);
  });

  test('join() or terminate() before start() throws InvalidStateError; start() twice too', async () => {
    const p = new Process({ target: exitWith, args: [0] });
    assert.throws(() => p.join(), InvalidStateError);
    assert.throws(() => p.terminate(), InvalidStateError);
    p.start();
    assert.throws(() => p.start(), InvalidStateError);
    await p.join();
  });

  test('options of the wrong kind throw TypeError at the constructor', () => {
    assert.throws(() => new Process(null as never), TypeError);
    assert.throws(() => new Process({ target: exitWith, args: 5 as never }), TypeError);
    assert.throws(() => new Process({ target: exitWith, name: 5 as never }), TypeError);
    assert.throws(() => new Process({ target: exitWith, daemon: 'yes' as never }), TypeError);
  });
});

describe('Process: the module helpers', () => {
  test('currentProcess() is MainProcess here, parentProcess() is null, cpuCount() is positive', () => {
    assert.equal(currentProcess().name, 'MainProcess');
    assert.equal(currentProcess().pid, process.pid);
    assert.equal(parentProcess(), null);
    assert.ok(Number.isInteger(cpuCount()) && cpuCount() >= 1);
  });

  test('a process shows its state when inspected', async () => {
    const p = new Process({ target: exitWith, args: [3], name: 'shown', daemon: true });
    assert.equal(inspect(p), `<Process name='shown' parent=${process.pid} initial daemon>`);
    p.start();
    await p.join();
    assert.equal(
      inspect(p),
      `<Process name='shown' pid=${p.pid} parent=${process.pid} stopped exitcode=3 daemon>`,
    );
  });

  test('a non-daemon process keeps its parent alive until it ends; a daemon does not', async () => {
    const { stdout } = await runScript(`
      import { Process } from 'concur-ts/multiprocessing';
      const p = new Process({ target: async () => { await new Promise((r) => setTimeout(r, 100)); console.log('child done'); } });
      p.start();
      const d = new Process({ target: () => new Promise(() => {}), daemon: true });
      d.start();
      console.log('parent done');
    `);
    assert.deepEqual(stdout.trim().split('\n'), ['parent done', 'child done']);
  });
});
