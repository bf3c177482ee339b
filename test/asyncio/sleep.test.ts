import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createTask, Future, getRunningLoop, sleep, CancelledError } from 'concur-ts/asyncio';
import { VirtualClock } from 'concur-ts/testing';

describe('sleep', () => {
  // CPython test_sleep
  test('sleep(ms, value) resolves to value after ms of loop time', async () => {
    using clock = VirtualClock.install();
    const t = createTask(async () => {
      await sleep(50);
      return await sleep(50, 'yeah');
    });
    assert.equal(await t, 'yeah');
    assert.equal(clock.now(), 100);
  });

  // CPython SleepTests.test_sleep_zero
  test('sleep(0) lets callbacks already scheduled run first, then resolves to its value', async () => {
    const log: string[] = [];
    const t = createTask(async () => {
      getRunningLoop().callSoon(() => log.push('callback'));
      log.push('before sleep(0)');
      const value = await sleep(0, 10);
      log.push(`after sleep(0): ${value}`);
    });
    await t;
    assert.deepEqual(log, ['before sleep(0)', 'callback', 'after sleep(0): 10']);
  });

  test('sleep(Infinity) sleeps until cancelled', async () => {
    using _clock = VirtualClock.install();
    const t = createTask(() => sleep(Infinity));
    await sleep(1_000_000);
    assert.equal(t.done(), false);
    t.cancel();
    await assert.rejects(t, CancelledError);
  });

  // CPython test_sleep_when_delay_is_nan. Difference: asyncio treats a negative delay as 0;
  // here a negative duration is a RangeError like NaN.
  test('sleep() with a negative or NaN duration throws RangeError at the call', () => {
    assert.throws(() => sleep(-1), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => sleep(NaN), RangeError);
  });

  test('sleep() with a duration that is not a number throws TypeError at the call', () => {
    assert.throws(() => sleep('10' as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => sleep(undefined as never), TypeError);
  });

  test('on the real clock, timers fire in the order of their deadlines, equal deadlines in the order they were set', async () => {
    const loop = getRunningLoop();
    const order: string[] = [];
    const all = new Future<void>();
    const note = (name: string): void => {
      order.push(name);
      if (order.length === 5) all.setResult(undefined);
    };
    const now = loop.time();
    loop.callAt(now + 30, note, 'd');
    loop.callAt(now + 10, note, 'a');
    loop.callAt(now + 20, note, 'b');
    loop.callAt(now + 20, note, 'c');
    loop.callLater(25, note, 'c2');
    const holdOpen = sleep(60_000); // loop timers do not hold the process open; a sleep does
    await all;
    holdOpen.cancel();
    assert.deepEqual(order, ['a', 'b', 'c', 'c2', 'd']);
  });

  test('on the real clock, cancelling many long sleeps frees them at once, while the others still wake', async () => {
    const long = Array.from({ length: 600 }, () => sleep(3_600_000));
    const short = sleep(5, 'woke');
    for (const f of long) f.cancel();
    assert.equal(await short, 'woke');
    assert.ok(long.every((f) => f.cancelled()));
  });
});
