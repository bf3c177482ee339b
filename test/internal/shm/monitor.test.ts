/**
 * The wait engine (Monitor + WaitList): a semaphore-shaped client against a model of
 * permits and a first-in first-out line of waiting tasks; then real worker threads
 * sleeping in it — wake order, no lost wake-up with a lock-free fast path, and a dead
 * sleeper reaped. Handshakes only (the list's size, shared words), no timing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';

import fc from 'fast-check';

import { CancelledError, createTask, run, type Task } from 'concur-ts/asyncio';

import {
  GUARD,
  MAX_INSIDE,
  ORDER,
  ORDER_NEXT,
  TICKETS,
  type EngineArgs,
} from '../fixtures/engineWords.js';
import { futex, monitor as engine, waitList } from '../internals.js';
import { eventually } from '../../fixtures/polling.js';

const { BLOCKED, Monitor, TIMED_OUT } = engine;

type Op =
  | { kind: 'wait' }
  | { kind: 'tryWait' }
  | { kind: 'release'; n: number }
  | { kind: 'take' }
  | { kind: 'cancel'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'wait' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'tryWait' }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }).map<Op>((n) => ({ kind: 'release', n })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'take' }) },
  { weight: 2, arbitrary: fc.nat().map<Op>((pick) => ({ kind: 'cancel', pick })) },
);

/** A semaphore on the engine, as threading's Semaphore uses it. */
function permitsClient(recheck: boolean) {
  const words = new Int32Array(new SharedArrayBuffer(8));
  const list = new waitList.WaitList();
  const monitor = new Monitor(words, 0, 'the test guard', recheck);
  const take = (): true | typeof BLOCKED => {
    if (Atomics.load(words, 1) === 0) return BLOCKED;
    Atomics.sub(words, 1, 1);
    return true;
  };
  return {
    list,
    value: () => Atomics.load(words, 1),
    take,
    wait: (deadline: number) => monitor.until(list, deadline, take),
    release(n: number): void {
      Atomics.add(words, 1, n);
      monitor.wakeAfterChange(list, n);
    },
  };
}

describe('shm Monitor: a semaphore on the wait engine against a model', () => {
  for (const recheck of [false, true]) {
    test(`waiters get permits first in first out; cancelled and timed-out waits take nothing (recheck ${recheck})`, () =>
      fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 40 }), (sequence) =>
          run(async () => {
            const sem = permitsClient(recheck);
            let permits = 0;
            const line: Task<unknown>[] = []; // waiting, oldest first
            for (const step of sequence) {
              switch (step.kind) {
                case 'wait': {
                  const task = createTask(() => sem.wait(Infinity));
                  if (permits > 0) {
                    assert.equal(await task, true);
                    permits--;
                  } else {
                    line.push(task);
                    await eventually(() => sem.list.size === line.length, 'the waiter to sleep');
                  }
                  break;
                }
                case 'tryWait': {
                  const got = await sem.wait(0);
                  assert.equal(got, permits > 0 ? true : TIMED_OUT);
                  if (permits > 0) permits--;
                  break;
                }
                case 'release': {
                  sem.release(step.n);
                  const served = line.splice(0, step.n);
                  // Polled, not awaited: a wrong waiter woken fails here instead of hanging.
                  await eventually(
                    () => served.every((task) => task.done()),
                    'the oldest waiters being served',
                    { guardMs: 10_000 },
                  );
                  for (const task of served) assert.equal(task.result(), true);
                  permits += step.n - served.length;
                  break;
                }
                case 'take':
                  assert.equal(sem.take(), permits > 0 ? true : BLOCKED);
                  if (permits > 0) permits--;
                  break;
                case 'cancel': {
                  if (line.length === 0) break;
                  const [task] = line.splice(step.pick % line.length, 1);
                  task!.cancel();
                  await assert.rejects(task!, CancelledError);
                  break;
                }
              }
              assert.equal(sem.value(), permits);
              assert.equal(sem.list.size, line.length);
              for (const task of line) assert.equal(task.done(), false);
            }
            sem.release(line.length);
            for (const task of line) assert.equal(await task, true);
            assert.equal(futex.pendingWaits(), 0);
          }),
        ),
        { numRuns: 40 },
      ));
  }
});

describe('shm Monitor: a change outside the guard (recheck)', () => {
  /**
   * Plays the race a lock-free client must survive: a permit given (outside the guard)
   * after the waiter's failed try but before its slot is in the list — so the giver sees
   * no waiter and wakes nobody. Returns the wait and its list right after its first step.
   */
  function raceOnce(recheck: boolean) {
    const words = new Int32Array(new SharedArrayBuffer(8));
    const list = new waitList.WaitList();
    const monitor = new Monitor(words, 0, 'the test guard', recheck);
    let tries = 0;
    const wait = monitor.until(list, Infinity, () => {
      tries++;
      if (Atomics.load(words, 1) > 0) {
        Atomics.sub(words, 1, 1);
        return true;
      }
      if (tries === 1) {
        Atomics.add(words, 1, 1); // the giver, in the window…
        assert.equal(list.size, 0); // …sees nobody to wake
      }
      return BLOCKED;
    });
    return { wait, list, monitor };
  }

  test('with recheck, a permit given between a failed try and the enqueue is taken without sleeping', async () => {
    const { wait, list } = raceOnce(true);
    assert.equal(list.size, 0);
    assert.equal(await wait, true);
  });

  test('without recheck the waiter sleeps on that permit until someone wakes it (why lock-free clients need recheck)', async () => {
    const { wait, list, monitor } = raceOnce(false);
    assert.equal(list.size, 1);
    monitor.run(() => list.wake(1));
    assert.equal(await wait, true);
  });
});

/** Runs the engine script of `args` in a worker; `close()` ends every worker started. */
class EngineWorkers {
  private readonly workers: Worker[] = [];

  start(args: EngineArgs): { worker: Worker; result: Promise<number> } {
    const worker = new Worker(new URL('../fixtures/engineWorker.js', import.meta.url), {
      workerData: args,
    });
    this.workers.push(worker);
    const result = new Promise<number>((resolve, reject) => {
      worker.once('message', (m: { ok: boolean; value?: number; message?: string }) =>
        m.ok ? resolve(m.value as number) : reject(new Error(m.message)),
      );
      worker.once('error', reject);
    });
    result.catch(() => undefined);
    return { worker, result };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

async function withEngineWorkers(body: (workers: EngineWorkers) => Promise<void>): Promise<void> {
  const workers = new EngineWorkers();
  try {
    await body(workers);
  } finally {
    await workers.close();
  }
}

/** The words the scripts share (see engineWorker.ts), and their buffer. */
function sharedWords(): { words: Int32Array; buffer: SharedArrayBuffer } {
  const buffer = new SharedArrayBuffer((ORDER + 8) * Int32Array.BYTES_PER_ELEMENT);
  return { words: new Int32Array(buffer), buffer };
}

describe('shm Monitor across real threads', () => {
  test('wake(1) wakes the oldest of three sleeping threads, then wake(2) the other two', () =>
    withEngineWorkers(async (workers) => {
      const { words, buffer } = sharedWords();
      const list = new waitList.WaitList();
      const monitor = new Monitor(words, GUARD, 'the test guard');
      const started = [];
      for (let i = 0; i < 3; i++) {
        started.push(workers.start({ script: 'ticket', words: buffer, list: list.share() }));
        await eventually(() => list.size === i + 1, `thread ${i} to sleep`);
      }
      const ids = started.map((s) => s.worker.threadId);
      monitor.run(() => {
        Atomics.add(words, TICKETS, 1);
        list.wake(1);
      });
      assert.equal(await started[0]!.result, ids[0]);
      assert.equal(list.size, 2);
      monitor.run(() => {
        Atomics.add(words, TICKETS, 2);
        list.wake(2);
      });
      assert.deepEqual(await Promise.all(started.slice(1).map((s) => s.result)), ids.slice(1));
      assert.equal(Atomics.load(words, ORDER_NEXT), 3);
      assert.equal(Atomics.load(words, ORDER), ids[0]);
    }));

  test('a lock-free take and give never lose a wake-up: 4 threads pass 2 permits 2 000 times each', () =>
    withEngineWorkers(async (workers) => {
      const { words, buffer } = sharedWords();
      Atomics.store(words, TICKETS, 2);
      const list = new waitList.WaitList();
      const passes = 2000;
      const running = Array.from({ length: 4 }, () =>
        workers.start({ script: 'permits', words: buffer, list: list.share(), passes }),
      );
      assert.deepEqual(await Promise.all(running.map((r) => r.result)), Array(4).fill(passes));
      assert.equal(Atomics.load(words, TICKETS), 2);
      assert.ok(Atomics.load(words, MAX_INSIDE) <= 2, 'never more than 2 inside');
      assert.equal(list.size, 0);
    }));

  test('a thread terminated while asleep is reaped, and the next wake-up reaches a live one', () =>
    withEngineWorkers(async (workers) => {
      const { words, buffer } = sharedWords();
      const list = new waitList.WaitList();
      const monitor = new Monitor(words, GUARD, 'the test guard');
      const dead = workers.start({ script: 'ticket', words: buffer, list: list.share() });
      await eventually(() => list.size === 1, 'the first thread to sleep');
      const live = workers.start({ script: 'ticket', words: buffer, list: list.share() });
      await eventually(() => list.size === 2, 'the second thread to sleep');
      const deadId = dead.worker.threadId;
      await dead.worker.terminate();
      assert.equal(monitor.ownerDied([list], deadId), true);
      assert.equal(list.size, 1);
      monitor.run(() => {
        Atomics.add(words, TICKETS, 1);
        list.wake(1);
      });
      assert.equal(await live.result, live.worker.threadId);
    }));
});
