import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CancelledError, createTask, sleep } from 'concur-ts/asyncio';
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  wait,
  type WaitResult,
} from 'concur-ts/futures';
import { VirtualClock } from 'concur-ts/testing';

describe('wait: returnWhen and timeout (§6.14)', () => {
  // CPython test_wait
  test('wait() returns every future as done once all are, and again at once when they already are', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(100));
    const b = createTask(() => sleep(150));
    const first = await wait([b, a]);
    assert.deepEqual(first.done, new Set([a, b]));
    assert.deepEqual(first.notDone, new Set());
    assert.equal(clock.now(), 150);
    const second = await wait([b, a]);
    assert.deepEqual(second.done, new Set([a, b]));
    assert.equal(clock.now(), 150);
  });

  // CPython test_wait_first_completed
  test('FIRST_COMPLETED returns as soon as one future is done', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(10_000));
    const b = createTask(() => sleep(100));
    const { done, notDone } = await wait([b, a], { returnWhen: FIRST_COMPLETED });
    assert.deepEqual(done, new Set([b]));
    assert.deepEqual(notDone, new Set([a]));
    assert.equal(a.done(), false);
    assert.equal(b.result(), undefined);
    assert.equal(clock.now(), 100);
    a.cancel();
    await wait([a]);
  });

  // CPython test_wait_really_done
  test('FIRST_COMPLETED reports every future that is done by the time it returns', async () => {
    const a = createTask(async () => {
      await sleep(0);
    });
    const b = createTask(async () => {
      await sleep(0);
      await sleep(0);
    });
    const { done } = await wait([b, a], { returnWhen: FIRST_COMPLETED });
    // a finished first; b may or may not have: only what is really done is reported.
    assert.ok(done.has(a));
    for (const f of done) assert.equal(f.done(), true);
    await wait([a, b]);
  });

  // CPython test_wait_first_exception
  test('FIRST_EXCEPTION returns ({failed}, {others}) at once when a future already failed', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(10_000));
    const b = createTask(async () => {
      throw new RangeError('err');
    });
    const { done, notDone } = await wait([b, a], { returnWhen: FIRST_EXCEPTION });
    assert.deepEqual(done, new Set([b]));
    assert.deepEqual(notDone, new Set([a]));
    assert.equal(clock.now(), 0);
    assert.ok(b.exception() instanceof RangeError);
    a.cancel();
    await wait([a]);
  });

  // CPython test_wait_first_exception_in_wait
  test('FIRST_EXCEPTION returns ({failed}, {others}) as soon as a future fails while waiting', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(10_000));
    const b = createTask(async () => {
      await sleep(10);
      throw new RangeError('err');
    });
    const { done, notDone } = await wait([b, a], { returnWhen: FIRST_EXCEPTION });
    assert.deepEqual(done, new Set([b]));
    assert.deepEqual(notDone, new Set([a]));
    assert.equal(clock.now(), 10);
    assert.ok(b.exception() instanceof RangeError);
    a.cancel();
    await wait([a]);
  });

  test('FIRST_EXCEPTION behaves like ALL_COMPLETED when nothing fails, and a cancel is not a failure', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(100));
    const b = createTask(() => sleep(200));
    const c = createTask(() => sleep(10_000));
    c.cancel();
    const { done, notDone } = await wait([a, b, c], { returnWhen: FIRST_EXCEPTION });
    assert.deepEqual(done, new Set([a, b, c]));
    assert.equal(notDone.size, 0);
    assert.equal(clock.now(), 200);
  });

  // CPython test_wait_with_exception
  test('ALL_COMPLETED waits for failed futures too and does not throw their errors', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(100));
    const b = createTask(async () => {
      await sleep(150);
      throw new RangeError('really');
    });
    const { done, notDone } = await wait([b, a], { returnWhen: ALL_COMPLETED });
    assert.equal(done.size, 2);
    assert.equal(notDone.size, 0);
    assert.deepEqual(
      [...done].filter((f) => f.exception() !== null),
      [b],
    );
    assert.equal(clock.now(), 150);
  });

  // CPython test_wait_with_timeout / test_wait_concurrent_complete
  test('a timeout returns (done, notDone) without throwing and without cancelling anything', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(100));
    const b = createTask(() => sleep(150));
    const { done, notDone } = await wait([b, a], { timeout: 110 });
    assert.deepEqual(done, new Set([a]));
    assert.deepEqual(notDone, new Set([b]));
    assert.equal(clock.now(), 110);
    assert.equal(b.cancelled(), false);
    await b;
    assert.equal(clock.now(), 150);
  });

  test('a timeout of 0 polls: it returns at once with whatever is done', async () => {
    const done1 = new Future<number>();
    done1.setResult(1);
    const pending = new Future<number>();
    const { done, notDone } = await wait([done1, pending], { timeout: 0 });
    assert.deepEqual(done, new Set([done1]));
    assert.deepEqual(notDone, new Set([pending]));
    assert.equal(pending.cancelled(), false);
  });

  // CPython test_wait_with_iterator_of_tasks / test_wait_generator / test_wait_duplicate_coroutines
  test('wait() takes any iterable of futures, and counts a future given twice once', async () => {
    const tasks = (function* () {
      for (let i = 0; i < 10; i++) yield createTask(() => i);
    })();
    const { done, notDone } = await wait(tasks);
    assert.equal(done.size, 10);
    assert.equal(notDone.size, 0);

    const c = createTask(() => 'test');
    const spam = createTask(() => 'spam');
    const twice = await wait([c, c, spam]);
    assert.equal(twice.done.size, 2);
    assert.deepEqual(new Set([...twice.done].map((f) => f.result())), new Set(['test', 'spam']));
  });

  test('wait() accepts plain futures and tasks mixed', async () => {
    const plain = new Future<string>();
    const task = createTask(() => 'task');
    setImmediate(() => plain.setResult('plain'));
    const { done } = await wait<Future<string>>([plain, task]);
    assert.deepEqual(done, new Set<Future<string>>([plain, task]));
  });
});

describe('wait: cancellation (§6.15)', () => {
  // CPython test_yield_wait_does_not_shield_cancel
  test('cancelling the task blocked in wait() leaves the awaited tasks running', async () => {
    let proof = 0;
    const waiter = new Future<void>();
    let inner: Future<void> | null = null;
    const outer = createTask(async () => {
      inner = createTask(async () => {
        await waiter;
        proof += 1;
      });
      await wait([inner]);
      proof += 100;
    });
    await sleep(0);
    outer.cancel();
    await assert.rejects(outer, CancelledError);
    assert.equal(inner!.cancelled(), false);
    waiter.setResult();
    await inner!;
    assert.equal(proof, 1);
  });

  test('a cancelled wait() clears its timeout timer', async () => {
    using clock = VirtualClock.install({ autojump: false });
    const f = new Future<void>();
    const outer = createTask(() => wait([f], { timeout: 1000 }));
    await sleep(0);
    assert.equal(clock.pendingTimers(), 1);
    outer.cancel();
    await assert.rejects(outer, CancelledError);
    assert.equal(clock.pendingTimers(), 0);
    f.setResult();
  });
});

describe('wait: bad input (§6.14)', () => {
  // CPython test_wait_invalid_args / test_wait_errors
  test('wait() of a single future instead of a collection throws TypeError at the call', () => {
    const fut = new Future<void>();
    assert.throws(() => wait(fut as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  });

  test('wait() of something that is not a future (a promise, a number) throws TypeError', () => {
    assert.throws(() => wait([Promise.resolve(1)] as never), /ensureFuture/);
    assert.throws(() => wait([1] as never), TypeError);
    assert.throws(() => wait(Promise.resolve([]) as never), TypeError);
    assert.throws(() => wait(null as never), TypeError);
  });

  // concurrent.futures.wait(set()) returns DoneAndNotDoneFutures(set(), set()).
  test('wait() of an empty collection resolves to two empty sets, as concurrent.futures.wait does', async () => {
    const plain = await wait([]);
    assert.deepEqual(plain, { done: new Set(), notDone: new Set() });
    const first = await wait(new Set<Future<void>>(), {
      returnWhen: FIRST_COMPLETED,
      timeout: 10_000,
    });
    assert.deepEqual(first, { done: new Set(), notDone: new Set() });
  });

  test('wait() of an empty collection still checks its options', () => {
    assert.throws(() => wait([], { returnWhen: 'FIRST' as never }), RangeError);
    assert.throws(() => wait([], { timeout: -1 }), RangeError);
  });

  test('wait() with an unknown returnWhen throws RangeError', () => {
    const f = new Future<void>();
    assert.throws(() => wait([f], { returnWhen: -1 as never }), RangeError);
    assert.throws(() => wait([f], { returnWhen: 'FIRST' as never }), RangeError);
  });

  test('wait() with a negative or NaN timeout throws RangeError, and with a non-number TypeError', () => {
    const f = new Future<void>();
    assert.throws(() => wait([f], { timeout: -1 }), RangeError);
    assert.throws(() => wait([f], { timeout: NaN }), RangeError);
    assert.throws(() => wait([f], { timeout: '10' as never }), TypeError);
  });

  test('wait() with timeout null or undefined waits without a limit', async () => {
    const f = new Future<number>();
    setImmediate(() => f.setResult(1));
    const r: WaitResult<Future<number>> = await wait([f], { timeout: null });
    assert.deepEqual(r.done, new Set([f]));
  });
});
