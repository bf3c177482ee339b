import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { CancelledError, createTask, Event, getRunningLoop, run, sleep } from 'concur-ts/asyncio';

describe('Event', () => {
  test('set() wakes every waiter, and a task started after set() returns first (EventTests.test_wait: [3, 1, 2])', () =>
    run(async () => {
      const ev = new Event();
      assert.equal(ev.isSet(), false);
      const result: number[] = [];
      const waiter = (n: number) => async () => {
        if (await ev.wait()) result.push(n);
      };
      const t1 = createTask(waiter(1));
      const t2 = createTask(waiter(2));
      await sleep(0);
      assert.deepEqual(result, []);

      // t3 starts after set(): its wait() returns without suspending, so it finishes before
      // the woken t1 and t2 have resumed.
      const t3 = createTask(waiter(3));
      ev.set();
      await sleep(0);
      assert.deepEqual(result, [3, 1, 2]);
      for (const t of [t1, t2, t3]) {
        assert.equal(t.done(), true);
        assert.equal(t.result(), undefined);
      }
    }));

  test('wait() on a set event resolves to true at once (EventTests.test_wait_on_set)', () =>
    run(async () => {
      const ev = new Event();
      ev.set();
      assert.equal(await ev.wait(), true);
      assert.equal(ev.statistics().waiters, 0);
    }));

  test('a cancelled wait() leaves no waiter behind (EventTests.test_wait_cancel)', () =>
    run(async () => {
      const ev = new Event();
      const wait = createTask(() => ev.wait());
      getRunningLoop().callSoon(() => wait.cancel());
      await assert.rejects(wait, CancelledError);
      assert.equal(ev.statistics().waiters, 0);
      assert.equal(inspect(ev), '<Event unset>');
    }));

  test('clear() resets the flag (EventTests.test_clear)', () => {
    const ev = new Event();
    assert.equal(ev.isSet(), false);
    ev.set();
    assert.equal(ev.isSet(), true);
    ev.clear();
    assert.equal(ev.isSet(), false);
  });

  test('set() then clear() before the waiters run still wakes them with true (EventTests.test_clear_with_waiters)', () =>
    run(async () => {
      const ev = new Event();
      const result: number[] = [];
      const t = createTask(async () => {
        if (await ev.wait()) result.push(1);
        return true;
      });
      await sleep(0);
      assert.deepEqual(result, []);

      ev.set();
      ev.clear();
      assert.equal(ev.isSet(), false);
      ev.set();
      ev.set();
      assert.equal(ev.statistics().waiters, 1);

      await sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(ev.statistics().waiters, 0);
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }));

  test('a wait() started after clear() blocks until the next set()', () =>
    run(async () => {
      const ev = new Event();
      ev.set();
      ev.clear();
      const t = createTask(() => ev.wait());
      await sleep(0);
      assert.equal(t.done(), false);
      ev.set();
      assert.equal(await t, true);
    }));

  test('an uncontended wait() on a set event returns a shared settled promise', () => {
    const ev = new Event();
    ev.set();
    assert.equal(ev.wait(), ev.wait());
  });

  test('inspect shows the flag and the waiters; statistics() gives { set, waiters }', () =>
    run(async () => {
      const ev = new Event();
      assert.equal(inspect(ev), '<Event unset>');
      const t = createTask(() => ev.wait());
      await sleep(0);
      assert.equal(inspect(ev), '<Event unset waiters=1>');
      assert.deepEqual(ev.statistics(), { set: false, waiters: 1 });
      ev.set();
      assert.equal(inspect(ev), '<Event set waiters=1>');
      await t;
      assert.equal(inspect(ev), '<Event set>');
      assert.deepEqual(ev.statistics(), { set: true, waiters: 0 });
    }));
});
