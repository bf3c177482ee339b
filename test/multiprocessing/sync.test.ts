import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createTask, run, sleep } from 'concur-ts/asyncio';
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  BrokenResourceError,
  Condition,
  Event,
  InvalidStateError,
  Lock,
  Manager,
  RLock,
  Semaphore,
} from 'concur-ts/multiprocessing';
import { VirtualClock } from 'concur-ts/testing';

import { Children } from './harness.js';

describe('multiprocessing Lock and RLock', () => {
  test('a child cannot take a lock the parent holds without blocking, and can once it is free', async () => {
    await using children = new Children();
    const lock = new Lock();
    await lock.acquire();
    assert.equal(await children.start('tryLock', { lock }).result, false);
    await lock.release();
    assert.equal(await children.start('tryLock', { lock }).result, true);
    assert.equal(await lock.locked(), true); // the child took it and any process may release
    await lock.release();
  });

  test('an acquire with a timeout in a child returns false after the timeout', async () => {
    await using children = new Children();
    const lock = new Lock();
    await lock.acquire();
    assert.equal(await children.start('tryLockTimeout', { lock, timeout: 50 }).result, false);
    await lock.release();
  });

  test('releasing an unlocked lock is an InvalidStateError, in the owner and in a child', async () => {
    await using children = new Children();
    const lock = new Lock();
    await assert.rejects(lock.release(), InvalidStateError);
    const outcome = (await children.start('releaseLock', { lock }).result) as {
      error: { code: string };
    };
    assert.equal(outcome.error.code, 'ERR_CONCUR_INVALID_STATE');
  });

  test('an RLock is reentrant for its holder, in a child too', async () => {
    await using children = new Children();
    const rlock = new RLock();
    assert.equal(await children.start('rlockNested', { rlock }).result, 2);
    await rlock.use(() => rlock.use(() => undefined));
    assert.equal(await rlock.locked(), false);
  });

  test('only the holder may release an RLock', async () => {
    await run(async () => {
      const rlock = new RLock();
      const holder = createTask(() => rlock.acquire());
      await holder;
      await assert.rejects(rlock.release(), InvalidStateError);
    });
  });

  test('a lock whose holder process exits breaks: the waiter gets BrokenResourceError', async () => {
    await using children = new Children();
    const lock = new Lock();
    const held = new Event();
    const child = children.start('holdAndExit', { lock, held });
    await held.wait();
    const waiting = assert.rejects(lock.acquire(), BrokenResourceError);
    await child.exited;
    await waiting;
    await assert.rejects(lock.acquire(), BrokenResourceError);
    assert.equal((await lock.statistics()).broken, true);
  });

  test('an RLock whose holder process exits breaks too', async () => {
    await using children = new Children();
    const rlock = new RLock();
    const held = new Event();
    const child = children.start('holdAndExit', { lock: rlock, held });
    await held.wait();
    const waiting = assert.rejects(rlock.acquire(), BrokenResourceError);
    await child.exited;
    await waiting;
  });

  test('three processes incrementing under one lock lose no update', async () => {
    await using children = new Children();
    await using manager = await Manager.start();
    const lock = manager.Lock();
    const counter = manager.Namespace({ value: 0 });
    const runs = [1, 2, 3].map(() => children.start('increment', { lock, counter, n: 30 }));
    await Promise.all(runs.map((r) => r.result));
    assert.equal(await counter.get('value'), 90);
  });

  test('a task cancelled while waiting for a lock holds nothing', async () => {
    await run(async () => {
      const lock = new Lock();
      await lock.acquire();
      const waiter = createTask(() => lock.acquire());
      await sleep(0);
      waiter.cancel();
      await assert.rejects(waiter, { name: 'CancelledError' });
      await lock.release();
      assert.equal(await lock.locked(), false);
    });
  });
});

describe('multiprocessing Semaphore', () => {
  test('a semaphore counts permits across processes', async () => {
    await using children = new Children();
    const sem = new Semaphore(3);
    assert.equal(await sem.acquire(), true);
    assert.equal(await children.start('semaphoreTake', { sem, n: 5 }).result, 2);
    assert.equal(await sem.getValue(), 0);
    await sem.release(3);
    assert.equal(await sem.getValue(), 3);
  });

  test('a process that exits holding permits does not break the semaphore (it has no owner)', async () => {
    await using children = new Children();
    const sem = new Semaphore(2);
    const child = children.start('semaphoreTake', { sem, n: 1 });
    assert.equal(await child.result, 1);
    await child.exited;
    assert.equal(await sem.getValue(), 1);
    assert.equal(await sem.acquire({ blocking: false }), true);
    await sem.release(2);
  });

  test('acquire timeouts are honoured', async () => {
    await run(async () => {
      using clock = VirtualClock.install({ autojump: true });
      const sem = new Semaphore(0);
      const start = clock.now();
      assert.equal(await sem.acquire({ timeout: 100 }), false);
      assert.ok(clock.now() - start >= 100);
      assert.equal(await sem.acquire({ blocking: false }), false);
    });
  });

  test('a BoundedSemaphore refuses a release past its bound', async () => {
    const sem = new BoundedSemaphore(1);
    await assert.rejects(sem.release(), RangeError);
    await sem.acquire();
    await sem.release();
    assert.equal(await sem.getValue(), 1);
  });

  test('a negative initial value is refused', () => {
    assert.throws(() => new Semaphore(-1), RangeError);
  });
});

describe('multiprocessing Condition and Event', () => {
  test('notify(n) wakes exactly n waiting processes', async () => {
    await using children = new Children();
    const cond = new Condition();
    const waiting = new Semaphore(0);
    const runs = [1, 2, 3].map(() => children.start('conditionWait', { cond, waiting }));
    for (let i = 0; i < 3; i++) await waiting.acquire();
    // Every child released `waiting` while holding the lock; once we hold it, all wait.
    await cond.use(() => cond.notify(2));
    let woken = 0;
    await new Promise<void>((resolve) => {
      for (const r of runs) {
        void r.result.then(() => {
          if (++woken === 2) resolve();
        });
      }
    });
    assert.equal((await cond.statistics()).waiters, 1);
    await cond.use(() => cond.notifyAll());
    assert.deepEqual(await Promise.all(runs.map((r) => r.result)), [true, true, true]);
  });

  test('a process killed while waiting on a condition does not take the lock with it', async () => {
    await using children = new Children();
    const cond = new Condition();
    const waiting = new Semaphore(0);
    const child = children.start('conditionWait', { cond, waiting });
    await waiting.acquire();
    await cond.use(async () => {
      assert.equal((await cond.statistics()).waiters, 1);
    });
    child.child.kill('SIGKILL');
    await child.exited;
    // The exit event can come before the owner sees the connection close: wait for that.
    while ((await cond.statistics()).waiters > 0) await sleep(1);
    await cond.use(() => cond.notifyAll());
    assert.equal(await cond.acquire({ blocking: false }), true);
    await cond.release();
  });

  test('a condition wait in a child times out with false', async () => {
    await using children = new Children();
    const cond = new Condition(new Lock());
    const waiting = new Semaphore(0);
    const child = children.start('conditionWait', { cond, waiting, timeout: 50 });
    assert.equal(await child.result, false);
  });

  test('waitFor returns false after its timeout when the predicate stays false', async () => {
    await run(async () => {
      const cond = new Condition();
      const result = await cond.use(() => cond.waitFor(() => false, 30));
      assert.equal(result, false);
    });
  });

  test('wait and notify need the lock held by the caller', async () => {
    const cond = new Condition();
    await assert.rejects(cond.wait(), InvalidStateError);
    await assert.rejects(cond.notify(), InvalidStateError);
  });

  test('a task cancelled in wait holds the lock again when its CancelledError arrives', async () => {
    await run(async () => {
      const cond = new Condition();
      const waiter = createTask(() =>
        cond.use(async () => {
          try {
            await cond.wait();
          } finally {
            assert.equal(await cond.acquire({ blocking: false }), true); // reentrant: held
            await cond.release();
          }
        }),
      );
      await sleep(0);
      await sleep(0);
      waiter.cancel();
      await assert.rejects(waiter, { name: 'CancelledError' });
      assert.equal(await cond.acquire({ blocking: false }), true); // use() released it
      await cond.release();
    });
  });

  test('Event.wait with a timeout is false until a child sets the event, then true', async () => {
    await using children = new Children();
    const event = new Event();
    assert.equal(await children.start('eventWait', { event, timeout: 30 }).result, false);
    const waiter = children.start('eventWait', { event });
    assert.equal(await children.start('eventSet', { event }).result, true);
    assert.equal(await waiter.result, true);
    assert.equal(await event.isSet(), true);
    await event.clear();
    assert.equal(await event.wait(0), false);
  });
});

describe('multiprocessing Barrier', () => {
  test('three processes pass 20 rounds in lockstep, and each round exactly one gets index 0', async () => {
    await using children = new Children();
    await using manager = await Manager.start();
    const barrier = manager.Barrier(3);
    const log = manager.list<number>();
    const rounds = 20;
    const runs = [1, 2, 3].map(() =>
      children.start<number[]>('barrierRounds', { barrier, rounds, log }),
    );
    const indices = await Promise.all(runs.map((r) => r.result));
    for (let r = 0; r < rounds; r++) {
      const round = indices.map((list) => list[r]).sort();
      assert.deepEqual(round, [0, 1, 2]);
    }
  });

  test('a process killed while waiting at a barrier breaks it: the others get BrokenResourceError', async () => {
    await using children = new Children();
    const barrier = new Barrier(3);
    const child = children.start('barrierWait', { barrier });
    while ((await barrier.nWaiting()) === 0) await sleep(1);
    const mine = assert.rejects(barrier.wait(), BrokenResourceError);
    child.child.kill('SIGKILL');
    await child.exited;
    await mine;
    assert.equal(await barrier.broken(), true);
  });

  test('abort breaks the barrier for the waiting child and for later waits', async () => {
    await using children = new Children();
    const barrier = new Barrier(2);
    const child = children.start<{ ok: boolean; error: { code: string } }>('barrierWait', {
      barrier,
    });
    while ((await barrier.nWaiting()) === 0) await sleep(1);
    await barrier.abort();
    assert.equal((await child.result).error.code, 'ERR_CONCUR_BROKEN_BARRIER');
    await assert.rejects(barrier.wait(), BrokenBarrierError);
    await barrier.reset();
    assert.equal(await barrier.broken(), false);
  });

  test('reset releases waiters with BrokenBarrierError and leaves the barrier usable', async () => {
    await run(async () => {
      const barrier = new Barrier(2);
      const waiter = createTask(() => barrier.wait());
      await sleep(0);
      await barrier.reset();
      await assert.rejects(waiter, BrokenBarrierError);
      const other = createTask(() => barrier.wait());
      const mine = await barrier.wait();
      assert.deepEqual([mine, await other].sort(), [0, 1]);
    });
  });

  test('the default timeout breaks the barrier', async () => {
    await run(async () => {
      using _clock = VirtualClock.install({ autojump: true });
      const barrier = new Barrier(2, { timeout: 100 });
      await assert.rejects(barrier.wait(), BrokenBarrierError);
      assert.equal(await barrier.broken(), true);
    });
  });

  test('the action runs once per round in the creating process', async () => {
    await run(async () => {
      let rounds = 0;
      const barrier = new Barrier(2, { action: () => rounds++ });
      const other = createTask(() => barrier.wait());
      await barrier.wait();
      await other;
      assert.equal(rounds, 1);
    });
  });
});
