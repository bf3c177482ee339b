import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  CancelledError,
  createTask,
  Future,
  gather,
  getRunningLoop,
  run,
  sleep,
  wait,
  type Task,
} from 'concur-ts/asyncio';
import { captureExceptions, VirtualClock } from 'concur-ts/testing';

/** Ways to hand a future to gather, like CPython's FutureGatherTests / CoroutineGatherTests. */
const wrappers: [string, (f: Future<unknown>) => PromiseLike<unknown>][] = [
  ['futures', (f) => f],
  ['promises', (f) => (async () => await f)()],
  ['tasks', (f) => createTask(() => f)],
];

/** Records the calls of a done callback. */
function recorder(): { calls: unknown[]; cb: (f: unknown) => void } {
  const calls: unknown[] = [];
  return { calls, cb: (f) => void calls.push(f) };
}

describe('gather: results in input order (§6.8)', () => {
  for (const [label, wrap] of wrappers) {
    for (const returnExceptions of [false, true]) {
      // CPython GatherTestsBase.test_success / test_result_exception_success
      test(`results come back in input order, not completion order (${label}, returnExceptions: ${returnExceptions})`, async () => {
        const [a, b, c] = [new Future<number>(), new Future<number>(), new Future<number>()];
        const fut = gather([a, b, c].map(wrap), { returnExceptions });
        const { calls, cb } = recorder();
        fut.addDoneCallback(cb);
        b.setResult(1);
        a.setResult(2);
        await sleep(0);
        assert.deepEqual(calls, []);
        assert.equal(fut.done(), false);
        c.setResult(3);
        await sleep(0);
        assert.deepEqual(calls, [fut]);
        assert.deepEqual(fut.result(), [2, 1, 3]);
      });
    }
  }

  test('a mix of futures, tasks and promises resolves to their results in order', async () => {
    using _clock = VirtualClock.install();
    const results = await gather([
      sleep(30, 'future'),
      createTask(() => sleep(10, 'task')),
      Promise.resolve('promise'),
    ] as const);
    assert.deepEqual(results, ['future', 'task', 'promise']);
  });
});

describe('gather: the first error (§6.9)', () => {
  // CPython GatherTestsBase.test_one_exception
  test('the first error fails the gather at once; later results and errors of the others are ignored and not reported', async () => {
    using captured = captureExceptions();
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => new Future<number>());
    const fut = gather([a!, b!, c!, d!, e!]);
    const { calls, cb } = recorder();
    fut.addDoneCallback(cb);
    const exc = new RangeError('division by zero');
    a!.setResult(1);
    b!.setException(exc);
    await sleep(0);
    assert.equal(fut.done(), true);
    assert.deepEqual(calls, [fut]);
    assert.equal(fut.exception(), exc);
    // Does nothing to the gather:
    c!.setResult(3);
    d!.cancel();
    e!.setException(new Error('ignored'));
    await sleep(0);
    await sleep(0);
    assert.equal(fut.exception(), exc);
    assert.deepEqual(captured.contexts, [], 'the later error was marked retrieved');
  });

  test('the other tasks are not cancelled when one fails: they run to the end', async () => {
    using clock = VirtualClock.install();
    using captured = captureExceptions();
    const failing = createTask(async () => {
      await sleep(10);
      throw new Error('first');
    });
    const slow = createTask(async () => {
      await sleep(100);
      return 'slow';
    });
    const failingLater = createTask(async () => {
      await sleep(200);
      throw new Error('second');
    });
    await assert.rejects(gather([failing, slow, failingLater]), /first/);
    assert.equal(clock.now(), 10, 'the gather failed as soon as the first child did');
    assert.equal(slow.done(), false);
    assert.equal(failingLater.done(), false);
    assert.equal(await slow, 'slow');
    await wait([failingLater]);
    assert.equal(failingLater.cancelled(), false);
    await sleep(0);
    await sleep(0);
    assert.deepEqual(captured.contexts, []);
  });
});

describe('gather: returnExceptions (§6.10)', () => {
  // CPython GatherTestsBase.test_return_exceptions
  test('with returnExceptions, errors take their place in the results and the gather waits for every child', async () => {
    const [a, b, c, d] = Array.from({ length: 4 }, () => new Future<number>());
    const fut = gather([a!, b!, c!, d!], { returnExceptions: true });
    const { calls, cb } = recorder();
    fut.addDoneCallback(cb);
    const exc = new RangeError('zero');
    const exc2 = new Error('runtime');
    b!.setResult(1);
    c!.setException(exc);
    a!.setResult(3);
    await sleep(0);
    assert.equal(fut.done(), false);
    d!.setException(exc2);
    await sleep(0);
    assert.equal(fut.done(), true);
    assert.deepEqual(calls, [fut]);
    assert.deepEqual(fut.result(), [3, 1, exc, exc2]);
  });

  // CPython FutureGatherTests.test_result_exception_one_cancellation
  test('with returnExceptions, a cancelled child becomes a CancelledError in the results', async () => {
    const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => new Future<number>());
    const fut = gather([a!, b!, c!, d!, e!, f!], { returnExceptions: true });
    const { calls, cb } = recorder();
    fut.addDoneCallback(cb);
    a!.setResult(1);
    const zde = new RangeError('zero');
    b!.setException(zde);
    c!.cancel();
    await sleep(0);
    assert.equal(fut.done(), false);
    d!.setResult(3);
    e!.cancel('e went away');
    const rte = new Error('runtime');
    f!.setException(rte);
    const res = await fut;
    assert.ok(res[2] instanceof CancelledError);
    assert.ok(res[4] instanceof CancelledError);
    assert.equal(res[4].message, 'e went away');
    assert.deepEqual([res[0], res[1], res[3], res[5]], [1, zde, 3, rte]);
    assert.equal(fut.cancelled(), false);
    assert.deepEqual(calls, [fut]);
  });
});

describe('gather: a cancelled child (§6.11)', () => {
  // CPython FutureGatherTests.test_one_cancellation
  test('a cancelled child fails the gather with a CancelledError, but the gather itself is not cancelled', async () => {
    using captured = captureExceptions();
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => new Future<number>());
    const fut = gather([a!, b!, c!, d!, e!]);
    const { calls, cb } = recorder();
    fut.addDoneCallback(cb);
    a!.setResult(1);
    b!.cancel();
    await sleep(0);
    assert.equal(fut.done(), true);
    assert.deepEqual(calls, [fut]);
    assert.equal(fut.cancelled(), false);
    assert.ok(fut.exception() instanceof CancelledError);
    // Does nothing:
    c!.setResult(3);
    d!.cancel();
    e!.setException(new Error('ignored'));
    await sleep(0);
    await sleep(0);
    assert.deepEqual(captured.contexts, []);
  });
});

describe('gather: cancelling the gather (§6.12)', () => {
  // CPython CoroutineGatherTests.test_cancellation_broadcast
  test('cancelling the task that awaits gather cancels every child', async () => {
    let proof = 0;
    const waiter = new Future<void>();
    const inner = async (): Promise<void> => {
      await waiter;
      proof += 1;
    };
    const child1 = createTask(inner);
    const child2 = createTask(inner);
    let gatherer: Future<unknown> | null = null;
    const f = createTask(async () => {
      gatherer = gather([child1, child2]);
      await gatherer;
      proof += 100;
    });
    await sleep(0);
    assert.equal(f.cancel(), true);
    await assert.rejects(f, CancelledError);
    assert.equal(gatherer!.cancel(), false, 'the gather is done once its children are');
    assert.equal(waiter.cancelled(), true);
    assert.equal(child1.cancelled(), true);
    assert.equal(child2.cancelled(), true);
    await sleep(0);
    assert.equal(proof, 0);
  });

  // CPython test_cancel_gather_2 (bpo-32684)
  test('cancelling a gather with returnExceptions still cancels it instead of returning the CancelledErrors', async () => {
    using _clock = VirtualClock.install();
    const a = createTask(() => sleep(1000, 'a'));
    const b = new Future<string>();
    const g = gather([a, b], { returnExceptions: true });
    await sleep(0);
    assert.equal(g.cancel('enough'), true);
    await assert.rejects(g, (e: unknown) => e instanceof CancelledError && e.message === 'enough');
    // Difference from CPython: there the gather future ends with a CancelledError
    // *exception* (cancelled() is false); here cancel() returned true, so it is cancelled.
    assert.equal(g.cancelled(), true);
    assert.equal(a.cancelled(), true);
    assert.equal(b.cancelled(), true);
  });

  test('cancelling a task awaiting gather(…, {returnExceptions: true}) cancels the task, not just the children', async () => {
    using _clock = VirtualClock.install();
    let children: Task<unknown>[] = [];
    await assert.rejects(
      run(async (self) => {
        children = [createTask(() => sleep(1000)), createTask(() => sleep(2000))];
        getRunningLoop().callLater(10, () => self.cancel('from outside'));
        const results = await gather(children, { returnExceptions: true });
        return results; // not reached
      }),
      (e: unknown) => e instanceof CancelledError && e.message === 'from outside',
    );
    assert.ok(children.every((c) => c.cancelled()));
  });

  // JavaScript twin of `gather(coro_a(), coro_b(), return_exceptions=True)`: the children
  // are promises of async functions that run in the awaiting task's own context.
  test('cancelling a task awaiting gather of its own async calls, with returnExceptions, cancels the task and their concur awaits', async () => {
    using clock = VirtualClock.install();
    const steps: string[] = [];
    const branch = async (name: string, ms: number): Promise<string> => {
      await sleep(10);
      try {
        await sleep(ms);
      } catch (e) {
        if (e instanceof CancelledError) steps.push(`${name} cancelled`);
        throw e;
      }
      return name;
    };
    const t = createTask(() =>
      gather([branch('a', 1000), branch('b', 2000)], { returnExceptions: true }),
    );
    getRunningLoop().callLater(20, () => t.cancel('stop'));
    await assert.rejects(t, (e: unknown) => e instanceof CancelledError && e.message === 'stop');
    assert.equal(t.cancelled(), true);
    assert.equal(clock.now(), 20);
    await sleep(0);
    assert.deepEqual(steps.sort(), ['a cancelled', 'b cancelled']);
  });

  test('cancelling a task awaiting Promise.all of its own async calls cancels every branch', async () => {
    using clock = VirtualClock.install();
    const cancelled: string[] = [];
    const branch = async (name: string): Promise<void> => {
      try {
        await sleep(1000);
      } catch (e) {
        if (e instanceof CancelledError) cancelled.push(name);
        throw e;
      }
    };
    const t = createTask(async () => {
      await Promise.all([branch('a'), branch('b'), branch('c')]);
    });
    await sleep(0);
    t.cancel();
    await assert.rejects(t, CancelledError);
    await sleep(0);
    assert.deepEqual(cancelled.sort(), ['a', 'b', 'c']);
    assert.equal(clock.now(), 0);
  });

  // CPython test_cancel_gather_1 (bpo-26923)
  test('cancel() on a gather whose children are all done returns false, and the gather keeps its results', async () => {
    const child = new Future<number>();
    const g = gather([child]);
    child.setResult(42);
    assert.equal(g.done(), false, 'the gather learns of the result a little later');
    assert.equal(g.cancel(), false);
    assert.deepEqual(await g, [42]);
    assert.equal(g.cancelled(), false);
  });
});

describe('gather: edge cases (§6.13)', () => {
  // CPython FutureGatherTests.test_constructor_empty_sequence_use_running_loop
  test('gather([]) is a future already resolved to []', async () => {
    const fut = gather([]);
    assert.ok(fut instanceof Future);
    assert.equal(fut.done(), true);
    assert.deepEqual(fut.result(), []);
    assert.deepEqual(await fut, []);
  });

  // CPython CoroutineGatherTests.test_duplicate_coroutines
  test('the same awaitable given several times is wrapped once and its result repeated', async () => {
    let thenCalls = 0;
    const abc: PromiseLike<string> = {
      then(onFulfilled) {
        thenCalls++;
        return Promise.resolve('abc').then(onFulfilled);
      },
    };
    const def = Promise.resolve('def');
    const fut = gather([abc, abc, def, abc]);
    assert.deepEqual(await fut, ['abc', 'abc', 'def', 'abc']);
    assert.equal(thenCalls, 1);

    const task = createTask(() => 'once');
    assert.deepEqual(await gather([task, task]), ['once', 'once']);
  });

  // CPython CoroutineGatherTests.test_exception_marking
  test('the errors of the other children are marked retrieved: nothing reaches the exception handler or unhandledRejection', async () => {
    using captured = captureExceptions();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const a = new Future<void>();
      const b = new Future<void>();
      const inner = async (f: Future<void>): Promise<never> => {
        await f;
        throw new Error('should not be ignored');
      };
      // The outer task keeps the error as its result: here an error that is not retrieved
      // within a loop turn is reported (Python waits for garbage collection), and this test
      // is about the sibling's error, not the outer one.
      const outer = createTask(async () => {
        try {
          await gather([inner(a), inner(b)]);
          return null;
        } catch (e) {
          return e;
        }
      });
      await sleep(0);
      a.setResult();
      await sleep(0);
      b.setResult();
      await sleep(0);
      assert.ok(outer.result() instanceof Error);
      assert.match((outer.result() as Error).message, /should not be ignored/);
      await sleep(0);
      await sleep(0);
      assert.deepEqual(captured.contexts, []);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('gather: bad input', () => {
  test('gather() of something that is not iterable throws TypeError', () => {
    assert.throws(() => gather(123 as never), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => gather(null as never), TypeError);
  });

  test('gather() of a value that is not awaitable throws TypeError at the call', () => {
    assert.throws(() => gather([Promise.resolve(1), 2 as never]), /argument 1 is not awaitable/);
    assert.throws(() => gather(['x' as never]), TypeError);
  });

  test('gather() with a returnExceptions that is not a boolean throws TypeError', () => {
    assert.throws(() => gather([], { returnExceptions: 'yes' as never }), TypeError);
  });
});
