import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  createTask,
  getRunningLoop,
  InvalidStateError,
  run,
  sleep,
  timeout,
  TimeoutError,
} from 'concur-ts/asyncio';
import { leakReport, VirtualClock } from 'concur-ts/testing';

describe('VirtualClock', () => {
  test('with autojump, an hour of sleeping finishes at once at exactly an hour of virtual time', async () => {
    using clock = VirtualClock.install();
    await run(async () => {
      await sleep(3_600_000);
    });
    assert.equal(clock.now(), 3_600_000);
    assert.equal(getRunningLoop().time(), 3_600_000);
  });

  test('timers fire in deadline order, ties in the order they were scheduled', async () => {
    using _clock = VirtualClock.install();
    const order: string[] = [];
    await run(async () => {
      const tasks = [
        createTask(async () => (await sleep(30), order.push('c'))),
        createTask(async () => (await sleep(10), order.push('a'))),
        createTask(async () => (await sleep(20), order.push('b1'))),
        createTask(async () => (await sleep(20), order.push('b2'))),
      ];
      for (const t of tasks) await t;
    });
    assert.deepEqual(order, ['a', 'b1', 'b2', 'c']);
  });

  test('without autojump, time moves only with advance()', async () => {
    using clock = VirtualClock.install({ autojump: false });
    let woke = false;
    const task = createTask(async () => {
      await sleep(100);
      woke = true;
    });
    await sleep(0);
    clock.advance(99);
    await sleep(0);
    assert.equal(woke, false);
    clock.advance(1);
    await task;
    assert.equal(woke, true);
    assert.equal(clock.now(), 100);
  });

  test('a timeout on virtual time raises TimeoutError at its deadline', async () => {
    using clock = VirtualClock.install();
    await assert.rejects(
      timeout(500, async () => {
        await sleep(10_000);
      }),
      TimeoutError,
    );
    assert.equal(clock.now(), 500);
    assert.equal(clock.pendingTimers(), 0, 'the cancelled sleep left no timer behind');
  });

  test('options of the wrong kind throw TypeError at install, and no clock is left installed', () => {
    assert.throws(() => VirtualClock.install({ autojump: 'x' as never }), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: /autojump must be true or false, got 'x'/,
    });
    assert.throws(() => VirtualClock.install('x' as never), TypeError);
    assert.throws(() => VirtualClock.install({ autojumpThreshold: '5' as never }), TypeError);
    assert.throws(() => VirtualClock.install({ autojumpThreshold: 2 ** 31 }), RangeError);
    assert.equal(VirtualClock.current(), null);
  });

  test('with autojumpThreshold Infinity time never jumps on its own, only with advance()', async () => {
    using clock = VirtualClock.install({ autojumpThreshold: Infinity });
    const sleeper = createTask(() => sleep(1000));
    // Set after the clock's idle check would have been: a check that overflowed to 1 ms
    // fires before this one.
    await new Promise((resolve) => setTimeout(resolve, 2));
    assert.equal(clock.now(), 0);
    assert.equal(sleeper.done(), false);
    clock.advance(1000);
    await sleeper;
    assert.equal(clock.now(), 1000);
  });

  test('a second clock cannot be installed over the first', () => {
    using _clock = VirtualClock.install();
    assert.throws(() => VirtualClock.install(), InvalidStateError);
  });

  test('uninstall restores real time and the leak report sees the clock while installed', () => {
    const clock = VirtualClock.install();
    assert.equal(leakReport().virtualClockInstalled, true);
    assert.equal(VirtualClock.current(), clock);
    clock.uninstall();
    assert.equal(leakReport().virtualClockInstalled, false);
    assert.equal(VirtualClock.current(), null);
  });
});
