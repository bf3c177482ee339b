import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { CancelledError, createTask, run } from 'concur-ts/asyncio';
import { Condition, InvalidStateError, Lock, RLock, SimpleQueue, Value } from 'concur-ts/threading';

import { eventually } from '../fixtures/polling.js';
import { killMidWait, results, withWorkers } from './harness.js';

/** Takes every item a SimpleQueue holds now. */
function drain<T>(queue: SimpleQueue<T>): T[] {
  const items: T[] = [];
  while (!queue.empty()) items.push(queue.getNowait());
  return items;
}

describe('threading Condition', () => {
  test('the default lock is an RLock; a given Lock is the one acquired (ConditionTests.test_acquire)', async () => {
    let cond = new Condition();
    await cond.acquire();
    await cond.acquire();
    cond.release();
    cond.release();
    const lock = new Lock();
    cond = new Condition(lock);
    await cond.acquire();
    assert.equal(await lock.acquire({ blocking: false }), false);
    cond.release();
    assert.equal(await lock.acquire({ blocking: false }), true);
    assert.equal(await cond.acquire({ blocking: false }), false);
    lock.release();
    await cond.use(async () => {
      assert.equal(await lock.acquire({ blocking: false }), false);
    });
    assert.throws(() => new Condition({} as Lock), TypeError);
  });

  test('wait and notify without the lock throw InvalidStateError (ConditionTests.test_unacquired_wait)', () => {
    const cond = new Condition();
    assert.throws(() => cond.wait(), InvalidStateError);
    assert.throws(() => cond.notify(), InvalidStateError);
    assert.throws(() => cond.notifyAll(), InvalidStateError);
    assert.throws(() => cond.waitFor(() => true), InvalidStateError);
  });

  for (const pass of [1, 2]) {
    test(`notify(n) wakes exactly n waiting threads and notifyAll the rest, pass ${pass} (ConditionTests.test_notify)`, () =>
      withWorkers(async (workers) => {
        const N = 5;
        const cond = new Condition();
        const phase = new Value('int32', 0);
        const reports = new SimpleQueue<[boolean, number]>();
        const waiters = workers.startMany(N, 'condWaitTwice', { cond, phase, results: reports });
        const settled = (n: number) =>
          eventually(() => cond.statistics().waiters === n, `${n} waiters`);
        const reported = (n: number) => eventually(() => reports.qsize() >= n, `${n} reports`);
        await settled(N);

        // Notify 3 of 5: exactly those 3 report, in phase 1.
        await cond.use(() => {
          cond.notify(3);
          phase.value = 1;
        });
        await reported(3);
        assert.deepEqual(drain(reports), Array(3).fill([true, 1]));
        // The 3 woken wait again; 2 never woke.
        await settled(N);
        assert.equal(reports.qsize(), 0);

        // Notify 5: the 2 in their first wait and the 3 oldest second waits.
        await cond.use(() => {
          cond.notify(5);
          phase.value = 2;
        });
        await reported(5);
        assert.deepEqual(drain(reports), Array(5).fill([true, 2]));
        await settled(2);

        // notifyAll: the last 2.
        await cond.use(() => {
          cond.notifyAll();
          phase.value = 3;
        });
        assert.deepEqual(await results(waiters), Array(N).fill(true));
        assert.deepEqual(drain(reports), Array(2).fill([true, 3]));
        assert.equal(cond.statistics().waiters, 0);
      }));
  }

  test('wait(timeout) returns false when nobody notifies (ConditionTests.test_timeout)', () =>
    withWorkers(async (workers) => {
      const cond = new Condition();
      assert.deepEqual(await results(workers.startMany(3, 'condWait', { cond, timeout: 30 })), [
        false,
        false,
        false,
      ]);
      assert.equal(await cond.use(() => cond.wait(10)), false);
      assert.equal(cond.statistics().waiters, 0);
    }));

  test('waitFor returns once the predicate holds (ConditionTests.test_waitfor)', () =>
    withWorkers(async (workers) => {
      const cond = new Condition();
      const state = new Value('int32', 0);
      const waiter = workers.start('condWaitFor', { cond, state, target: 4 });
      for (let i = 0; i < 4; i++) {
        await eventually(() => cond.statistics().waiters === 1, 'the waiter');
        await cond.use(() => {
          state.value += 1;
          cond.notify();
        });
      }
      assert.deepEqual(await waiter.result, [true, 4]);
    }));

  test('waitFor returns the falsy predicate value on timeout (ConditionTests.test_waitfor_timeout)', () =>
    withWorkers(async (workers) => {
      const cond = new Condition();
      const state = new Value('int32', 0);
      const waiter = workers.start('condWaitFor', { cond, state, target: 4, timeout: 100 });
      for (let i = 0; i < 3; i++) {
        await cond.use(() => {
          state.value += 1;
          cond.notify();
        });
      }
      assert.deepEqual(await waiter.result, [false, 3]);
      assert.equal(await cond.use(() => cond.waitFor(() => state.value === 4, 10)), false);
    }));

  test('an RLock held several levels deep is fully released during wait and restored after', () =>
    withWorkers(async (workers) => {
      const lock = new RLock();
      const cond = new Condition(lock);
      await lock.acquire();
      await lock.acquire();
      const waiting = cond.wait();
      await eventually(() => cond.statistics().waiters === 1 && !lock.locked(), 'the wait');
      // Another thread can take the lock meanwhile.
      assert.equal(await workers.start('locked', { lock }).result, false);
      await cond.use(() => cond.notify());
      assert.equal(await waiting, true);
      assert.equal(lock.statistics().recursionCount, 2);
      lock.release();
      lock.release();
    }));

  test('a cancelled wait re-takes the lock and passes a notification it got to the next waiter', () =>
    run(async () => {
      const cond = new Condition(new Lock());
      const first = createTask(() => cond.use(() => cond.wait()));
      const second = createTask(() => cond.use(() => cond.wait()));
      await eventually(() => cond.statistics().waiters === 2, 'two waiters');
      await cond.acquire();
      cond.notify(1); // meant for the first…
      first.cancel(); // …which is cancelled before it re-takes the lock
      cond.release();
      await assert.rejects(first, CancelledError);
      assert.equal(await second, true);
      assert.equal(cond.locked(), false);
      assert.equal(cond.statistics().waiters, 0);
    }));

  test('notify checks its argument; statistics and inspect show the waiters', async () => {
    const cond = new Condition();
    await cond.use(() => {
      assert.throws(() => cond.notify(-1), RangeError);
      assert.throws(() => cond.notify(1.5), RangeError);
      cond.notify(0);
    });
    assert.equal(inspect(cond), '<Condition unlocked>');
    assert.throws(() => cond.waitSync(), InvalidStateError);
  });
});

describe('threading.Condition: a waiter whose thread dies', () => {
  test('a waiter killed in waitSync() does not swallow a notify(1) meant for a live waiter', async () => {
    const cond = new Condition();
    await killMidWait(
      (c: Condition) => {
        c.acquireSync();
        c.waitSync();
      },
      [cond],
      () => cond.statistics().waiters === 1,
      'the waiter to wait',
    );
    let entered = false;
    const live = createTask(() =>
      cond.use(() => {
        entered = true;
        return cond.wait(10_000);
      }),
    );
    await eventually(() => entered && !cond.locked(), 'the live waiter');
    await cond.use(() => cond.notify(1));
    assert.equal(await live, true);
    assert.equal(cond.statistics().waiters, 0);
  });
});
