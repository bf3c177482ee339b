import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { CancelledError, createTask, run } from 'concur-ts/asyncio';
import { Event, InvalidStateError } from 'concur-ts/threading';

import { eventually } from '../fixtures/polling.js';
import { killMidWait, results, withWorkers } from './harness.js';

const N = 3;

describe('threading Event', () => {
  test('set() and clear() change the flag (EventTests.test_is_set)', () => {
    const event = new Event();
    assert.equal(event.isSet(), false);
    event.set();
    event.set();
    assert.equal(event.isSet(), true);
    event.clear();
    event.clear();
    assert.equal(event.isSet(), false);
  });

  test('set() wakes every waiting thread, also after an explicit clear (EventTests.test_notify)', () =>
    withWorkers(async (workers) => {
      const event = new Event();
      for (const round of [1, 2]) {
        if (round === 2) {
          event.set();
          event.clear();
        }
        const waiters = workers.startMany<boolean[]>(N, 'eventWaitTwice', { event });
        await eventually(() => event.statistics().waiters === N, `${N} waiters`);
        event.set();
        assert.deepEqual(await results(waiters), Array(N).fill([true, true]));
        event.clear();
      }
    }));

  test('wait(timeout) returns false on timeout and true once set (EventTests.test_timeout)', () =>
    withWorkers(async (workers) => {
      const event = new Event();
      assert.equal(await event.wait(0), false);
      assert.deepEqual(
        await results(workers.startMany(N, 'eventWaitTwice', { event, timeout: 20 })),
        Array(N).fill([false, false]),
      );
      assert.equal(await event.wait(20), false);
      event.set();
      assert.deepEqual(
        await results(workers.startMany(N, 'eventWaitTwice', { event, timeout: 20 })),
        Array(N).fill([true, true]),
      );
      assert.equal(await event.wait(0), true);
    }));

  test('wait() returns true even if the event was cleared before the waiter ran (EventTests.test_set_and_clear)', () =>
    withWorkers(async (workers) => {
      const event = new Event();
      const waiters = workers.startMany<boolean>(N, 'eventWait', { event });
      const here = event.wait();
      await eventually(() => event.statistics().waiters === N + 1, 'every waiter');
      event.set();
      event.clear();
      assert.deepEqual(await results(waiters), Array(N).fill(true));
      assert.equal(await here, true);
      assert.equal(event.isSet(), false);
    }));

  test('a cancelled wait() rejects and leaves no waiter behind', () =>
    run(async () => {
      const event = new Event();
      const task = createTask(() => event.wait());
      await eventually(() => event.statistics().waiters === 1, 'the waiter');
      task.cancel();
      await assert.rejects(task, CancelledError);
      assert.equal(event.statistics().waiters, 0);
    }));

  test('waitSync refuses to block the main thread and checks its timeout', () => {
    const event = new Event();
    assert.throws(() => event.waitSync(), InvalidStateError);
    assert.equal(event.waitSync(0), false);
    assert.equal(event.waitSync(5, { allowMainThread: true }), false);
    assert.throws(() => event.waitSync(-2), RangeError);
    assert.throws(() => event.wait(-0.5), RangeError);
    event.set();
    assert.equal(event.waitSync(0), true);
    assert.equal(inspect(event), '<Event set>');
  });
});

describe('threading.Event: a waiter whose thread dies', () => {
  test('a waiter killed in waitSync() is no longer counted in statistics().waiters', async () => {
    const event = new Event();
    await killMidWait(
      (e: Event) => e.waitSync(),
      [event],
      () => event.statistics().waiters === 1,
      'the waiter to sleep',
    );
    assert.equal(event.statistics().waiters, 0);
    assert.equal(inspect(event), '<Event unset>');
  });
});
