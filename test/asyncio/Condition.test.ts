import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import {
  CancelledError,
  Condition,
  createTask,
  getRunningLoop,
  InvalidStateError,
  Lock,
  run,
  sleep,
  timeout,
  TimeoutError,
  waitFor,
} from 'concur-ts/asyncio';
import { VirtualClock } from 'concur-ts/testing';

const isInvalidState = (e: unknown): boolean =>
  e instanceof InvalidStateError && e.code === 'ERR_CONCUR_INVALID_STATE';

describe('Condition', () => {
  test('notify(n) wakes waiters in order, and each continues only once it has the lock back (ConditionTests.test_wait)', () =>
    run(async () => {
      const cond = new Condition();
      const result: number[] = [];
      const waiter = (n: number) => async () => {
        await cond.acquire();
        if (await cond.wait()) result.push(n);
        return true;
      };
      const t1 = createTask(waiter(1));
      const t2 = createTask(waiter(2));
      const t3 = createTask(waiter(3));
      await sleep(0);
      assert.deepEqual(result, []);
      assert.equal(cond.locked(), false);

      assert.equal(await cond.acquire(), true);
      cond.notify();
      await sleep(0);
      assert.deepEqual(result, [], 'notified, but the notifier still holds the lock');
      assert.equal(cond.locked(), true);

      cond.release();
      await sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(cond.locked(), true, 't1 returned from wait() holding the lock');

      cond.notify(2);
      await sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(cond.locked(), true);

      cond.release();
      await sleep(0);
      assert.deepEqual(result, [1, 2]);
      assert.equal(cond.locked(), true);

      cond.release();
      await sleep(0);
      assert.deepEqual(result, [1, 2, 3]);
      assert.equal(cond.locked(), true);
      for (const t of [t1, t2, t3]) assert.equal(t.result(), true);
      cond.release();
    }));

  test('a cancelled wait() leaves no waiter and returns holding the lock (ConditionTests.test_wait_cancel)', () =>
    run(async () => {
      const cond = new Condition();
      await cond.acquire();
      const wait = createTask(() => cond.wait());
      getRunningLoop().callSoon(() => wait.cancel());
      await assert.rejects(wait, CancelledError);
      assert.equal(cond.statistics().waiters, 0);
      assert.equal(cond.locked(), true);
      cond.release();
    }));

  test('a waiter notified and cancelled while the lock is contested still ends holding the lock (ConditionTests.test_wait_cancel_contested)', () =>
    run(async () => {
      const cond = new Condition();
      await cond.acquire();
      assert.equal(cond.locked(), true);
      const waitTask = createTask(() => cond.wait());
      await sleep(0);
      assert.equal(cond.locked(), false, 'wait() released the lock');

      // Notify, but contest the lock before cancelling.
      await cond.acquire();
      assert.equal(cond.locked(), true);
      cond.notify();
      getRunningLoop().callSoon(() => waitTask.cancel());
      getRunningLoop().callSoon(() => cond.release());
      try {
        await waitTask;
      } catch (error) {
        // Whether the cancel lands depends on where the task is; either way the lock is held.
        assert.ok(error instanceof CancelledError);
      }
      assert.equal(cond.locked(), true, 'the waiter took the lock back');
      cond.release();
    }));

  test('a waiter cancelled after being notified, while it waits for the lock, ends cancelled (ConditionTests.test_wait_cancel_after_notify)', () =>
    run(async () => {
      let waited = false;
      const cond = new Condition();
      const waiter = createTask(() =>
        cond.use(async () => {
          waited = true;
          await cond.wait();
        }),
      );
      await sleep(0); // start waiting
      await cond.acquire();
      cond.notify();
      await sleep(0); // the waiter is now re-acquiring the lock
      waiter.cancel();
      await sleep(0);
      cond.release();
      await sleep(0);
      assert.equal(waiter.cancelled(), true);
      assert.equal(waited, true);
      assert.equal(cond.locked(), false, 'use() released the lock wait() took back');
    }));

  test('wait() without the lock throws InvalidStateError (ConditionTests.test_wait_unacquired)', () => {
    const cond = new Condition();
    assert.throws(() => cond.wait(), isInvalidState);
    assert.equal(cond.statistics().waiters, 0);
  });

  test('notify() and notifyAll() without the lock throw InvalidStateError (ConditionTests.test_notify_unacquired, test_notify_all_unacquired)', () => {
    const cond = new Condition();
    assert.throws(() => cond.notify(), isInvalidState);
    assert.throws(() => cond.notifyAll(), isInvalidState);
  });

  test('waitFor() re-checks the predicate after each wake-up and resolves to its value (ConditionTests.test_wait_for)', () =>
    run(async () => {
      const cond = new Condition();
      let presult = false;
      const result: number[] = [];
      const t = createTask(async () => {
        await cond.acquire();
        if (await cond.waitFor(() => presult)) {
          result.push(1);
          cond.release();
        }
        return true;
      });
      await sleep(0);
      assert.deepEqual(result, []);

      await cond.acquire();
      cond.notify();
      cond.release();
      await sleep(0);
      assert.deepEqual(result, [], 'woken, but the predicate is still false');

      presult = true;
      await cond.acquire();
      cond.notify();
      cond.release();
      await sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(t.result(), true);
    }));

  test('waitFor() with a true predicate needs no lock; with a false one it throws InvalidStateError (ConditionTests.test_wait_for_unacquired)', () =>
    run(async () => {
      const cond = new Condition();
      assert.deepEqual(await cond.waitFor(() => [1, 2, 3]), [1, 2, 3]);
      assert.throws(() => cond.waitFor(() => false), isInvalidState);
    }));

  test('waitFor() rejects a non-function, and a predicate that returns a promise, with TypeError', () =>
    run(async () => {
      const cond = new Condition();
      const isArgType = (e: unknown) =>
        e instanceof TypeError && (e as { code?: string }).code === 'ERR_INVALID_ARG_TYPE';
      assert.throws(() => cond.waitFor('ready' as never), isArgType);
      assert.throws(() => cond.waitFor(async () => false), isArgType);
      // A promise returned on a later check rejects the wait (the lock is released by use()).
      let calls = 0;
      const t = createTask(() =>
        cond.use(() => cond.waitFor(() => (++calls === 1 ? false : Promise.resolve(true)))),
      );
      await sleep(0);
      await cond.use(() => cond.notify());
      await assert.rejects(t, isArgType);
      assert.equal(cond.locked(), false);
    }));

  test('an error thrown by the predicate rejects waitFor()', () =>
    run(async () => {
      const cond = new Condition();
      await assert.rejects(
        cond.waitFor(() => {
          throw new Error('predicate failed');
        }),
        /predicate failed/,
      );
    }));

  test('notify(1) wakes one waiter; notify(2048) wakes the rest (ConditionTests.test_notify)', () =>
    run(async () => {
      const cond = new Condition();
      const result: number[] = [];
      const waiter = (n: number) => async () => {
        await cond.acquire();
        if (await cond.wait()) {
          result.push(n);
          cond.release();
        }
        return true;
      };
      const tasks = [createTask(waiter(1)), createTask(waiter(2)), createTask(waiter(3))];
      await sleep(0);
      assert.deepEqual(result, []);

      await cond.acquire();
      cond.notify(1);
      cond.release();
      await sleep(0);
      assert.deepEqual(result, [1]);

      await cond.acquire();
      cond.notify(1);
      cond.notify(2048);
      cond.release();
      await sleep(0);
      assert.deepEqual(result, [1, 2, 3]);
      for (const t of tasks) assert.equal(t.result(), true);
    }));

  test('notifyAll() wakes every waiter (ConditionTests.test_notify_all)', () =>
    run(async () => {
      const cond = new Condition();
      const result: number[] = [];
      const waiter = (n: number) => async () => {
        await cond.acquire();
        if (await cond.wait()) {
          result.push(n);
          cond.release();
        }
        return true;
      };
      const tasks = [createTask(waiter(1)), createTask(waiter(2))];
      await sleep(0);
      await cond.acquire();
      cond.notifyAll();
      cond.release();
      await sleep(0);
      assert.deepEqual(result, [1, 2]);
      for (const t of tasks) assert.equal(t.result(), true);
    }));

  test('notify(n) rejects a negative, fractional or non-number n', () =>
    run(async () => {
      const cond = new Condition();
      await cond.use(() => {
        assert.throws(() => cond.notify(-1), RangeError);
        assert.throws(() => cond.notify(1.5), RangeError);
        assert.throws(() => cond.notify(NaN), RangeError);
        assert.throws(() => cond.notify('1' as never), TypeError);
        cond.notify(0);
        cond.notify(Infinity);
      });
    }));

  test('use(fn) holds the lock while fn runs (ConditionTests.test_context_manager)', () =>
    run(async () => {
      const cond = new Condition();
      assert.equal(cond.locked(), false);
      await cond.use(() => assert.equal(cond.locked(), true));
      assert.equal(cond.locked(), false);
    }));

  test('a condition shares the lock it is given (ConditionTests.test_explicit_lock)', () =>
    run(async () => {
      const check = async (lock: Lock, cond: Condition) => {
        assert.equal(lock.locked(), false);
        assert.equal(cond.locked(), false);
        await cond.use(() => {
          assert.equal(lock.locked(), true);
          assert.equal(cond.locked(), true);
        });
        assert.equal(lock.locked(), false);
        await lock.use(() => assert.equal(cond.locked(), true));
        assert.equal(cond.locked(), false);
      };
      const lock = new Lock();
      await check(lock, new Condition(lock));
      assert.throws(() => new Condition({} as never), TypeError);
    }));

  test('waitFor() with a timeout inside use() times out and leaves with the lock held (ConditionTests.test_timeout_in_block)', async () => {
    using _clock = VirtualClock.install();
    await run(async () => {
      const cond = new Condition();
      await cond.use(async () => {
        await assert.rejects(
          waitFor(() => cond.wait(), 500),
          (e: unknown) => e instanceof TimeoutError,
        );
        assert.equal(cond.locked(), true, 'wait() took the lock back after the timeout');
      });
      assert.equal(cond.locked(), false);
    });
  });

  test('a cancel received while waiting for a notification is re-thrown unchanged, message included (ConditionTests.test_cancelled_error_wakeup)', () =>
    run(async () => {
      const cond = new Condition();
      let raised: unknown = null;
      const task = createTask(() =>
        cond.use(async () => {
          try {
            await cond.waitFor(() => false);
          } catch (error) {
            raised = error;
            assert.equal(cond.locked(), true);
            throw error;
          }
        }),
      );
      await sleep(0);
      task.cancel('foo');
      const error = await task.then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(error instanceof CancelledError);
      assert.equal(error.message, 'foo');
      assert.equal(error, raised, 'the very same instance');
    }));

  test('a cancel received while re-taking the lock is re-thrown unchanged, message included (ConditionTests.test_cancelled_error_re_aquire)', () =>
    run(async () => {
      const cond = new Condition();
      let wake = false;
      let raised: unknown = null;
      const task = createTask(() =>
        cond.use(async () => {
          try {
            await cond.waitFor(() => wake);
          } catch (error) {
            raised = error;
            throw error;
          }
        }),
      );
      await sleep(0); // waiting on the condition
      await cond.acquire();
      wake = true;
      cond.notify();
      await sleep(0); // now trying to take the lock back
      task.cancel('foo');
      cond.release();
      const error = await task.then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(error instanceof CancelledError);
      assert.equal(error.message, 'foo');
      assert.equal(error, raised, 'the very same instance');
      assert.equal(cond.locked(), false);
    }));

  for (const [where, name, relock] of [
    ['waiting for the wake-up', 'test_cancelled_wakeup', false],
    ['re-taking the lock', 'test_cancelled_wakeup_relock', true],
  ] as const) {
    test(`a notify racing a cancel while ${where} is passed on, not lost (ConditionTests.${name})`, async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const cond = new Condition();
        let state = 0;
        const consumer = () =>
          cond.use(async () => {
            for (;;) {
              await cond.waitFor(() => state !== 0);
              if (state < 0) return;
              state -= 1;
            }
          });
        const c = [createTask(consumer), createTask(consumer)] as const;
        await sleep(0); // both wait
        await cond.use(async () => {
          state += 1;
          cond.notify(1); // wakes c[0] ...
          if (relock) await sleep(0); // ... which then waits for the lock we hold
          c[0].cancel(); // ... and is cancelled: the wake-up must reach c[1]
          try {
            await timeout(10, () => cond.waitFor(() => state === 0));
          } catch (error) {
            if (!(error instanceof TimeoutError)) throw error;
          }
          assert.equal(state, 0, 'the item was consumed: the notification was not lost');
          state = -1;
          cond.notifyAll();
        });
        await c[1];
        await assert.rejects(c[0], CancelledError);
      });
    });
  }

  test('inspect shows the lock state and the waiters; statistics() includes the lock', () =>
    run(async () => {
      const cond = new Condition();
      assert.equal(inspect(cond), '<Condition unlocked>');
      const t = createTask(() => cond.use(() => cond.wait()));
      await sleep(0);
      assert.equal(inspect(cond), '<Condition unlocked waiters=1>');
      await cond.acquire();
      assert.equal(inspect(cond), '<Condition locked waiters=1>');
      assert.deepEqual(cond.statistics(), {
        waiters: 1,
        lock: { locked: true, waiters: 0 },
      });
      cond.notify();
      cond.release();
      await t;
      assert.equal(inspect(cond), '<Condition unlocked>');
    }));
});
