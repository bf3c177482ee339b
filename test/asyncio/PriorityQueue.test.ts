import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { PriorityQueue, Queue, createTask, run, sleep } from 'concur-ts/asyncio';

function drain<T>(q: PriorityQueue<T>): T[] {
  const out: T[] = [];
  while (!q.empty()) out.push(q.getNowait());
  return out;
}

function isUnorderable(e: unknown): boolean {
  return (
    e instanceof TypeError &&
    (e as TypeError & { code?: string }).code === 'ERR_INVALID_ARG_TYPE' &&
    /cannot order/.test(e.message) &&
    /compare/.test(e.message)
  );
}

describe('PriorityQueue', () => {
  test('items come out smallest first', async () => {
    const q = new PriorityQueue<number>();
    for (const i of [1, 3, 2]) await q.put(i);
    const items = [await q.get(), await q.get(), await q.get()];
    assert.deepEqual(items, [1, 2, 3]);
  });

  test('arrays are ordered element by element like Python tuples, a prefix first', () => {
    const q = new PriorityQueue<unknown[]>();
    const items = [[2, 'b'], [1, 'z'], [2, 'a'], [1], [1, 'a', 0], [1, 'a']];
    for (const item of items) q.putNowait(item);
    assert.deepEqual(drain(q), [[1], [1, 'a'], [1, 'a', 0], [1, 'z'], [2, 'a'], [2, 'b']]);
  });

  test('the default order knows strings, bigints mixed with numbers, booleans and Dates', () => {
    const strings = new PriorityQueue<string>();
    for (const s of ['pear', 'apple', 'Zebra', 'apricot']) strings.putNowait(s);
    assert.deepEqual(drain(strings), ['Zebra', 'apple', 'apricot', 'pear']);

    const numbers = new PriorityQueue<number | bigint>();
    for (const n of [3n, 2.5, -1, 10n ** 20n, 0]) numbers.putNowait(n);
    assert.deepEqual(drain(numbers), [-1, 0, 2.5, 3n, 10n ** 20n]);

    const flags = new PriorityQueue<boolean>();
    for (const b of [true, false, true]) flags.putNowait(b);
    assert.deepEqual(drain(flags), [false, true, true]);

    const dates = new PriorityQueue<Date>();
    const [d1, d2] = [new Date(2024, 0, 1), new Date(2020, 0, 1)];
    dates.putNowait(d1);
    dates.putNowait(d2);
    assert.deepEqual(drain(dates), [d2, d1]);
  });

  test('items the default order cannot order make putNowait throw TypeError and leave the queue unchanged', () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait({ job: 1 }); // alone: nothing to compare with yet
    assert.throws(() => q.putNowait({ job: 2 }), isUnorderable);
    assert.equal(q.qsize(), 1);
    assert.equal(q.statistics().unfinishedTasks, 1);

    const mixed = new PriorityQueue<unknown>();
    mixed.putNowait(1);
    assert.throws(() => mixed.putNowait('1'), isUnorderable);
    assert.throws(() => mixed.putNowait(null), isUnorderable);
    assert.throws(
      () => mixed.putNowait(NaN),
      (e: unknown) => isUnorderable(e) && /NaN/.test(String(e)),
    );
    assert.deepEqual(drain(mixed), [1]);
  });

  test('put of an unorderable item rejects with TypeError instead of throwing', async () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait([1, 'x']);
    const pending = q.put([1, {}]);
    await assert.rejects(pending, isUnorderable);
    assert.equal(q.qsize(), 1);
  });

  test('tuples tied on priority compare their payloads, as in Python, and throw for objects', () => {
    const q = new PriorityQueue<[number, object]>();
    const shared = { same: true };
    q.putNowait([1, shared]);
    q.putNowait([1, shared]); // the same object: equal, no need to order it
    q.putNowait([0, { other: true }]); // decided by the priority
    assert.throws(
      () => q.putNowait([0, { another: true }]),
      (e: unknown) => isUnorderable(e) && /their elements \{ another: true \} and/.test(String(e)),
    );
    assert.equal(q.qsize(), 3);
  });

  test('a compare function orders any items, and ties come out in the order they were put', () => {
    interface Job {
      priority: number;
      name: string;
    }
    const q = new PriorityQueue<Job>({ compare: (a, b) => a.priority - b.priority });
    const jobs: Job[] = [
      { priority: 2, name: 'a' },
      { priority: 1, name: 'b' },
      { priority: 2, name: 'c' },
      { priority: 1, name: 'd' },
      { priority: 2, name: 'e' },
      { priority: 1, name: 'f' },
    ];
    for (const job of jobs) q.putNowait(job);
    assert.deepEqual(
      drain(q).map((j) => j.name),
      ['b', 'd', 'f', 'a', 'c', 'e'],
    );
  });

  test('equal items under the default order come out in the order they were put', () => {
    const q = new PriorityQueue<number[]>();
    const items = [[1], [0], [1], [0], [1]];
    for (const item of items) q.putNowait(item);
    const out = drain(q);
    assert.deepEqual(out, [[0], [0], [1], [1], [1]]);
    assert.equal(out[0], items[1]);
    assert.equal(out[1], items[3]);
    assert.equal(out[2], items[0]);
    assert.equal(out[3], items[2]);
    assert.equal(out[4], items[4]);
  });

  test('interleaved puts and gets match a stable sort of the items (random, seeded)', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const q = new PriorityQueue<{ p: number; id: number }>({ compare: (a, b) => a.p - b.p });
    const model: { p: number; id: number }[] = [];
    let id = 0;
    for (let step = 0; step < 5000; step++) {
      if (random() < 0.55 || model.length === 0) {
        const item = { p: Math.floor(random() * 20), id: id++ };
        q.putNowait(item);
        model.push(item);
      } else {
        // The model: the smallest priority, the earliest put among equals.
        let best = 0;
        for (let i = 1; i < model.length; i++) if (model[i]!.p < model[best]!.p) best = i;
        const expected = model.splice(best, 1)[0];
        assert.equal(q.getNowait(), expected);
      }
      assert.equal(q.qsize(), model.length);
    }
  });

  test('a comparator that throws during get leaves every item in the queue', () => {
    let failing = false;
    const q = new PriorityQueue<number>({
      compare: (a, b) => {
        if (failing) throw new Error('comparator broke');
        return a - b;
      },
    });
    for (const n of [5, 1, 4, 2, 3]) q.putNowait(n);
    failing = true;
    assert.throws(() => q.getNowait(), /comparator broke/);
    assert.equal(q.qsize(), 5);
    failing = false;
    assert.deepEqual(drain(q), [1, 2, 3, 4, 5]);
  });

  test('shutdown(true) discards the items without comparing them', () => {
    let compares = 0;
    const q = new PriorityQueue<number>({
      compare: (a, b) => {
        compares++;
        return a - b;
      },
    });
    for (const n of [3, 1, 2]) q.putNowait(n);
    compares = 0;
    q.shutdown(true);
    assert.equal(compares, 0);
    assert.equal(q.qsize(), 0);
  });

  test('maxsize is given as a number or with the compare option, and blocks put when full', async () => {
    await run(async () => {
      assert.equal(new PriorityQueue(3).maxsize, 3);
      const q = new PriorityQueue<number>({ maxsize: 1, compare: (a, b) => b - a });
      q.putNowait(1);
      const putter = createTask(() => q.put(9));
      await sleep(0);
      assert.equal(putter.done(), false);
      assert.equal(q.getNowait(), 1);
      await putter;
      assert.equal(q.getNowait(), 9);
    });
  });

  test('a compare option that is not a function throws TypeError; a bad maxsize RangeError', () => {
    assert.throws(
      () => new PriorityQueue({ compare: 'desc' as unknown as () => number }),
      (e: unknown) => e instanceof TypeError && /compare must be a function/.test(e.message),
    );
    assert.throws(() => new PriorityQueue(-1), RangeError);
    assert.throws(() => new PriorityQueue({ maxsize: -1 }), RangeError);
  });

  test('a PriorityQueue is a Queue, shown as a PriorityQueue', () => {
    const q = new PriorityQueue<number>();
    assert.ok(q instanceof Queue);
    q.putNowait(1);
    assert.equal(inspect(q), '<PriorityQueue maxsize=0 qsize=1 unfinished=1>');
  });
});
