import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { createTask, currentTask, sleep } from 'concur-ts/asyncio';
import { CancelledError, Future, InvalidStateError } from 'concur-ts/futures';
import { captureExceptions } from 'concur-ts/testing';

import { runScript } from '../fixtures/children.js';

describe('Future', () => {
  test('a new future is pending: result() and exception() throw InvalidStateError', () => {
    const f = new Future<number>();
    assert.equal(f.done(), false);
    assert.equal(f.cancelled(), false);
    assert.equal(f.running(), false);
    assert.throws(() => f.result(), InvalidStateError);
    assert.throws(() => f.exception(), InvalidStateError);
  });

  test('setResult makes it done and awaitable; setting it twice throws InvalidStateError', async () => {
    const f = new Future<number>();
    f.setResult(7);
    assert.equal(f.done(), true);
    assert.equal(f.result(), 7);
    assert.equal(f.exception(), null);
    assert.equal(await f, 7);
    assert.throws(() => f.setResult(8), InvalidStateError);
    assert.throws(() => f.setException(new Error('x')), InvalidStateError);
  });

  test('cancel() on a pending future cancels it; result() then throws CancelledError with the message', async () => {
    const f = new Future<number>();
    assert.equal(f.cancel('stop'), true);
    assert.equal(f.cancelled(), true);
    assert.equal(f.cancel(), false);
    assert.throws(
      () => f.result(),
      (e: unknown) => e instanceof CancelledError && e.message === 'stop',
    );
    await assert.rejects(f, CancelledError);
  });

  test('done callbacks run in order, soon, and a throwing one is reported while the others run', async () => {
    using captured = captureExceptions();
    const f = new Future<string>();
    const calls: string[] = [];
    f.addDoneCallback(() => calls.push('first'));
    f.addDoneCallback(() => {
      throw new Error('callback failed');
    });
    f.addDoneCallback((fut) => calls.push(`third:${fut.result()}`));
    f.setResult('ok');
    assert.deepEqual(calls, [], 'callbacks never run inside setResult');
    await sleep(0);
    assert.deepEqual(calls, ['first', 'third:ok']);
    assert.equal(captured.contexts.length, 1);
    assert.match(String((captured.contexts[0]!.exception as Error).message), /callback failed/);
  });

  test('a callback added to a done future is called soon', async () => {
    const f = new Future<number>();
    f.setResult(1);
    let called = false;
    f.addDoneCallback(() => (called = true));
    assert.equal(called, false);
    await sleep(0);
    assert.equal(called, true);
  });

  test('an exception nobody retrieves goes to the exception handler, not an unhandled rejection', async () => {
    using captured = captureExceptions();
    const f = new Future<number>();
    f.setException(new Error('lost'));
    await sleep(0);
    await sleep(0);
    assert.equal(captured.contexts.length, 1);
    assert.match(captured.contexts[0]!.message, /never retrieved/);
  });
});

describe('Future: how it shows', () => {
  test('a failed future shows its error by name and message, without the stack', () => {
    const f = new Future<number>();
    f.setException(new RangeError('too big'));
    f.exception();
    assert.equal(inspect(f), '<Future finished exception=RangeError: too big>');
    assert.equal(String(f), '<Future finished exception=RangeError: too big>');
  });

  test('an exception never retrieved prints its stack once, by the default handler', async () => {
    const script = `
      import { run, createTask, sleep } from 'concur-ts/asyncio';
      function failing() { throw new Error('boom'); }
      await run(async () => { createTask(async () => failing()); await sleep(0.01); });
    `;
    const { stderr } = await runScript(script);
    assert.match(
      stderr,
      /^concur: Task exception was never retrieved\nfuture: <Task finished name='Task-\d+' exception=Error: boom>\nError: boom\n/,
    );
    assert.equal(stderr.match(/at failing /g)?.length, 1, stderr);
  });
});

describe('Future: then and await', () => {
  test('then() returns a promise settled by what its handler returns, outside and inside a task', async () => {
    const f = new Future<number>();
    const outside = f.then((v) => v + 1);
    const task = createTask(() => f.then((v) => v * 10));
    await sleep(0);
    f.setResult(4);
    assert.ok(outside instanceof Promise);
    assert.equal(await outside, 5);
    assert.equal(await task, 40);
  });

  test('then() handlers inside a task run with that task current; outside any task with none', async () => {
    const f = new Future<string>();
    const seen: unknown[] = [];
    const outside = f.then(() => seen.push(currentTask()));
    const task = createTask(() =>
      f.then(
        (v) => seen.push(currentTask()) && v,
        (e) => e,
      ),
    );
    await sleep(0);
    f.setResult('x');
    await outside;
    assert.equal(await task, 'x');
    assert.deepEqual(seen, [null, task]);
  });

  test('a throwing handler rejects the promise then() returned; a missing handler passes the outcome on', async () => {
    const ok = new Future<number>();
    ok.setResult(1);
    await assert.rejects(
      ok.then(() => {
        throw new Error('from the handler');
      }),
      /from the handler/,
    );
    assert.equal(await ok.then(null, () => 'unused'), 1);
    const failed = new Future<number>();
    failed.setException(new Error('failed'));
    await assert.rejects(
      failed.then((v) => v),
      /failed/,
    );
    assert.equal(await failed.catch((e: Error) => e.message), 'failed');
    const cancelled = new Future<number>();
    cancelled.cancel('stop');
    await assert.rejects(
      cancelled.then(),
      (e) => e instanceof CancelledError && e.message === 'stop',
    );
    await createTask(async () => {
      await assert.rejects(failed.then(undefined, undefined), /failed/);
      assert.equal(await failed.then(undefined, () => 'caught in a task'), 'caught in a task');
    });
  });

  test('Promise.all, Promise.race and Promise.resolve take futures, inside and outside tasks', async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const all = Promise.all([a, b]);
    const race = Promise.race([a, b]);
    const inTask = createTask(() => Promise.all([a, b]));
    await sleep(0);
    b.setResult(2);
    a.setResult(1);
    assert.deepEqual(await all, [1, 2]);
    assert.equal(await race, 2);
    assert.deepEqual(await inTask, [1, 2]);
    assert.equal(await Promise.resolve(a), 1);
  });

  test('many tasks awaiting one future all resume with its result, in the order they began to wait', async () => {
    const gate = new Future<string>();
    const order: number[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) =>
      createTask(async () => {
        const v = await gate;
        order.push(i);
        return `${v}${i}`;
      }),
    );
    await sleep(0);
    gate.setResult('r');
    assert.deepEqual(await Promise.all(tasks), ['r0', 'r1', 'r2', 'r3', 'r4']);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  test('a task awaiting one future in two branches at once resumes both', async () => {
    const f = new Future<number>();
    const g = new Future<number>();
    const task = createTask(async () => {
      const both = await Promise.all([
        (async () => (await f) + 1)(),
        (async () => (await g) + (await f))(),
      ]);
      return both;
    });
    await sleep(0);
    f.setResult(1);
    g.setResult(10);
    assert.deepEqual(await task, [2, 11]);
  });
});
