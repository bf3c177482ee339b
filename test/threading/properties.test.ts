/**
 * Property tests: random sequences of operations on one thread, checked step by step
 * against a trivial reference model (a boolean, a counter, an array…).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serialize } from 'node:v8';

import fc from 'fast-check';

import { CancelledError, createTask, run, type Task } from 'concur-ts/asyncio';
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  InvalidStateError,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  RLock,
  Semaphore,
} from 'concur-ts/threading';

import { eventually } from '../fixtures/polling.js';

describe('threading primitives against reference models', () => {
  test('Lock: try-acquire and release behave as a boolean', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('acquire', 'release'), { maxLength: 40 }), (ops) => {
        const lock = new Lock();
        let locked = false;
        for (const op of ops) {
          if (op === 'acquire') {
            assert.equal(lock.acquireSync({ blocking: false }), !locked);
            locked = true;
          } else if (locked) {
            lock.release();
            locked = false;
          } else {
            assert.throws(() => lock.release(), InvalidStateError);
          }
          assert.equal(lock.locked(), locked);
        }
      }),
    );
  });

  test('RLock: acquire and release behave as a depth counter', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('acquire', 'release'), { maxLength: 40 }), (ops) => {
        const lock = new RLock();
        let depth = 0;
        for (const op of ops) {
          if (op === 'acquire') {
            assert.equal(lock.acquireSync({ blocking: false }), true);
            depth++;
          } else if (depth > 0) {
            lock.release();
            depth--;
          } else {
            assert.throws(() => lock.release(), InvalidStateError);
          }
          assert.equal(lock.statistics().recursionCount, depth);
          assert.equal(lock.locked(), depth > 0);
        }
      }),
    );
  });

  test('Semaphore and BoundedSemaphore: try-acquire and release(n) behave as a counter', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'acquire' as const, n: 1 }),
      fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: 'release' as const, n })),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        fc.array(op, { maxLength: 40 }),
        (initial, bounded, ops) => {
          const sem = bounded ? new BoundedSemaphore(initial) : new Semaphore(initial);
          let value = initial;
          for (const { kind, n } of ops) {
            if (kind === 'acquire') {
              assert.equal(sem.acquireSync({ blocking: false }), value > 0);
              if (value > 0) value--;
            } else if (bounded && value + n > initial) {
              assert.throws(() => sem.release(n), RangeError);
            } else {
              sem.release(n);
              value += n;
            }
            assert.equal(sem.value, value);
          }
        },
      ),
    );
  });

  test('Queue, LifoQueue and PriorityQueue behave as an array with maxsize, maxBytes, taskDone and shutdown', () => {
    type Item = [number, string];
    const op = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 300 }))
          .map((item) => ({ kind: 'put' as const, item: item })),
      },
      { weight: 4, arbitrary: fc.constant({ kind: 'get' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'taskDone' as const }) },
      {
        weight: 1,
        arbitrary: fc.boolean().map((immediate) => ({ kind: 'shutdown' as const, immediate })),
      },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('fifo', 'lifo', 'priority'),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(1024, 2048, 64 * 1024),
        fc.array(op, { maxLength: 60 }),
        (kind, maxsize, maxBytes, ops) => {
          const Kind = kind === 'fifo' ? Queue : kind === 'lifo' ? LifoQueue : PriorityQueue;
          const q = new Kind<Item>({ maxsize, maxBytes });
          const record = (item: Item) =>
            (kind === 'fifo' ? 4 : 12) + ((serialize(item).length + 3) & ~3);
          const model: Item[] = []; // in get order
          let unfinished = 0;
          let shutdown = false;
          const used = () => model.reduce((sum, item) => sum + record(item), 0);
          for (const step of ops) {
            if (step.kind === 'put') {
              const { item } = step;
              if (shutdown) {
                assert.throws(() => q.putNowait(item), QueueShutDown);
              } else if (record(item) > maxBytes) {
                assert.throws(() => q.putNowait(item), RangeError);
              } else if (
                (maxsize > 0 && model.length >= maxsize) ||
                used() + record(item) > maxBytes
              ) {
                assert.throws(() => q.putNowait(item), QueueFull);
              } else {
                q.putNowait(item);
                unfinished++;
                if (kind === 'fifo') model.push(item);
                else if (kind === 'lifo') model.unshift(item);
                else {
                  // Stable: after every item of the same or smaller priority.
                  let at = model.findIndex(([p]) => p > item[0]);
                  if (at < 0) at = model.length;
                  model.splice(at, 0, item);
                }
              }
            } else if (step.kind === 'get') {
              if (model.length > 0) assert.deepEqual(q.getNowait(), model.shift());
              else assert.throws(() => q.getNowait(), shutdown ? QueueShutDown : QueueEmpty);
            } else if (step.kind === 'taskDone') {
              if (unfinished > 0) {
                q.taskDone();
                unfinished--;
              } else {
                assert.throws(() => q.taskDone(), RangeError);
              }
            } else {
              q.shutdown(step.immediate);
              shutdown = true;
              if (step.immediate) {
                unfinished = Math.max(0, unfinished - model.length);
                model.length = 0;
              }
            }
            assert.equal(q.qsize(), model.length);
            assert.equal(q.statistics().unfinishedTasks, unfinished);
            assert.equal(q.statistics().bytes, used());
            assert.equal(q.isShutdown, shutdown);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('Condition: notify(n) wakes exactly the n oldest waiters, notifyAll every one', () =>
    run(async () => {
      const op = fc.oneof(
        { weight: 3, arbitrary: fc.constant({ kind: 'wait' as const, n: 0 }) },
        {
          weight: 2,
          arbitrary: fc.integer({ min: 0, max: 3 }).map((n) => ({ kind: 'notify' as const, n })),
        },
        { weight: 1, arbitrary: fc.constant({ kind: 'notifyAll' as const, n: 0 }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const, n: 0 }) },
      );
      await fc.assert(
        fc.asyncProperty(fc.boolean(), fc.array(op, { maxLength: 12 }), async (rlock, ops) => {
          const cond = new Condition(rlock ? new RLock() : new Lock());
          const waiting: Task<boolean>[] = []; // oldest first
          try {
            for (const { kind, n } of ops) {
              if (kind === 'wait') {
                waiting.push(createTask(() => cond.use(() => cond.wait())));
                await eventually(
                  () => cond.statistics().waiters === waiting.length,
                  'the new waiter',
                );
              } else if (kind === 'cancel') {
                const youngest = waiting.pop();
                if (youngest === undefined) continue;
                youngest.cancel();
                await assert.rejects(youngest, CancelledError);
              } else {
                const woken = waiting.splice(0, kind === 'notifyAll' ? waiting.length : n);
                await cond.use(() => (kind === 'notifyAll' ? cond.notifyAll() : cond.notify(n)));
                for (const task of woken) assert.equal(await task, true);
              }
              assert.equal(cond.statistics().waiters, waiting.length);
              for (const task of waiting) assert.equal(task.done(), false);
            }
          } finally {
            for (const task of waiting) task.cancel();
            for (const task of waiting)
              await task.then(
                () => undefined,
                () => undefined,
              );
          }
          assert.equal(cond.locked(), false);
        }),
        { numRuns: 40 },
      );
    }));

  test('Barrier: arrivals, abort and reset behave as a counter with a broken flag', () =>
    run(async () => {
      const op = fc.oneof(
        { weight: 6, arbitrary: fc.constant('arrive' as const) },
        { weight: 1, arbitrary: fc.constant('abort' as const) },
        { weight: 1, arbitrary: fc.constant('reset' as const) },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.array(op, { maxLength: 16 }),
          async (parties, ops) => {
            const barrier = new Barrier(parties);
            let pending: Task<number>[] = []; // arrival order
            let broken = false;
            const failAll = async () => {
              for (const task of pending) await assert.rejects(task, BrokenBarrierError);
              pending = [];
            };
            for (const step of ops) {
              if (step === 'arrive') {
                const task = createTask(() => barrier.wait());
                if (broken) {
                  await assert.rejects(task, BrokenBarrierError);
                } else if (pending.length + 1 === parties) {
                  const round = [...pending, task];
                  pending = [];
                  assert.deepEqual(
                    await Promise.all(round),
                    round.map((_, i) => i),
                  );
                } else {
                  pending.push(task);
                  await eventually(() => barrier.nWaiting === pending.length, 'the arrival');
                }
              } else if (step === 'abort') {
                barrier.abort();
                broken = true;
                await failAll();
              } else {
                barrier.reset();
                broken = false;
                await failAll();
              }
              assert.equal(barrier.broken, broken);
              assert.equal(barrier.nWaiting, broken ? 0 : pending.length);
            }
            barrier.abort();
            await failAll();
          },
        ),
        { numRuns: 40 },
      );
    }));
});
