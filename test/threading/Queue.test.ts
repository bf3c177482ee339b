import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { CancelledError, createTask, run } from 'concur-ts/asyncio';
import {
  Barrier,
  BrokenResourceError,
  encodeShared,
  InvalidStateError,
  LifoQueue,
  markOwnerDead,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  SimpleQueue,
  type SharedState,
} from 'concur-ts/threading';

import { runScript } from '../fixtures/children.js';
import { eventually } from '../fixtures/polling.js';
import { onlyOn } from '../fixtures/runtime.js';
import { killMidWait, results, withWorkers } from './harness.js';

describe('threading Queue', () => {
  test('shutdown goes from alive to shut down, then may go immediate (test_shutdown_allowed_transitions)', () => {
    const q = new Queue();
    assert.equal(q.isShutdown, false);
    q.shutdown();
    assert.equal(q.isShutdown, true);
    q.shutdown(true);
    assert.equal(q.isShutdown, true);
    q.shutdown(false);
    assert.equal(q.isShutdown, true);
  });

  for (const immediate of [false, true]) {
    test(`after shutdown(${immediate}) every method behaves as in one thread (test_shutdown${immediate ? '_immediate' : ''}_all_methods_in_one_thread)`, async () => {
      const q = new Queue<string>(2);
      await q.put('L');
      q.putNowait('O');
      q.shutdown(immediate);
      await assert.rejects(q.put('E'), QueueShutDown);
      assert.throws(() => q.putNowait('W'), QueueShutDown);
      if (immediate) {
        await assert.rejects(q.get(), QueueShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
        assert.throws(() => q.taskDone(), RangeError);
        await q.join();
      } else {
        assert.ok(['L', 'O'].includes(await q.get()));
        q.taskDone();
        assert.ok(['L', 'O'].includes(await q.get()));
        q.taskDone();
        await q.join();
        await assert.rejects(q.get(), QueueShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
        await assert.rejects(q.get({ timeout: 1000 }), QueueShutDown);
      }
    });
  }

  test('a get blocked in another thread fails with QueueShutDown on shutdown (test_shutdown_pending_get)', () =>
    withWorkers(async (workers) => {
      const q = new Queue();
      const getter = workers.start('getOne', { queue: q });
      await eventually(() => q.statistics().getters === 1, 'the getter');
      q.shutdown();
      await assert.rejects(getter.result, {
        name: 'QueueShutDown',
        code: 'ERR_CONCUR_QUEUE_SHUT_DOWN',
      });
    }));

  test('taskDone() once too often throws RangeError, and join() waits for every item processed in other threads (test_queue_task_done)', () =>
    withWorkers(async (workers) => {
      const q = new Queue<number>();
      assert.throws(() => q.taskDone(), RangeError);
      const consumers = workers.startMany<number[]>(2, 'drain', { queue: q });
      for (let i = 0; i < 100; i++) await q.put(i);
      await q.join();
      assert.equal(q.statistics().unfinishedTasks, 0);
      q.shutdown();
      const taken = (await results(consumers)).flat().sort((a, b) => a - b);
      assert.deepEqual(
        taken,
        Array.from({ length: 100 }, (_, i) => i),
      );
    }));

  test('shutdown(true) drops the items, marks them done and releases join()', () =>
    run(async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      q.putNowait(2);
      const joining = createTask(() => q.join());
      await eventually(() => q.statistics().joiners === 1, 'the joiner');
      q.shutdown(true);
      await joining;
      assert.equal(q.qsize(), 0);
      assert.equal(q.statistics().unfinishedTasks, 0);
    }));

  test('put waits while a bounded queue is full, and a get in another thread makes room', () =>
    withWorkers(async (workers) => {
      const q = new Queue<number>(2);
      const producer = workers.start('produce', { queue: q, items: [1, 2, 3, 4, 5] });
      await eventually(() => q.full() && q.statistics().putters === 1, 'a full queue');
      const got: number[] = [];
      for (let i = 0; i < 5; i++) got.push(await q.get());
      assert.deepEqual(got, [1, 2, 3, 4, 5]);
      assert.equal(await producer.result, 5);
    }));

  test('the nowait forms and timeouts fail with QueueFull / QueueEmpty (test_nowait)', async () => {
    const q = new Queue<number>(3);
    for (let i = 0; i < 3; i++) q.putNowait(i);
    assert.throws(() => q.putNowait(9), QueueFull);
    await assert.rejects(q.put(9, { timeout: 10 }), QueueFull);
    await assert.rejects(q.put(9, { block: false }), QueueFull);
    for (let i = 0; i < 3; i++) assert.equal(q.getNowait(), i);
    assert.throws(() => q.getNowait(), QueueEmpty);
    await assert.rejects(q.get({ timeout: 10 }), QueueEmpty);
    assert.throws(() => q.get({ timeout: -1.5 }), RangeError);
    assert.throws(() => q.put(1, { block: false, timeout: 5 }), RangeError);
  });

  test('maxsize can be changed while items wait, shrinking or growing the bound (test_shrinking_queue)', () =>
    run(async () => {
      const q = new Queue<number>(3);
      for (const n of [1, 2, 3]) q.putNowait(n);
      assert.throws(() => q.putNowait(4), QueueFull);
      q.maxsize = 2;
      assert.throws(() => q.putNowait(4), QueueFull);
      assert.equal(q.qsize(), 3);
      const putting = createTask(() => q.put(4));
      await eventually(() => q.statistics().putters === 1, 'the blocked put');
      q.maxsize = 0; // unbounded: the waiting put goes through
      await putting;
      assert.equal(q.qsize(), 4);
      assert.throws(() => {
        q.maxsize = -1;
      }, RangeError);
    }));

  test('LifoQueue returns the newest item first; PriorityQueue the smallest, ties in put order', () => {
    const lifo = new LifoQueue<number>();
    for (const n of [1, 2, 3]) lifo.putNowait(n);
    assert.deepEqual([lifo.getNowait(), lifo.getNowait(), lifo.getNowait()], [3, 2, 1]);

    const prio = new PriorityQueue<[number, string] | number>();
    for (const item of [[3, 'c'], [1, 'a'], 2, [1, 'b'], [-4, 'z']] as const) {
      prio.putNowait(item as [number, string] | number);
    }
    const out = [];
    while (!prio.empty()) out.push(prio.getNowait());
    assert.deepEqual(out, [[-4, 'z'], [1, 'a'], [1, 'b'], 2, [3, 'c']]);
    assert.throws(() => prio.putNowait(['x', 1] as unknown as number), TypeError);
    assert.throws(() => prio.putNowait(Number.NaN), RangeError);
  });

  test('items are structured clones; uncloneable items are refused at put', async () => {
    const q = new Queue<unknown>();
    const items = [
      { a: 1, nested: [1, 'two', { three: 3n }] },
      new Map([[1, new Set(['x'])]]),
      new Date(0),
      Buffer.from('bytes'),
      null,
      undefined,
      'x'.repeat(10_000),
    ];
    for (const item of items) await q.put(item);
    for (const item of items) assert.deepEqual(await q.get(), item);
    assert.throws(
      () => q.putNowait(() => 1),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /cannot copy/);
        return true;
      },
    );
    assert.throws(() => q.putNowait({ s: new SharedArrayBuffer(4) }), TypeError);
    assert.equal(q.qsize(), 0);
  });

  test('a SharedArrayBuffer anywhere in an item is refused at put: a consumer would get a copy, not the shared memory', async () => {
    class Holder {
      constructor(readonly memory: SharedArrayBuffer) {}
    }
    const sab = new SharedArrayBuffer(4);
    const cyclic: { self?: unknown; memory: SharedArrayBuffer } = { memory: sab };
    cyclic.self = cyclic;
    const items = [
      sab,
      { deep: [[1, { memory: sab }]] },
      new Map([['key', sab]]),
      new Map([[sab, 'value']]),
      new Set([1, sab]),
      new Holder(sab),
      cyclic,
    ];
    const q = new Queue<unknown>();
    for (const item of items) {
      assert.throws(
        () => q.putNowait(item),
        (error: unknown) => {
          assert.ok(error instanceof TypeError, `${inspect(item)}: ${String(error)}`);
          assert.match(error.message, /cannot copy .*SharedArrayBuffer/);
          return true;
        },
      );
      assert.throws(() => q.put(item), TypeError); // at the call, not a rejection
    }
    assert.equal(q.qsize(), 0);
    // The same objects without the shared memory are ordinary items.
    await q.put({ deep: [[1, { memory: new ArrayBuffer(4) }]] });
    assert.equal(
      ((await q.get()) as { deep: [[number, { memory: ArrayBuffer }]] }).deep[0][1].memory
        .byteLength,
      4,
    );
  });

  test('storage grows past its first buffer and refuses an item larger than maxBytes', async () => {
    const q = new Queue<string>({ maxBytes: 64 * 1024 });
    const item = 'y'.repeat(1000);
    for (let i = 0; i < 40; i++) q.putNowait(`${i}${item}`);
    assert.ok(q.statistics().bytes > 40_000);
    assert.throws(() => q.putNowait('z'.repeat(30_000)), QueueFull); // fits maxBytes, not now
    assert.throws(() => q.putNowait('z'.repeat(70_000)), RangeError); // never fits
    for (let i = 0; i < 40; i++) assert.equal(q.getNowait(), `${i}${item}`);
    assert.equal(q.statistics().bytes, 0);
    assert.throws(() => new Queue({ maxBytes: 10 }), RangeError);
    assert.throws(() => new Queue(-1), RangeError);
    assert.throws(() => new Queue(1.5), RangeError);
    assert.throws(() => new Queue('3' as unknown as number), TypeError);
  });

  test('a put waiting for bytes goes through once a get frees them', () =>
    withWorkers(async (workers) => {
      const q = new Queue<string>({ maxBytes: 4096 });
      q.putNowait('a'.repeat(3000));
      const producer = workers.start('produce', { queue: q, items: ['b'.repeat(3000)] });
      await eventually(() => q.statistics().putters === 1, 'the blocked put');
      assert.equal(q.getNowait().length, 3000);
      assert.equal(await producer.result, 1);
      assert.equal(await q.get(), 'b'.repeat(3000));
    }));

  test('items cross threads in order, each taken once (2 producers, 2 consumers)', () =>
    withWorkers(async (workers) => {
      const q = new Queue<[number, number]>(16);
      const n = 500;
      const batch = (p: number) => Array.from({ length: n }, (_, i) => [p, i]);
      const consumers = workers.startMany<[number, number][]>(2, 'drain', { queue: q });
      const producers = [0, 1].map((p) => workers.start('produce', { queue: q, items: batch(p) }));
      await results(producers);
      await q.join();
      q.shutdown();
      const taken = await results(consumers);
      for (const items of taken) {
        // Each consumer sees each producer's items in put order.
        for (const p of [0, 1]) {
          const mine = items.filter(([from]) => from === p).map(([, i]) => i);
          assert.deepEqual(
            mine,
            [...mine].sort((a, b) => a - b),
          );
        }
      }
      const all = taken
        .flat()
        .map(([p, i]) => p * n + i)
        .sort((a, b) => a - b);
      assert.deepEqual(
        all,
        Array.from({ length: 2 * n }, (_, i) => i),
      );
    }));

  test('a cancelled get takes nothing; the item goes to the next getter', () =>
    run(async () => {
      const q = new Queue<number>();
      const first = createTask(() => q.get());
      const second = createTask(() => q.get());
      await eventually(() => q.statistics().getters === 2, 'two getters');
      first.cancel();
      await assert.rejects(first, CancelledError);
      await q.put(7);
      assert.equal(await second, 7);
      assert.equal(q.qsize(), 0);
    }));

  test('for await drains the queue until it is shut down', async () => {
    const q = new Queue<number>();
    for (const n of [1, 2, 3]) q.putNowait(n);
    q.shutdown();
    const seen: number[] = [];
    for await (const n of q) seen.push(n);
    assert.deepEqual(seen, [1, 2, 3]);
  });

  test('the blocking forms refuse to block the main thread; the non-blocking ones work', () => {
    const q = new Queue<number>(1);
    assert.throws(() => q.getSync(), InvalidStateError);
    assert.throws(() => q.putSync(1), InvalidStateError);
    assert.throws(() => q.joinSync(), InvalidStateError);
    q.putSync(1, { block: false });
    assert.throws(() => q.putSync(2, { block: false }), QueueFull);
    assert.equal(q.getSync({ block: false }), 1);
    assert.throws(() => q.getSync({ timeout: 5, allowMainThread: true }), QueueEmpty);
    assert.equal(inspect(q), '<Queue qsize=0 maxsize=1 unfinished=1>');
  });

  test('a SimpleQueue carries items from another thread', () =>
    withWorkers(async (workers) => {
      const q = new SimpleQueue<string>();
      assert.equal(q.empty(), true);
      await workers.start('produce', { queue: q, items: ['a', 'b'] }).result;
      assert.equal(q.qsize(), 2);
      assert.equal(await q.get(), 'a');
      assert.equal(q.getNowait(), 'b');
      assert.throws(() => q.getNowait(), QueueEmpty);
      assert.equal(inspect(q), '<SimpleQueue qsize=0>');
    }));

  // A thread killed while inside a queue's (or barrier's) few-statement guard cannot be
  // staged through the API, so these tests take the guard word as such a thread would
  // have left it: owned (tag threadId + 1, state LOCKED) by a thread that is gone. Taken
  // with a compare-and-swap once free, never overwritten while a live thread holds it.
  const DEAD_THREAD = 4242;
  async function holdGuardAsDeadThread(primitive: object): Promise<void> {
    const shared = encodeShared(primitive) as SharedState;
    const words = new Int32Array(shared.state.words as SharedArrayBuffer);
    await eventually(
      () => Atomics.compareExchange(words, 0, 0, ((DEAD_THREAD + 1) << 2) | 1) === 0,
      'the guard to be free',
    );
  }

  test('a thread dying inside the queue’s guard wakes blocked getters with BrokenResourceError', () =>
    withWorkers(async (workers) => {
      const q = new Queue<number>();
      const inWorker = workers.start('getOne', { queue: q });
      const here = q.get();
      await eventually(() => q.statistics().getters === 2, 'both getters to wait');
      await holdGuardAsDeadThread(q);
      assert.ok(markOwnerDead(DEAD_THREAD) >= 1);
      await assert.rejects(here, BrokenResourceError);
      await assert.rejects(inWorker.result, { name: 'BrokenResourceError' });
    }));

  test('a thread dying inside a barrier’s guard wakes its waiters with BrokenResourceError', () =>
    withWorkers(async (workers) => {
      const barrier = new Barrier(3);
      const inWorker = workers.start<{ error?: string }>('barrierWait', { barrier, rounds: 1 });
      const here = barrier.wait();
      await eventually(() => barrier.nWaiting === 2, 'both parties to wait');
      await holdGuardAsDeadThread(barrier);
      assert.ok(markOwnerDead(DEAD_THREAD) >= 1);
      await assert.rejects(here, BrokenResourceError);
      assert.equal((await inWorker.result).error, 'BrokenResourceError');
    }));
});

describe('threading.Queue: a waiter whose thread dies', () => {
  test('a getter killed in getSync() does not take the item put for a live getter', async () => {
    const queue = new Queue<number>();
    await killMidWait(
      (q: Queue<number>) => q.getSync(),
      [queue],
      () => queue.statistics().getters === 1,
      'the getter to wait',
    );
    assert.equal(queue.statistics().getters, 0); // the dead thread waits no more
    const live = queue.get({ timeout: 10_000 });
    await eventually(() => queue.statistics().getters === 1, 'the live getter to wait');
    queue.putNowait(1);
    assert.equal(await live, 1);
    assert.equal(queue.statistics().getters, 0);
  });

  test('a putter killed in putSync() does not take the room freed for a live putter, and puts nothing', async () => {
    const queue = new Queue<number>(1);
    queue.putNowait(0);
    await killMidWait(
      (q: Queue<number>) => q.putSync(1),
      [queue],
      () => queue.statistics().putters === 1,
      'the putter to wait',
    );
    assert.equal(queue.statistics().putters, 0); // the dead thread waits no more
    const live = queue.put(2, { timeout: 10_000 });
    await eventually(() => queue.statistics().putters === 1, 'the live putter to wait');
    assert.equal(queue.getNowait(), 0);
    await live;
    assert.equal(queue.getNowait(), 2);
    assert.equal(queue.qsize(), 0);
    assert.equal(queue.statistics().putters, 0);
  });
});

test(
  'importing concur/threading or concur/multiprocessing loads node:v8 only once something is serialized',
  onlyOn(
    'node',
    'it reads Node’s process.moduleLoadList, which Bun and Deno keep empty (Bun loads node:worker_threads up front)',
  ),
  async () => {
    // node:v8 loads node:stream and its heap utilities: ~1.8 ms of every import on Node 26.
    const { stdout } = await runScript(`
      const loaded = () => process.moduleLoadList.includes('NativeModule v8');
      const before = loaded();
      const { Queue } = await import('concur-ts/threading');
      await import('concur-ts/multiprocessing');
      const imported = loaded();
      const queue = new Queue();
      queue.putNowait({ a: 1 });
      const item = queue.getNowait();
      console.log(JSON.stringify({ before, imported, item, afterPut: loaded() }));`);
    assert.deepEqual(JSON.parse(stdout), {
      before: false,
      imported: false,
      item: { a: 1 },
      afterPut: true,
    });
  },
);
