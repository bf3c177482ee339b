import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { CancelledError, createTask, run } from 'concur-ts/asyncio';
import {
  BoundedSemaphore,
  InvalidStateError,
  Semaphore,
  SimpleQueue,
  Value,
} from 'concur-ts/threading';

import { eventually } from '../fixtures/polling.js';
import { killMidWait, results, withWorkers } from './harness.js';

function drain<T>(queue: SimpleQueue<T>): T[] {
  const items: T[] = [];
  while (!queue.empty()) items.push(queue.getNowait());
  return items;
}

describe('threading Semaphore', () => {
  test('the constructor refuses a negative or fractional value (BaseSemaphoreTests.test_constructor)', () => {
    assert.throws(() => new Semaphore(-1), RangeError);
    assert.throws(() => new Semaphore(1.5), RangeError);
    assert.throws(() => new Semaphore('2' as unknown as number), TypeError);
    assert.throws(() => new BoundedSemaphore(-5), { code: 'ERR_OUT_OF_RANGE' });
    assert.equal(new Semaphore().value, 1);
  });

  test('acquire with a timeout returns false when no permit comes, and blocking: false cannot take a timeout (BaseSemaphoreTests.test_acquire_timeout)', async () => {
    const sem = new Semaphore(2);
    assert.throws(() => sem.acquire({ blocking: false, timeout: 1000 }), RangeError);
    assert.equal(await sem.acquire({ timeout: 5 }), true);
    assert.equal(await sem.acquire({ timeout: 5 }), true);
    assert.equal(await sem.acquire({ timeout: 5 }), false);
    sem.release();
    assert.equal(await sem.acquire({ timeout: 5 }), true);
    assert.equal(await sem.acquire({ timeout: 20 }), false);
  });

  test('release(n) wakes n waiting threads (BaseSemaphoreTests.test_multirelease)', () =>
    withWorkers(async (workers) => {
      const sem = new Semaphore(0);
      const reports = new SimpleQueue<number>();
      const waiters = workers.startMany(3, 'semAcquireReport', { sem, results: reports });
      await eventually(() => sem.statistics().waiters === 3, 'three waiters');
      sem.release(2);
      await eventually(() => reports.qsize() === 2, 'two acquisitions');
      assert.equal(sem.statistics().waiters, 1);
      assert.equal(sem.value, 0);
      sem.release();
      await results(waiters);
      assert.equal(reports.qsize(), 3);
      assert.throws(() => sem.release(0), RangeError);
    }));

  test('non-blocking acquires in other threads get exactly the free permits (BaseSemaphoreTests.test_try_acquire_contended)', () =>
    withWorkers(async (workers) => {
      const sem = new Semaphore(4);
      await sem.acquire();
      const tries = await results(workers.startMany<boolean[]>(2, 'semTryTwice', { sem }));
      assert.deepEqual(tries.flat().sort(), [false, true, true, true]);
    }));

  test('contended acquires proceed exactly as permits are released (BaseSemaphoreTests.test_acquire_contended)', () =>
    withWorkers(async (workers) => {
      const N = 4; // threads, each acquiring twice
      const sem = new Semaphore(4);
      await sem.acquire();
      const phase = new Value('int32', 0);
      const reports = new SimpleQueue<number>();
      const threads = workers.startMany(N, 'semAcquireTwice', { sem, phase, results: reports });
      await eventually(() => reports.qsize() === 3, 'phase 0');
      assert.deepEqual(drain(reports), [0, 0, 0]);
      phase.value = 1;
      for (let i = 0; i < 3; i++) sem.release();
      await eventually(() => reports.qsize() === 3, 'phase 1');
      phase.value = 2;
      sem.release();
      await eventually(() => reports.qsize() === 4, 'phase 2');
      assert.deepEqual(drain(reports).sort(), [1, 1, 1, 2]);
      // One thread is still blocked: the semaphore has no permit.
      assert.equal(await sem.acquire({ blocking: false }), false);
      sem.release();
      await results(threads);
      assert.deepEqual(drain(reports), [2]);
    }));

  test('a BoundedSemaphore refuses to be released past its initial value (BoundedSemaphoreTests.test_release_unacquired)', async () => {
    const sem = new BoundedSemaphore();
    assert.throws(
      () => sem.release(),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /released too many times/);
        return true;
      },
    );
    await sem.acquire();
    sem.release();
    assert.throws(() => sem.release(), RangeError);
    const three = new BoundedSemaphore(3);
    await three.acquire();
    await three.acquire();
    assert.throws(() => three.release(3), RangeError);
    three.release(2);
    assert.equal(three.value, 3);
    assert.equal(inspect(three), '<BoundedSemaphore value=3/3>');
  });

  test('an unbounded Semaphore may be released past its initial value (SemaphoreTests.test_release_unacquired)', async () => {
    const sem = new Semaphore(1);
    sem.release();
    assert.equal(await sem.acquire(), true);
    assert.equal(await sem.acquire(), true);
    sem.release();
  });

  test('a cancelled acquire takes no permit and the permit goes to the next waiter', () =>
    run(async () => {
      const sem = new Semaphore(0);
      const first = createTask(() => sem.acquire());
      const second = createTask(() => sem.acquire());
      await eventually(() => sem.statistics().waiters === 2, 'two waiters');
      first.cancel();
      await assert.rejects(first, CancelledError);
      sem.release();
      assert.equal(await second, true);
      assert.equal(sem.value, 0);
    }));

  test('use() returns the permit; acquireSync refuses to block the main thread', async () => {
    const sem = new Semaphore(1);
    assert.equal(await sem.use(() => sem.value), 0);
    assert.equal(sem.value, 1);
    assert.throws(() => sem.acquireSync(), InvalidStateError);
    assert.equal(sem.acquireSync({ blocking: false }), true);
    assert.equal(inspect(sem), '<Semaphore value=0>');
    sem.release();
  });
});

describe('threading.Semaphore: a waiter whose thread dies', () => {
  /** A Semaphore(0) whose one waiter, blocked in acquireSync() on a worker thread, was killed. */
  async function withKilledWaiter(): Promise<Semaphore> {
    const sem = new Semaphore(0);
    await killMidWait(
      (s: Semaphore) => s.acquireSync(),
      [sem],
      () => sem.statistics().waiters === 1,
      'the waiter to sleep',
    );
    return sem;
  }

  test('a waiter killed in acquireSync() does not swallow the permit released for a live waiter', async () => {
    const sem = await withKilledWaiter();
    const live = sem.acquire({ timeout: 10_000 });
    sem.release();
    assert.equal(await live, true);
    assert.equal(sem.statistics().value, 0);
  });

  test('a waiter killed in acquireSync() is no longer counted in statistics().waiters', async () => {
    const sem = await withKilledWaiter();
    assert.equal(sem.statistics().waiters, 0);
    assert.equal(inspect(sem), '<Semaphore value=0>');
  });
});
