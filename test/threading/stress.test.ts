/**
 * Stress across real threads: many contended operations, checked by an invariant that a
 * single lost update, double wake-up or over-admission would break.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Lock,
  Queue,
  Semaphore,
  Value,
} from 'concur-ts/threading';

import { eventually } from '../fixtures/polling.js';
import { results, withWorkers } from './harness.js';

describe('threading under stress', () => {
  for (const threads of [2, 3]) {
    test(`N increments of a shared Value under a Lock from ${threads} threads end exactly at ${threads}N`, () =>
      withWorkers(async (workers) => {
        const lock = new Lock();
        const value = new Value('int32', 0);
        const n = 200_000;
        await results(workers.startMany(threads, 'increment', { lock, value, n }));
        assert.equal(value.value, threads * n);
        assert.equal(lock.locked(), false);
      }));
  }

  test('the main thread’s async increments interleave with 2 threads’ blocking ones without loss', () =>
    withWorkers(async (workers) => {
      const lock = new Lock();
      const value = new Value('int32', 0);
      const n = 5_000;
      const others = workers.startMany(2, 'increment', { lock, value, n });
      for (let i = 0; i < n; i++) {
        await lock.acquire();
        value.value += 1;
        lock.release();
      }
      await results(others);
      assert.equal(value.value, 3 * n);
    }));

  for (const Kind of [Semaphore, BoundedSemaphore]) {
    test(`a ${Kind.name}(2) never lets more than 2 of 3 threads in at once`, () =>
      withWorkers(async (workers) => {
        const sem = new Kind(2);
        const stats = new Int32Array(new SharedArrayBuffer(8)); // [inside now, most inside]
        await results(workers.startMany(3, 'semaphoreBound', { sem, stats, n: 20_000 }));
        assert.equal(stats[0], 0);
        assert.ok((stats[1] as number) <= 2, `saw ${stats[1]} inside`);
        assert.equal(sem.value, 2);
      }));
  }

  test('a Barrier of 3 threads stays in lockstep for 300 rounds', () =>
    withWorkers(async (workers) => {
      const rounds = new Value('int32', 0);
      const barrier = new Barrier(3, { action: () => (rounds.value += 1) });
      const passed = await results(
        workers.startMany<{ indices: number[]; values: number[] }>(3, 'barrierWait', {
          barrier,
          rounds: 300,
          seen: rounds,
        }),
      );
      assert.equal(rounds.value, 300);
      for (const p of passed) {
        // Each party saw the action of every round, never one ahead or behind.
        assert.deepEqual(
          p.values,
          Array.from({ length: 300 }, (_, i) => i + 1),
        );
      }
      for (let r = 0; r < 300; r++) {
        assert.deepEqual(passed.map((p) => p.indices[r]).sort(), [0, 1, 2]);
      }
    }));

  test('a bounded Queue moves 10 000 items between 2 producers and 2 consumers exactly once', () =>
    withWorkers(async (workers) => {
      const queue = new Queue<number>(8);
      const n = 5_000;
      const consumers = workers.startMany<number[]>(2, 'drain', { queue });
      const producers = [0, 1].map((p) =>
        workers.start('produce', {
          queue,
          items: Array.from({ length: n }, (_, i) => p * n + i),
        }),
      );
      await results(producers);
      await queue.join();
      queue.shutdown();
      const taken = (await results(consumers)).flat().sort((a, b) => a - b);
      assert.equal(taken.length, 2 * n);
      assert.deepEqual(
        taken,
        Array.from({ length: 2 * n }, (_, i) => i),
      );
    }));

  // The handshake has two halves. Before step k the main thread waits until every thread
  // still waiting is asleep in wait() (so each has checked its predicate against step
  // k - 1); after it, it waits until thread k has returned. Without the second half,
  // thread k could be woken by step k but re-take the lock only after step k + 1, find
  // its predicate false again, and wait for ever (the hang this test once had).
  test('waitFor in 3 threads returns in each exactly when its predicate holds', () =>
    withWorkers(async (workers) => {
      const cond = new Condition();
      const state = new Value('int32', 0);
      // 3 threads each wait until state reaches their target; the main thread steps it.
      const waiters = [1, 2, 3].map((target) =>
        workers.start<[boolean, number]>('condWaitFor', { cond, state, target }),
      );
      const outcome: [boolean, number][] = [];
      for (const [i, waiter] of waiters.entries()) {
        const step = i + 1;
        await eventually(() => cond.statistics().waiters === 4 - step, `${4 - step} waiters`);
        await cond.use(() => {
          state.value = step;
          cond.notifyAll();
        });
        outcome.push(await waiter.result);
      }
      assert.deepEqual(outcome, [
        [true, 1],
        [true, 2],
        [true, 3],
      ]);
    }));
});
