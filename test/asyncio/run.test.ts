import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  CancelledError,
  createTask,
  currentTask,
  Future,
  InvalidStateError,
  run,
  sleep,
  type Task,
} from 'concur-ts/asyncio';
import { captureExceptions } from 'concur-ts/testing';

describe('run', () => {
  test('run() runs main as a task and resolves to its result', async () => {
    let inside: Task<unknown> | null = null;
    const result = await run(async () => {
      inside = currentTask();
      await sleep(0);
      return 'main';
    });
    assert.equal(result, 'main');
    assert.ok(inside !== null);
  });

  test('run() rejects with the error main threw', async () => {
    await assert.rejects(
      run(async () => {
        throw new RangeError('main failed');
      }),
      RangeError,
    );
  });

  test('run() cancels the tasks main left behind, including their children, and waits for them', async () => {
    const left: Task<unknown>[] = [];
    const result = await run(async () => {
      left.push(
        createTask(async () => {
          left.push(createTask(() => sleep(Infinity)));
          await sleep(Infinity);
        }),
      );
      await sleep(0);
      return 'main';
    });
    assert.equal(result, 'main');
    assert.equal(left.length, 2);
    for (const t of left) assert.equal(t.cancelled(), true);
  });

  test('errors raised by leftover tasks while they are cancelled go to the exception handler', async () => {
    using captured = captureExceptions();
    let leftover: Task<unknown> | null = null;
    await run(async () => {
      leftover = createTask(async () => {
        try {
          await sleep(Infinity);
        } catch (e) {
          if (e instanceof CancelledError) throw new Error('cleanup failed');
          throw e;
        }
      });
      await sleep(0);
    });
    assert.equal(leftover!.cancelled(), false);
    assert.equal(captured.contexts.length, 1);
    const [context] = captured.contexts;
    assert.match(context!.message, /run\(\) shutdown/);
    assert.equal((context!.exception as Error).message, 'cleanup failed');
    assert.equal(context!.task, leftover);
  });

  test('run() leaves alone the tasks it did not start', async () => {
    const outside = new Future<void>();
    const other = createTask(() => outside);
    await run(async () => {
      await sleep(0);
    });
    assert.equal(other.done(), false);
    outside.setResult();
    await other;
  });

  test('run() called inside a task throws InvalidStateError at the call', async () => {
    await run(async () => {
      assert.throws(
        () => run(async () => 'nested'),
        (e: unknown) => e instanceof InvalidStateError && /inside a task/.test(e.message),
      );
    });
  });

  test('run() of something that is not a function throws TypeError at the call', () => {
    assert.throws(() => run(42 as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  });
});
