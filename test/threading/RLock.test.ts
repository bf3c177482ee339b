import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { BrokenResourceError, Event, InvalidStateError, RLock } from 'concur-ts/threading';

import { withWorkers } from './harness.js';

describe('threading RLock', () => {
  test('an RLock can be re-acquired by its owner and is free after as many releases (RLockTests.test_reacquire)', async () => {
    const lock = new RLock();
    assert.equal(await lock.acquire(), true);
    assert.equal(await lock.acquire(), true);
    lock.release();
    assert.equal(await lock.acquire({ blocking: false }), true);
    lock.release();
    assert.equal(lock.locked(), true);
    lock.release();
    assert.equal(lock.locked(), false);
  });

  test('releasing an RLock that is not held throws InvalidStateError (RLockTests.test_release_unacquired)', async () => {
    const lock = new RLock();
    assert.throws(() => lock.release(), InvalidStateError);
    await lock.acquire();
    await lock.acquire();
    lock.release();
    await lock.acquire();
    lock.release();
    lock.release();
    assert.throws(() => lock.release(), InvalidStateError);
  });

  test('a thread that does not hold the RLock cannot release it (RLockTests.test_different_thread)', () =>
    withWorkers(async (workers) => {
      const lock = new RLock();
      const held = new Event();
      const go = new Event();
      const holder = workers.start('hold', { lock, held, go });
      await held.wait();
      assert.throws(
        () => lock.release(),
        (error: unknown) => {
          assert.ok(error instanceof InvalidStateError);
          assert.match(error.message, new RegExp(`thread ${holder.threadId} holds it`));
          return true;
        },
      );
      go.set();
      assert.equal(await holder.result, 'released');
    }));

  test('an RLock held by one thread is locked() for another (RLockTests.test_locked_with_2threads)', () =>
    withWorkers(async (workers) => {
      const lock = new RLock();
      assert.equal(await workers.start('locked', { lock }).result, false);
      await lock.acquire();
      assert.equal(await workers.start('locked', { lock }).result, true);
      await lock.acquire();
      lock.release();
      assert.equal(await workers.start('locked', { lock }).result, true);
      lock.release();
      assert.equal(await workers.start('locked', { lock }).result, false);
    }));

  test('the recursion count is the calling thread’s only (RLockTests.test_recursion_count)', () =>
    withWorkers(async (workers) => {
      const lock = new RLock();
      assert.equal(lock.statistics().recursionCount, 0);
      await lock.acquire();
      assert.equal(lock.statistics().recursionCount, 1);
      await lock.acquire();
      await lock.acquire();
      assert.equal(lock.statistics().recursionCount, 3);
      assert.equal(inspect(lock), '<RLock locked owner=0 count=3>');
      assert.equal(await workers.start('recursionCount', { lock }).result, 0);
      lock.release();
      lock.release();
      lock.release();
      assert.equal(lock.statistics().recursionCount, 0);

      const held = new Event();
      const go = new Event();
      const holder = workers.start('hold', { lock, held, go });
      await held.wait();
      assert.equal(lock.statistics().recursionCount, 0);
      assert.equal(lock.statistics().owner, holder.threadId);
      go.set();
      await holder.result;
    }));

  test('a non-owner waits for the RLock, then takes it at depth 1', () =>
    withWorkers(async (workers) => {
      const lock = new RLock();
      const held = new Event();
      const go = new Event();
      const holder = workers.start('hold', { lock, held, go });
      await held.wait();
      assert.equal(await lock.acquire({ blocking: false }), false);
      const acquiring = lock.acquire();
      go.set();
      assert.equal(await acquiring, true);
      assert.equal(lock.statistics().recursionCount, 1);
      lock.release();
      assert.equal(lock.locked(), false);
      await holder.result;
    }));

  test('an RLock held by a thread that exits is broken for its waiters', () =>
    withWorkers(async (workers) => {
      const lock = new RLock();
      const held = new Event();
      const holder = workers.start('hold', { lock, held, exitHolding: true });
      await held.wait();
      const waiting = lock.acquire();
      await holder.exited;
      await assert.rejects(waiting, BrokenResourceError);
      assert.throws(() => lock.release(), BrokenResourceError);
    }));

  test('acquireSync refuses to block the main thread unless allowed', () => {
    const lock = new RLock();
    assert.throws(() => lock.acquireSync(), InvalidStateError);
    assert.equal(lock.acquireSync({ allowMainThread: true }), true);
    assert.equal(lock.acquireSync({ blocking: false }), true);
    assert.equal(lock.statistics().recursionCount, 2);
    lock.release();
    lock.release();
  });
});
