import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { createTask, run, sleep } from 'concur-ts/asyncio';
import {
  BrokenResourceError,
  Empty,
  Full,
  InvalidStateError,
  JoinableQueue,
  Lock,
  Pipe,
  Queue,
  RLock,
  SerializationError,
  SimpleQueue,
  decodeShared,
} from 'concur-ts/multiprocessing';
import { VirtualClock } from 'concur-ts/testing';

import { Children } from './harness.js';

describe('multiprocessing Queue across processes', () => {
  test('a child gets every item the parent put, in order', async () => {
    await using children = new Children();
    const queue = new Queue<number>();
    const n = 20_000;
    const child = children.start<number>('sum', { queue, n });
    for (let i = 0; i < n; i++) await queue.put(i);
    assert.equal(await child.result, (n * (n - 1)) / 2);
    await child.exited;
    assert.equal(await queue.qsize(), 0);
  });

  test('items a child put before exiting all arrive', async () => {
    await using children = new Children();
    const queue = new Queue<number>();
    const child = children.start('produce', { queue, from: 0, n: 500 });
    await child.result;
    await child.exited;
    const got: number[] = [];
    for (let i = 0; i < 500; i++) got.push(await queue.get());
    assert.deepEqual(
      got,
      Array.from({ length: 500 }, (_, i) => i),
    );
  });

  test('a child waiting in get with a timeout gets Empty when nothing comes', async () => {
    await using children = new Children();
    const queue = new Queue();
    const child = children.start<{ ok: boolean; error: { code: string } }>('getTimeout', {
      queue,
      timeout: 50,
    });
    const outcome = await child.result;
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error.code, 'ERR_CONCUR_QUEUE_EMPTY');
  });

  test('getNowait and putNowait in a child report Empty and Full from the owner', async () => {
    await using children = new Children();
    const queue = new Queue(1);
    const empty = children.start<{ ok: boolean; error: { code: string } }>('getNowait', { queue });
    assert.equal((await empty.result).error.code, 'ERR_CONCUR_QUEUE_EMPTY');
    await queue.put('x');
    const full = children.start<{ ok: boolean; error: { code: string } }>('putNowait', {
      queue,
      item: 'y',
    });
    assert.equal((await full.result).error.code, 'ERR_CONCUR_QUEUE_FULL');
    assert.equal(await queue.get(), 'x');
  });

  test('a bounded queue makes a producing child wait for room', async () => {
    await using children = new Children();
    const queue = new Queue<number>(2);
    const child = children.start('produce', { queue, from: 0, n: 50 });
    let sum = 0;
    for (let i = 0; i < 50; i++) {
      sum += await queue.get();
      assert.ok((await queue.qsize()) <= 2);
    }
    await child.result;
    assert.equal(sum, (50 * 49) / 2);
  });

  test('JoinableQueue.join returns only after a child called taskDone for every item', async () => {
    await using children = new Children();
    const jobs = new JoinableQueue<number | null>();
    const results = new Queue<number>();
    const child = children.start('worker', { jobs, results });
    for (let i = 1; i <= 10; i++) await jobs.put(i);
    await jobs.put(null);
    await jobs.join();
    assert.equal(await child.result, 'done');
    let sum = 0;
    for (let i = 1; i <= 10; i++) sum += await results.get();
    assert.equal(sum, 385);
    assert.equal((await jobs.statistics()).unfinishedTasks, 0);
  });

  test('a SimpleQueue carries an item to a child and back', async () => {
    await using children = new Children();
    const input = new SimpleQueue<{ n: number }>();
    const output = new SimpleQueue<{ n: number }>();
    const child = children.start('simpleEcho', { input, output });
    await input.put({ n: 7 });
    assert.deepEqual(await output.get(), { n: 7 });
    assert.equal(await child.result, 'echoed');
    assert.equal(await output.empty(), true);
  });

  test('a grandchild can put on a queue its grandparent owns', async () => {
    await using children = new Children();
    const queue = new Queue<number>();
    const child = children.start('grandchild', { queue, n: 3 });
    const got = [await queue.get(), await queue.get(), await queue.get()];
    assert.deepEqual(got, [1000, 1001, 1002]);
    assert.deepEqual(await child.result, { ok: true, value: 3 });
  });

  test('an item a process hands out from its own queue just before it ends arrives whole', async () => {
    await using children = new Children();
    const size = 8 * 1024 * 1024;
    const child = children.start('handOutAndEnd', { size });
    const message = (await Children.nextMessage(child)) as { queue: unknown };
    const queue = decodeShared(message.queue) as Queue<Uint8Array>;
    const item = await queue.get();
    assert.equal(item.length, size);
    assert.equal(item[size - 1], 7);
    assert.equal(await child.result, 'ended');
  });

  test('when the owner process exits, a waiting get rejects with BrokenResourceError', async () => {
    await using children = new Children();
    const child = children.start('ownQueue');
    const message = (await Children.nextMessage(child)) as { queue: unknown };
    const queue = decodeShared(message.queue) as Queue<string>;
    await child.result;
    await child.exited;
    await assert.rejects(queue.get(), BrokenResourceError);
    await assert.rejects(queue.put('more'), BrokenResourceError);
  });
});

describe('multiprocessing Queue semantics (in the owner)', () => {
  test('put with block false on a full queue raises Full at once; a timeout waits then raises', async () => {
    await run(async () => {
      using _clock = VirtualClock.install({ autojump: true });
      const queue = new Queue<number>(1);
      await queue.put(1);
      await assert.rejects(queue.put(2, { block: false }), Full);
      await assert.rejects(queue.putNowait(2), Full);
      await assert.rejects(queue.put(2, { timeout: 100 }), Full);
      assert.equal(await queue.full(), true);
    });
  });

  test('get with block false on an empty queue raises Empty at once; a timeout waits then raises', async () => {
    await run(async () => {
      using clock = VirtualClock.install({ autojump: true });
      const queue = new Queue<number>();
      await assert.rejects(queue.get({ block: false }), Empty);
      await assert.rejects(queue.getNowait(), Empty);
      const start = clock.now();
      await assert.rejects(queue.get({ timeout: 200 }), Empty);
      assert.ok(clock.now() - start >= 200);
    });
  });

  test('a timeout together with block false is refused at the call', () => {
    const queue = new Queue();
    assert.throws(() => queue.get({ block: false, timeout: 5 }), RangeError);
  });

  test('qsize is exact and empty/full follow it', async () => {
    const queue = new Queue<number>(3);
    assert.equal(await queue.empty(), true);
    await queue.put(1);
    await queue.put(2);
    assert.equal(await queue.qsize(), 2);
    await queue.put(3);
    assert.equal(await queue.full(), true);
    await queue.get();
    assert.equal(await queue.qsize(), 2);
  });

  test('a closed queue refuses put and get with InvalidStateError', () => {
    const queue = new Queue();
    queue.close();
    queue.close();
    assert.throws(() => queue.put(1), InvalidStateError);
    assert.throws(() => queue.get(), InvalidStateError);
  });

  test('an unserialisable item fails that put and the queue keeps working with the right size', async () => {
    const queue = new Queue<unknown>();
    await queue.put(1);
    assert.throws(() => queue.put(() => 1), SerializationError);
    assert.throws(() => queue.put({ nested: Symbol('s') }), SerializationError);
    assert.throws(() => queue.put(new (class Point {})()), SerializationError);
    await queue.put(2);
    assert.equal(await queue.qsize(), 2);
    assert.equal(await queue.get(), 1);
    assert.equal(await queue.get(), 2);
  });

  test('items are copies: changing an object after put does not change the queued item', async () => {
    const queue = new Queue<{ n: number }>();
    const item = { n: 1 };
    await queue.put(item);
    item.n = 2;
    assert.deepEqual(await queue.get(), { n: 1 });
  });

  test('taskDone called more often than items were put rejects with RangeError', async () => {
    const queue = new JoinableQueue<number>();
    await queue.put(1);
    await queue.get();
    await queue.taskDone();
    await assert.rejects(queue.taskDone(), RangeError);
    await queue.join();
  });

  test('SimpleQueue.close is idempotent and empty reports an empty queue', async () => {
    const queue = new SimpleQueue<number>();
    assert.equal(await queue.empty(), true);
    await queue.put(1);
    assert.equal(await queue.empty(), false);
    queue.close();
    queue.close();
    assert.throws(() => queue.get(), InvalidStateError);
  });

  test('a cancelled get takes nothing: the item goes to the next get', async () => {
    await run(async () => {
      const queue = new Queue<string>();
      const waiting = createTask(() => queue.get());
      await sleep(0);
      waiting.cancel();
      await assert.rejects(waiting, { name: 'CancelledError' });
      await queue.put('kept');
      assert.equal(await queue.get(), 'kept');
    });
  });

  test('inspect shows the kind, the bound and the owner', () => {
    assert.equal(
      inspect(new Queue(3)),
      `<multiprocessing.Queue maxsize=3 owner=pid ${process.pid}>`,
    );
    assert.equal(inspect(new Lock()), `<multiprocessing.Lock owner=pid ${process.pid}>`);
    assert.equal(inspect(new RLock()), `<multiprocessing.RLock owner=pid ${process.pid}>`);
    assert.match(inspect(Pipe()[0]), /<Connection readable writable>/);
  });

  test('the async methods return native promises, in the owner too', async () => {
    const queue = new Queue<number>(1);
    const put = queue.put(1);
    assert.ok(put instanceof Promise);
    await put.finally(() => undefined);
    assert.ok(queue.putNowait(2).catch(() => 'full') instanceof Promise);
    assert.ok(new Lock().release().catch(() => 'not held') instanceof Promise);
    assert.equal(await queue.get(), 1);
  });

  test('maxsize must be a non-negative integer', () => {
    assert.throws(() => new Queue(-1), RangeError);
    assert.throws(() => new Queue('3' as unknown as number), TypeError);
  });
});
