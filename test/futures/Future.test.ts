import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { sleep } from 'concur/asyncio';
import { CancelledError, Future, InvalidStateError } from 'concur/futures';
import { captureExceptions } from 'concur/testing';

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
