import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  CancelledError,
  createTask,
  Future,
  gather,
  shield,
  sleep,
  waitFor,
  TimeoutError,
} from 'concur-ts/asyncio';
import { captureExceptions, VirtualClock } from 'concur-ts/testing';

describe('shield: following the inner future (§6.17)', () => {
  // CPython test_shield_result
  test('the shield resolves to the inner result', async () => {
    const inner = new Future<number>();
    const outer = shield(inner);
    inner.setResult(42);
    assert.equal(await outer, 42);
  });

  // CPython test_shield_exception
  test('the shield fails with the inner error', async () => {
    const inner = new Future<number>();
    const outer = shield(inner);
    await sleep(0);
    const exc = new Error('expected');
    inner.setException(exc);
    await sleep(0);
    assert.equal(outer.exception(), exc);
  });

  // CPython test_shield_shortcut
  test('a future that is already done is returned as it is', async () => {
    const fut = new Future<number>();
    fut.setResult(42);
    assert.equal(shield(fut), fut);
    assert.equal(await shield(fut), 42);
  });

  test('a promise is wrapped so that the shield is a concur future', async () => {
    const outer = shield(Promise.resolve('wrapped'));
    assert.ok(outer instanceof Future);
    assert.equal(await outer, 'wrapped');
  });

  // CPython test_shield_cancel_inner
  test('cancelling the inner future cancels the shield', async () => {
    const inner = new Future<number>();
    const outer = shield(inner);
    await sleep(0);
    inner.cancel();
    await sleep(0);
    assert.equal(outer.cancelled(), true);
  });
});

describe('shield: cancelling the outside (§6.17)', () => {
  // CPython test_shield_cancel_outer
  test('cancelling the shield does not cancel the inner future', async () => {
    const inner = new Future<number>();
    const outer = shield(inner);
    await sleep(0);
    assert.equal(outer.cancel(), true);
    await sleep(0);
    assert.equal(outer.cancelled(), true);
    assert.equal(inner.cancelled(), false);
    inner.setResult(1);
  });

  // CPython test_shield_effect
  test('cancelling the task that awaits a shielded task raises CancelledError there while the inner task completes', async () => {
    let proof = 0;
    const waiter = new Future<void>();
    let inner: Future<void> | null = null;
    const outer = createTask(async () => {
      inner = createTask(async () => {
        await waiter;
        proof += 1;
      });
      await shield(inner);
      proof += 100;
    });
    await sleep(0);
    outer.cancel();
    await assert.rejects(outer, CancelledError);
    waiter.setResult();
    await inner!;
    assert.equal(proof, 1);
  });

  test('waitFor() around a shield times out without cancelling the shielded work', async () => {
    using clock = VirtualClock.install();
    const save = createTask(() => sleep(500, 'saved'));
    await assert.rejects(waitFor(shield(save), 100), TimeoutError);
    assert.equal(clock.now(), 100);
    assert.equal(save.cancelled(), false);
    assert.equal(await save, 'saved');
  });

  // CPython test_shield_cancel_outer_result
  test('after the shield was cancelled, an inner result is dropped silently', async () => {
    using captured = captureExceptions();
    const inner = new Future<number>();
    const outer = shield(inner);
    await sleep(0);
    outer.cancel();
    await sleep(0);
    inner.setResult(1);
    await sleep(0);
    await sleep(0);
    assert.deepEqual(captured.contexts, []);
  });

  // CPython test_shield_cancel_outer_exception
  test('after the shield was cancelled, an inner error goes to the loop exception handler', async () => {
    using captured = captureExceptions();
    const inner = new Future<number>();
    const outer = shield(inner);
    await sleep(0);
    outer.cancel();
    await sleep(0);
    inner.setException(new Error('foo'));
    await sleep(0);
    await sleep(0);
    assert.equal(captured.contexts.length, 1);
    assert.equal((captured.contexts[0]!.exception as Error).message, 'foo');
  });

  test('an inner error that lands right after the shield was cancelled is still reported', async () => {
    using captured = captureExceptions();
    const inner = new Future<number>();
    const outer = shield(inner);
    outer.cancel();
    inner.setException(new Error('same tick'));
    await sleep(0);
    await sleep(0);
    assert.equal(captured.contexts.length, 1);
    assert.equal((captured.contexts[0]!.exception as Error).message, 'same tick');
  });

  // CPython test_shield_duplicate_log_once
  test('an inner error behind two cancelled shields is reported once', async () => {
    using captured = captureExceptions();
    const inner = new Future<number>();
    const outer1 = shield(inner);
    await sleep(0);
    outer1.cancel();
    await sleep(0);
    const outer2 = shield(inner);
    await sleep(0);
    outer2.cancel();
    await sleep(0);
    inner.setException(new Error('foo'));
    await sleep(0);
    await sleep(0);
    assert.equal(captured.contexts.length, 1);
  });
});

describe('shield with gather (§6.17)', () => {
  // CPython test_shield_gather
  test('cancelling a shield around gather leaves the gather and its children running', async () => {
    const child1 = new Future<number>();
    const child2 = new Future<number>();
    const parent = gather([child1, child2]);
    const outer = shield(parent);
    await sleep(0);
    outer.cancel();
    await sleep(0);
    assert.equal(outer.cancelled(), true);
    child1.setResult(1);
    child2.setResult(2);
    await sleep(0);
    assert.deepEqual(parent.result(), [1, 2]);
  });

  // CPython test_gather_shield
  test('cancelling a gather of shields cancels the shields but not the futures behind them', async () => {
    const child1 = new Future<number>();
    const child2 = new Future<number>();
    const inner1 = shield(child1);
    const inner2 = shield(child2);
    const parent = gather([inner1, inner2]);
    await sleep(0);
    parent.cancel();
    await sleep(0);
    assert.ok(parent.exception() instanceof CancelledError);
    assert.equal(inner1.cancelled(), true);
    assert.equal(inner2.cancelled(), true);
    assert.equal(child1.cancelled(), false);
    assert.equal(child2.cancelled(), false);
    child1.setResult(1);
    child2.setResult(2);
    await sleep(0);
  });
});

describe('shield: bad input', () => {
  test('shield() of something that is not awaitable throws TypeError', () => {
    assert.throws(() => shield(42 as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => shield(null as never), TypeError);
  });
});
