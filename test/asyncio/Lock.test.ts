import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import {
  CancelledError,
  createTask,
  Future,
  getRunningLoop,
  InvalidStateError,
  Lock,
  run,
  sleep,
} from 'concur-ts/asyncio';
import * as root from 'concur-ts';

describe('Lock', () => {
  test('acquire() resolves to true and holds the lock until release()', () =>
    run(async () => {
      const lock = new Lock();
      assert.equal(lock.locked(), false);
      assert.equal(await lock.acquire(), true);
      assert.equal(lock.locked(), true);
      lock.release();
      assert.equal(lock.locked(), false);
    }));

  test('the lock is FIFO and each release() wakes exactly one waiter (LockTests.test_acquire)', () =>
    run(async () => {
      const lock = new Lock();
      const result: number[] = [];
      assert.equal(await lock.acquire(), true);

      const taker = (n: number) => async () => {
        if (await lock.acquire()) result.push(n);
        return true;
      };
      const t1 = createTask(taker(1));
      const t2 = createTask(taker(2));
      await sleep(0);
      assert.deepEqual(result, []);

      lock.release();
      await sleep(0);
      assert.deepEqual(result, [1]);
      await sleep(0);
      assert.deepEqual(result, [1]);

      const t3 = createTask(taker(3));
      lock.release();
      await sleep(0);
      assert.deepEqual(result, [1, 2]);

      lock.release();
      await sleep(0);
      assert.deepEqual(result, [1, 2, 3]);
      for (const t of [t1, t2, t3]) {
        assert.equal(t.done(), true);
        assert.equal(t.result(), true);
      }
      lock.release();
    }));

  test('a newcomer queues behind a woken waiter that has not resumed yet', () =>
    run(async () => {
      const lock = new Lock();
      const order: string[] = [];
      await lock.acquire();
      const waiter = createTask(async () => {
        await lock.acquire();
        order.push('waiter');
        lock.release();
      });
      await sleep(0);
      lock.release(); // wakes `waiter`, which has not run yet
      assert.equal(lock.locked(), false);
      const newcomer = createTask(async () => {
        await lock.acquire();
        order.push('newcomer');
        lock.release();
      });
      await Promise.all([waiter, newcomer]);
      assert.deepEqual(order, ['waiter', 'newcomer']);
    }));

  test('cancelling a task queued in acquire() removes its waiter (LockTests.test_acquire_cancel)', () =>
    run(async () => {
      const lock = new Lock();
      assert.equal(await lock.acquire(), true);
      const task = createTask(() => lock.acquire());
      getRunningLoop().callSoon(() => task.cancel());
      await assert.rejects(task, CancelledError);
      assert.equal(lock.statistics().waiters, 0);
      assert.equal(lock.locked(), true, 'the cancelled acquire took nothing');
      lock.release();
    }));

  test('a waiter cancelled just as the holder releases passes the lock to the next waiter (LockTests.test_cancel_race)', () =>
    run(async () => {
      const lock = new Lock();
      const lockit = (blocker: Future<void> | null) => async () => {
        await lock.acquire();
        try {
          if (blocker !== null) await blocker;
        } finally {
          lock.release();
        }
      };
      const fa = new Future<void>();
      const ta = createTask(lockit(fa));
      await sleep(0);
      assert.equal(lock.locked(), true);
      const tb = createTask(lockit(null));
      await sleep(0);
      assert.equal(lock.statistics().waiters, 1);
      const tc = createTask(lockit(null));
      await sleep(0);
      assert.equal(lock.statistics().waiters, 2);

      // The race: A is about to release while B, the head waiter, is cancelled.
      fa.setResult();
      tb.cancel();
      await sleep(0);
      assert.equal(lock.locked(), false);
      assert.equal(ta.done(), true);
      assert.equal(tb.cancelled(), true);
      await tc; // C got the lock (and released it): the wake-up was not lost
    }));

  test('cancelling the head waiter while releasing never lets two tasks take the lock (LockTests.test_cancel_release_race)', () =>
    run(async () => {
      const lock = new Lock();
      let lockCount = 0;
      let callCount = 0;
      const lockit = async () => {
        callCount++;
        await lock.acquire();
        lockCount++;
      };
      await lock.acquire();
      const t1 = createTask(lockit);
      const t2 = createTask(lockit);
      const t3 = createTask(lockit);
      await sleep(0); // all three queued

      getRunningLoop().callSoon(() => {
        t1.cancel();
        lock.release();
      });
      await assert.rejects(t1, CancelledError);
      await sleep(0);

      assert.equal(lockCount, 1, 'only one task took the lock');
      assert.equal(callCount, 3);
      assert.equal(t1.cancelled(), true);
      assert.equal(t2.done(), true);
      assert.equal(t3.done(), false);

      t3.cancel();
      await sleep(0);
      assert.equal(t3.cancelled(), true);
    }));

  test('a waiter woken and then cancelled before it resumes does not strand the lock (LockTests.test_finished_waiter_cancelled)', () =>
    run(async () => {
      const lock = new Lock();
      await lock.acquire();
      assert.equal(lock.locked(), true);
      const tb = createTask(() => lock.acquire());
      await sleep(0);
      assert.equal(lock.statistics().waiters, 1);

      const tc = createTask(() => lock.acquire());
      tb.cancel();
      lock.release();
      await sleep(0);

      assert.equal(lock.locked(), true);
      assert.equal(tb.cancelled(), true);
      assert.equal(await tc, true);
      lock.release();
    }));

  test('a woken waiter cancelled before it resumes hands the wake-up to the next waiter', () =>
    run(async () => {
      const lock = new Lock();
      await lock.acquire();
      const tb = createTask(() => lock.acquire());
      const tc = createTask(() => lock.acquire());
      await sleep(0);
      assert.equal(lock.statistics().waiters, 2);

      lock.release(); // wakes B ...
      tb.cancel(); // ... which is cancelled before it runs
      await assert.rejects(tb, CancelledError);
      assert.equal(await tc, true, 'C was woken in B’s place');
      assert.equal(lock.locked(), true);
      lock.release();
    }));

  test('releasing an unlocked lock throws InvalidStateError (LockTests.test_release_not_acquired)', () => {
    const lock = new Lock();
    assert.throws(
      () => lock.release(),
      (e: unknown) =>
        e instanceof InvalidStateError &&
        e.code === 'ERR_CONCUR_INVALID_STATE' &&
        /unlocked Lock/.test(e.message),
    );
    assert.equal(lock.locked(), false);
  });

  test('release() with no waiters unlocks the lock (LockTests.test_release_no_waiters)', () =>
    run(async () => {
      const lock = new Lock();
      await lock.acquire();
      lock.release();
      assert.equal(lock.locked(), false);
    }));

  test('any task may release the lock: there is no owner check', () =>
    run(async () => {
      const lock = new Lock();
      await lock.acquire();
      await createTask(() => lock.release());
      assert.equal(lock.locked(), false);
    }));

  test('an uncontended acquire() returns a shared settled promise', () => {
    const lock = new Lock();
    const first = lock.acquire();
    lock.release();
    const second = lock.acquire();
    lock.release();
    assert.equal(first, second);
  });

  describe('use(fn), the twin of async with', () => {
    test('holds the lock while fn runs and resolves to its result (LockTests.test_context_manager)', () =>
      run(async () => {
        const lock = new Lock();
        const value = await lock.use(async () => {
          assert.equal(lock.locked(), true);
          await sleep(0);
          return 42;
        });
        assert.equal(value, 42);
        assert.equal(lock.locked(), false);
      }));

    test('releases the lock when fn throws or rejects', () =>
      run(async () => {
        const lock = new Lock();
        await assert.rejects(
          lock.use(() => {
            throw new Error('sync boom');
          }),
          /sync boom/,
        );
        assert.equal(lock.locked(), false);
        await assert.rejects(
          lock.use(async () => {
            await sleep(0);
            throw new Error('async boom');
          }),
          /async boom/,
        );
        assert.equal(lock.locked(), false);
      }));

    test('serialises critical sections in arrival order', () =>
      run(async () => {
        const lock = new Lock();
        const log: string[] = [];
        const worker = (name: string) => () =>
          lock.use(async () => {
            log.push(`${name}+`);
            await sleep(0);
            log.push(`${name}-`);
          });
        await Promise.all([
          createTask(worker('a')),
          createTask(worker('b')),
          createTask(worker('c')),
        ]);
        assert.deepEqual(log, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
      }));

    test('a task cancelled while waiting never runs fn and holds nothing', () =>
      run(async () => {
        const lock = new Lock();
        await lock.acquire();
        let ran = false;
        const task = createTask(() => lock.use(() => (ran = true)));
        await sleep(0);
        task.cancel();
        await assert.rejects(task, CancelledError);
        assert.equal(ran, false);
        assert.equal(lock.locked(), true);
        lock.release();
        assert.equal(lock.locked(), false);
      }));

    test('a task cancelled while running fn releases the lock', () =>
      run(async () => {
        const lock = new Lock();
        const task = createTask(() => lock.use(() => sleep(Infinity)));
        await sleep(0);
        assert.equal(lock.locked(), true);
        task.cancel();
        await assert.rejects(task, CancelledError);
        assert.equal(lock.locked(), false);
      }));

    test('a cancel landing between the wake-up and fn still releases the lock', () =>
      run(async () => {
        const lock = new Lock();
        await lock.acquire();
        let ran = false;
        const task = createTask(() =>
          lock.use(async () => {
            ran = true;
            await sleep(0);
          }),
        );
        await sleep(0);
        lock.release(); // wakes the task...
        task.cancel(); // ...and cancels it before it resumes
        await assert.rejects(task, CancelledError);
        assert.equal(lock.locked(), false, 'the lock is not left held');
        assert.equal(ran, false);
      }));

    test('rejects a non-function with TypeError', () => {
      const lock = new Lock();
      assert.throws(
        () => lock.use(42 as never),
        (e: unknown) =>
          e instanceof TypeError && (e as { code?: string }).code === 'ERR_INVALID_ARG_TYPE',
      );
      assert.equal(lock.locked(), false);
    });
  });

  test('inspect shows the state and the waiters; statistics() gives { locked, waiters }', () =>
    run(async () => {
      const lock = new Lock();
      assert.equal(inspect(lock), '<Lock unlocked>');
      assert.deepEqual(lock.statistics(), { locked: false, waiters: 0 });
      await lock.acquire();
      assert.equal(inspect(lock), '<Lock locked>');
      const waiters = [createTask(() => lock.acquire()), createTask(() => lock.acquire())];
      await sleep(0);
      assert.equal(inspect(lock), '<Lock locked waiters=2>');
      assert.deepEqual(lock.statistics(), { locked: true, waiters: 2 });
      for (const t of waiters) t.cancel();
      await Promise.allSettled(waiters);
      lock.release();
    }));

  test('Lock, Event and Semaphore are also exported from the root', () => {
    assert.equal(root.Lock, Lock);
    assert.equal(typeof root.Event, 'function');
    assert.equal(typeof root.Semaphore, 'function');
  });
});
