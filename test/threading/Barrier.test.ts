import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { CancelledError, createTask, run } from 'concur-ts/asyncio';
import { captureExceptions } from 'concur-ts/testing';
import { Barrier, BrokenBarrierError, Event, InvalidStateError, Value } from 'concur-ts/threading';

import { eventually } from '../fixtures/polling.js';
import { killMidWait, results, withWorkers } from './harness.js';

/** Parties of the multi-thread tests (CPython uses 5; each is a real worker here). */
const N = 4;

interface Passed {
  indices: number[];
  values: number[];
  error?: string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('threading Barrier', () => {
  test('the indices of a round are 0..parties-1 (BarrierTests.test_wait_return)', () =>
    withWorkers(async (workers) => {
      const barrier = new Barrier(N);
      const passed = await results(
        workers.startMany<Passed>(N, 'barrierWait', { barrier, rounds: 3 }),
      );
      for (let round = 0; round < 3; round++) {
        assert.deepEqual(passed.map((p) => p.indices[round]).sort(), range(N));
      }
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  test('the main thread can be a party with the async wait()', () =>
    withWorkers(async (workers) => {
      const barrier = new Barrier(N);
      const others = workers.startMany<Passed>(N - 1, 'barrierWait', { barrier, rounds: 2 });
      const mine = [await barrier.wait(), await barrier.wait()];
      const passed = await results(others);
      for (const round of [0, 1]) {
        assert.deepEqual([mine[round], ...passed.map((p) => p.indices[round])].sort(), range(N));
      }
    }));

  test('the action runs once per round, before any party is released (BarrierTests.test_action)', () =>
    withWorkers(async (workers) => {
      const rounds = new Value('int32', 0);
      const barrier = new Barrier(N, { action: () => (rounds.value += 1) });
      // Every party is a worker: the action runs on this (its home) thread's event loop.
      const passed = await results(
        workers.startMany<Passed>(N, 'barrierWait', { barrier, rounds: 3, seen: rounds }),
      );
      assert.equal(rounds.value, 3);
      for (const p of passed) assert.deepEqual(p.values, [1, 2, 3]);
    }));

  test('the action runs in the home thread when it arrives last, and also when it waits in waitSync', () =>
    withWorkers(async (workers) => {
      const rounds = new Value('int32', 0);
      const barrier = new Barrier(N, { action: () => (rounds.value += 1) });
      const others = workers.startMany<Passed>(N - 1, 'barrierWait', { barrier, seen: rounds });
      await eventually(() => barrier.nWaiting === N - 1, 'the other parties');
      assert.ok([0, 1, 2, 3].includes(await barrier.wait())); // last: runs the action inline
      for (const p of await results(others)) assert.deepEqual(p.values, [1]);
      // Blocked in waitSync while a worker arrives last: the blocked home party runs it.
      const second = workers.startMany<Passed>(N - 1, 'barrierWait', {
        barrier,
        seen: rounds,
        minWaiting: 1,
      });
      assert.ok(barrier.waitSync(undefined, { allowMainThread: true }) >= 0);
      for (const p of await results(second)) assert.deepEqual(p.values, [2]);
      assert.equal(rounds.value, 2);
    }));

  test('an action that throws breaks the barrier; the error goes to the thread that ran it', () =>
    withWorkers(async (workers) => {
      let calls = 0;
      const barrier = new Barrier(N, {
        action: () => {
          calls += 1;
          if (calls === 1) throw new TypeError('the action failed');
        },
      });
      const others = workers.startMany<Passed>(N - 1, 'barrierWait', { barrier });
      await eventually(() => barrier.nWaiting === N - 1, 'the other parties');
      await assert.rejects(barrier.wait(), TypeError); // the last party ran it
      for (const p of await results(others)) assert.equal(p.error, 'BrokenBarrierError');
      assert.equal(barrier.broken, true);

      // Run by the event loop (every party a worker): reported to the exception handler.
      barrier.reset();
      calls = 0;
      using captured = captureExceptions();
      const all = await results(workers.startMany<Passed>(N, 'barrierWait', { barrier }));
      for (const p of all) assert.equal(p.error, 'BrokenBarrierError');
      assert.equal(captured.contexts.length, 1);
      assert.ok(captured.contexts[0]?.exception instanceof TypeError);
      barrier.reset();
      assert.equal(barrier.broken, false);
    }));

  test('abort() breaks the barrier for every party (BarrierTests.test_abort)', () =>
    withWorkers(async (workers) => {
      const barrier = new Barrier(N);
      const outcomes = await results(
        workers.startMany<string>(N, 'barrierAbort', { barrier, parties: N }),
      );
      assert.deepEqual(outcomes.sort(), [
        'BrokenBarrierError',
        'BrokenBarrierError',
        'BrokenBarrierError',
        'aborted',
      ]);
      assert.equal(barrier.broken, true);
      await assert.rejects(barrier.wait(), BrokenBarrierError);
    }));

  test('reset() frees the waiting parties with BrokenBarrierError and the barrier works again (BarrierTests.test_reset)', () =>
    withWorkers(async (workers) => {
      const barrier = new Barrier(N);
      const outcomes = await results(
        workers.startMany<string[]>(N, 'barrierReset', { barrier, parties: N }),
      );
      assert.deepEqual(outcomes.map((o) => o[0]).sort(), [
        'BrokenBarrierError',
        'BrokenBarrierError',
        'BrokenBarrierError',
        'reset',
      ]);
      for (const o of outcomes) assert.equal(o[1], 'again');
    }));

  test('a broken barrier can be reset and used again (BarrierTests.test_abort_and_reset)', () =>
    withWorkers(async (workers) => {
      const barrier = new Barrier(N);
      const barrier2 = new Barrier(N);
      const outcomes = await results(
        workers.startMany<string[]>(N, 'barrierAbortAndReset', { barrier, barrier2, parties: N }),
      );
      assert.deepEqual(outcomes.map((o) => o[0]).sort(), [
        'BrokenBarrierError',
        'BrokenBarrierError',
        'BrokenBarrierError',
        'aborted',
      ]);
      for (const o of outcomes) assert.equal(o[1], 'again');
      assert.equal(barrier.broken, false);
    }));

  test('a wait that times out breaks the barrier for everyone (BarrierTests.test_timeout)', () =>
    withWorkers(async (workers) => {
      const barrier = new Barrier(N, { timeout: 60_000 });
      const late = new Event();
      const parties = workers.startMany<string>(N, 'barrierLate', {
        barrier,
        parties: N,
        late,
        timeout: 30,
      });
      // The punctual parties time out (30 ms, shorter than the default) and break it.
      await eventually(() => barrier.broken, 'the barrier to break');
      late.set();
      assert.deepEqual(await results(parties), Array(N).fill('BrokenBarrierError'));
    }));

  test('the default timeout applies to wait() without one (BarrierTests.test_default_timeout)', () =>
    withWorkers(async (workers) => {
      const barrier = new Barrier(N, { timeout: 30 });
      const late = new Event();
      const parties = workers.startMany<string>(N, 'barrierLate', { barrier, parties: N, late });
      await eventually(() => barrier.broken, 'the barrier to break');
      late.set();
      assert.deepEqual(await results(parties), Array(N).fill('BrokenBarrierError'));
      await assert.rejects(barrier.wait(), BrokenBarrierError);
    }));

  test('a barrier of one party never waits (BarrierTests.test_single_thread)', async () => {
    const barrier = new Barrier(1);
    assert.equal(await barrier.wait(), 0);
    assert.equal(await barrier.wait(), 0);
    assert.equal(barrier.waitSync(undefined, { allowMainThread: true }), 0);
  });

  test('a cancelled wait leaves the barrier without breaking it', () =>
    run(async () => {
      const barrier = new Barrier(2);
      const task = createTask(() => barrier.wait());
      await eventually(() => barrier.nWaiting === 1, 'the waiter');
      task.cancel();
      await assert.rejects(task, CancelledError);
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
      const other = createTask(() => barrier.wait());
      await eventually(() => barrier.nWaiting === 1, 'the new waiter');
      assert.equal(await barrier.wait(), 1);
      assert.equal(await other, 0);
    }));

  test('bad arguments are refused at the call', () => {
    assert.throws(() => new Barrier(0), RangeError);
    assert.throws(() => new Barrier(-1), RangeError);
    assert.throws(() => new Barrier(2.5), RangeError);
    assert.throws(() => new Barrier('3' as unknown as number), TypeError);
    assert.throws(() => new Barrier(2, { action: 'x' as unknown as () => void }), TypeError);
    assert.throws(() => new Barrier(2, { timeout: -5 }), RangeError);
    const barrier = new Barrier(2);
    assert.throws(() => barrier.wait(-3), RangeError);
    assert.throws(() => barrier.waitSync(), InvalidStateError);
    assert.equal(inspect(barrier), '<Barrier filling waiters=0/2>');
    barrier.abort();
    assert.equal(inspect(barrier), '<Barrier broken>');
    assert.deepEqual(barrier.statistics(), {
      state: 'broken',
      parties: 2,
      nWaiting: 0,
      broken: true,
    });
  });
});

describe('threading.Barrier: a party whose thread dies', () => {
  for (const how of ['waitSync', 'wait'] as const) {
    test(`a party killed in ${how}() breaks the barrier: the next party gets BrokenBarrierError, not a pass`, async () => {
      const barrier = new Barrier(2);
      await killMidWait(
        how === 'waitSync' ? (b: Barrier) => b.waitSync() : (b: Barrier) => b.wait(),
        [barrier],
        () => barrier.nWaiting === 1,
        'the party to wait',
      );
      assert.equal(barrier.broken, true);
      assert.equal(barrier.nWaiting, 0);
      await assert.rejects(barrier.wait(10_000), BrokenBarrierError);
      // Repaired by reset(): a full round of live parties passes again.
      barrier.reset();
      const other = createTask(() => barrier.wait(10_000));
      await eventually(() => barrier.nWaiting === 1, 'the new party');
      assert.deepEqual([await barrier.wait(10_000), await other].sort(), [0, 1]);
    });
  }
});
