import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CancelledError, createTask, sleep } from 'concur-ts/asyncio';
import { asCompleted, Future, TimeoutError, wait } from 'concur-ts/futures';
import { captureExceptions, VirtualClock } from 'concur-ts/testing';

/**
 * The element of a `for await` over `asCompleted()`. TypeScript 5 may type a `for await`
 * element as `Awaited<T>`, but an async iterator's values are not awaited at run time: the
 * loop really receives the futures, as TypeScript 7 types them. This takes either.
 */
function yielded<T>(element: T | Future<T>): Future<T> {
  return element as unknown as Future<T>;
}

/** A promise (not a future) that resolves to `value` after `ms` of loop time. */
async function sleeper<T>(ms: number, value: T): Promise<T> {
  await sleep(ms);
  return value;
}

describe('asCompleted: order and identity (§6.16)', () => {
  // CPython test_as_completed (both iteration styles)
  test('plain iteration yields awaitables that resolve in completion order', async () => {
    using clock = VirtualClock.install();
    const values: string[] = [];
    for (const f of asCompleted([sleeper(10, 'b'), sleeper(150, 'c'), sleeper(10, 'a')])) {
      values.push(await f);
    }
    assert.deepEqual(new Set(values.slice(0, 2)), new Set(['a', 'b']));
    assert.equal(values[2], 'c');
    assert.equal(clock.now(), 150);
  });

  test('for await yields the futures in completion order', async () => {
    using clock = VirtualClock.install();
    const values: string[] = [];
    for await (const f of asCompleted([sleeper(10, 'b'), sleeper(150, 'c'), sleeper(10, 'a')])) {
      values.push(await yielded(f));
    }
    assert.deepEqual(new Set(values.slice(0, 2)), new Set(['a', 'b']));
    assert.equal(values[2], 'c');
    assert.equal(clock.now(), 150);
  });

  // CPython test_as_completed_same_tasks_in_as_out
  test('for await yields the original tasks and futures; promises come out wrapped in new futures', async () => {
    const taskB = createTask(() => 'b');
    const taskD = createTask(() => 'd');
    const plain = new Future<string>();
    plain.setResult('plain');
    const promiseA = Promise.resolve('a');
    const promiseC = Promise.resolve('c');
    const inputs = new Set<unknown>([promiseA, taskB, promiseC, taskD, plain]);
    const outputs = new Set<unknown>();
    for await (const element of asCompleted([promiseA, taskB, promiseC, taskD, plain])) {
      const f = yielded(element);
      assert.ok(f instanceof Future);
      outputs.add(f);
    }
    assert.equal(outputs.size, 5);
    assert.deepEqual(
      new Set([...outputs].filter((f) => inputs.has(f))),
      new Set<unknown>([taskB, taskD, plain]),
    );
    assert.deepEqual(
      new Set([...outputs].map((f) => (f as Future<string>).result())),
      new Set(['a', 'b', 'c', 'd', 'plain']),
    );
  });

  // CPython test_as_completed_reverse_wait
  test('plain-iteration awaitables resolve in completion order whichever one is awaited first', async () => {
    using clock = VirtualClock.install();
    const futs = [...asCompleted([sleeper(50, 'a'), sleeper(100, 'b')])];
    assert.equal(futs.length, 2);
    assert.equal(await futs[1], 'a');
    assert.equal(clock.now(), 50);
    assert.equal(await futs[0], 'b');
    assert.equal(clock.now(), 100);
  });

  // CPython test_as_completed_concurrent
  test('several plain-iteration awaitables can be awaited at the same time', async () => {
    using _clock = VirtualClock.install();
    const futs = [...asCompleted([sleeper(50, 'a'), sleeper(50, 'b')])];
    const { done } = await wait(futs);
    assert.deepEqual(new Set([...done].map((f) => f.result())), new Set(['a', 'b']));
  });

  test('for await results can be collected, then awaited together', async () => {
    using _clock = VirtualClock.install();
    const futs: Future<string>[] = [];
    for await (const f of asCompleted([sleeper(50, 'a'), sleeper(50, 'b')])) futs.push(yielded(f));
    const { done } = await wait(futs);
    assert.deepEqual(new Set([...done].map((f) => f.result())), new Set(['a', 'b']));
  });

  // CPython test_as_completed_duplicate_coroutines
  test('an awaitable given twice is yielded once', async () => {
    const ham = Promise.resolve('ham');
    const plain: string[] = [];
    for (const f of asCompleted([ham, ham, Promise.resolve('spam')])) plain.push(await f);
    assert.deepEqual(plain.sort(), ['ham', 'spam']);

    const task = createTask(() => 'task');
    const viaAsync: Future<string>[] = [];
    for await (const f of asCompleted([task, task])) viaAsync.push(yielded(f));
    assert.deepEqual(viaAsync, [task]);
  });

  test('asCompleted([]) yields nothing', async () => {
    const it = asCompleted([]);
    assert.deepEqual([...it], []);
    for await (const _ of asCompleted([])) assert.fail('nothing to yield');
  });
});

describe('asCompleted: timeout (§6.16)', () => {
  // CPython test_as_completed_with_timeout (async iterator)
  test('for await throws TimeoutError from the iterator once the timeout passes', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(100, 'a'));
    const b = createTask(() => sleep(150, 'b'));
    const values: [number, unknown][] = [];
    try {
      for await (const f of asCompleted([a, b], { timeout: 120 }))
        values.push([1, await yielded(f)]);
    } catch (e) {
      values.push([2, e]);
    }
    assert.equal(values.length, 2);
    assert.deepEqual(values[0], [1, 'a']);
    assert.equal(values[1]![0], 2);
    assert.ok(values[1]![1] instanceof TimeoutError);
    assert.equal(clock.now(), 120);
    assert.equal(b.cancelled(), false, 'the timeout does not cancel the futures');
    assert.equal(await b, 'b');
  });

  // CPython test_as_completed_with_timeout (plain iterator)
  test('in plain iteration, the awaitables left when the timeout passes reject with TimeoutError', async () => {
    using clock = VirtualClock.install();
    const a = createTask(() => sleep(100, 'a'));
    const b = createTask(() => sleep(150, 'b'));
    const values: [number, unknown][] = [];
    for (const f of asCompleted([a, b], { timeout: 120 })) {
      try {
        values.push([1, await yielded(f)]);
      } catch (e) {
        values.push([2, e]);
      }
    }
    assert.deepEqual(values[0], [1, 'a']);
    assert.ok(values[1]![1] instanceof TimeoutError);
    assert.equal(clock.now(), 120);
    await b;
  });

  // CPython test_as_completed_with_unused_timeout
  test('a timeout that does not expire is cleared once everything completed', async () => {
    using clock = VirtualClock.install({ autojump: false });
    const a = new Future<string>();
    setImmediate(() => a.setResult('a'));
    for await (const f of asCompleted([a], { timeout: 1000 })) {
      assert.equal(yielded(f).result(), 'a');
    }
    assert.equal(clock.pendingTimers(), 0);

    const b = new Future<string>();
    setImmediate(() => b.setResult('b'));
    for (const f of asCompleted([b], { timeout: 1000 })) assert.equal(await f, 'b');
    assert.equal(clock.pendingTimers(), 0);
  });
});

describe('asCompleted: resuming and cancelling (§6.16)', () => {
  // CPython test_as_completed_resume_iterator
  for (const style of ['plain', 'async'] as const) {
    test(`the iterator can be resumed after a break (${style} iteration)`, async () => {
      const it = asCompleted([0, 1, 2, 3].map((i) => Promise.resolve(i)));
      const collected: number[] = [];
      if (style === 'plain') {
        for (const f of it) {
          collected.push(await f);
          if (collected.length === 2) break;
        }
        assert.equal(collected.length, 2);
        for (const f of it) collected.push(await f);
      } else {
        for await (const f of it) {
          collected.push(yielded(f).result());
          if (collected.length === 2) break;
        }
        assert.equal(collected.length, 2);
        for await (const f of it) collected.push(yielded(f).result());
      }
      assert.deepEqual(collected.sort(), [0, 1, 2, 3]);
    });
  }

  test('a cancelled next() loses no future: the next call gets it', async () => {
    const f1 = new Future<string>();
    const it = asCompleted([f1]);
    const t = createTask(() => it.next());
    await sleep(0);
    t.cancel();
    await assert.rejects(t, CancelledError);
    f1.setResult('kept');
    const r = await it.next();
    assert.equal(r.done, false);
    assert.equal(r.value, f1);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  test('a cancelled plain-iteration awaitable hands its future on to the next one', async () => {
    const f1 = new Future<string>();
    const f2 = new Future<string>();
    const [first, second] = [...asCompleted([f1, f2])];
    const t = createTask(() => first!);
    await sleep(0);
    t.cancel();
    await assert.rejects(t, CancelledError);
    assert.equal(first!.cancelled(), true);
    f1.setResult('one');
    assert.equal(await second!, 'one');
    f2.setResult('two'); // nothing is waiting for it any more
  });
});

describe('asCompleted: bad input', () => {
  // CPython test_as_completed_invalid_args
  test('asCompleted() of a single future instead of a collection throws TypeError', () => {
    assert.throws(() => asCompleted(new Future<void>() as never), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
    assert.throws(() => asCompleted(123 as never), TypeError);
    assert.throws(() => asCompleted(null as never), TypeError);
  });

  test('asCompleted() of a value that is not awaitable throws TypeError and wraps nothing', async () => {
    using captured = captureExceptions();
    const failing = Promise.reject(new Error('would be reported if wrapped'));
    failing.catch(() => undefined);
    assert.throws(() => asCompleted([failing, 'x' as never]), TypeError);
    await sleep(0);
    await sleep(0);
    assert.deepEqual(captured.contexts, []);
  });

  test('asCompleted() with a negative or NaN timeout throws RangeError, a non-number TypeError', () => {
    const f = new Future<void>();
    assert.throws(() => asCompleted([f], { timeout: -1 }), RangeError);
    assert.throws(() => asCompleted([f], { timeout: NaN }), RangeError);
    assert.throws(() => asCompleted([f], { timeout: 'soon' as never }), TypeError);
  });
});
