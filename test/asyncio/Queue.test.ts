import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import {
  CancelledError,
  Future,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TaskGroup,
  TimeoutError,
  createTask,
  getRunningLoop,
  run,
  sleep,
  waitFor,
  type Task,
} from 'concur-ts/asyncio';
import { VirtualClock } from 'concur-ts/testing';

/** The three queue classes; behaviour that is not about order holds for each. */
const queueClasses: [string, new <T>(maxsize?: number) => Queue<T>][] = [
  ['Queue', Queue],
  ['LifoQueue', LifoQueue],
  ['PriorityQueue', PriorityQueue],
];

function isShutDown(error: unknown): boolean {
  return error instanceof QueueShutDown && error.code === 'ERR_CONCUR_QUEUE_SHUT_DOWN';
}

describe('Queue basics', () => {
  test('a new queue is empty and, unbounded, never full', async () => {
    const q = new Queue<number>();
    assert.equal(q.empty(), true);
    assert.equal(q.full(), false);
    assert.equal(q.maxsize, 0);
    await q.put(1);
    assert.equal(q.empty(), false);
    assert.equal(q.full(), false);
    assert.equal(await q.get(), 1);
    assert.equal(q.empty(), true);
  });

  test('a queue with maxsize n is full once it holds n items', async () => {
    const q = new Queue<number>(2);
    assert.equal(q.maxsize, 2);
    await q.put(1);
    assert.equal(q.full(), false);
    await q.put(2);
    assert.equal(q.full(), true);
    assert.equal(q.qsize(), 2);
  });

  test('items come out in the order they were put', async () => {
    const q = new Queue<number>();
    for (const i of [1, 3, 2]) await q.put(i);
    const items = [await q.get(), await q.get(), await q.get()];
    assert.deepEqual(items, [1, 3, 2]);
  });

  test('put blocks when the queue holds maxsize items and resumes when a get frees a slot', async () => {
    await run(async () => {
      const q = new Queue<number>(2);
      const havePut: number[] = [];
      const putter = createTask(async () => {
        for (let i = 0; i < 3; i++) {
          await q.put(i);
          havePut.push(i);
        }
        return true;
      });
      await sleep(0);
      assert.deepEqual(havePut, [0, 1], 'the putter is blocked after two items');
      assert.equal(await q.get(), 0);
      await sleep(0);
      assert.deepEqual(havePut, [0, 1, 2]);
      assert.equal(await q.get(), 1);
      assert.equal(await q.get(), 2);
      assert.equal(putter.done(), true);
      assert.equal(putter.result(), true);
    });
  });

  test('getNowait on an empty queue throws QueueEmpty', () => {
    const q = new Queue();
    assert.throws(
      () => q.getNowait(),
      (e: unknown) =>
        e instanceof QueueEmpty && e.code === 'ERR_CONCUR_QUEUE_EMPTY' && /empty/.test(e.message),
    );
  });

  test('putNowait on a full queue throws QueueFull and leaves the queue as it was', () => {
    const q = new Queue<number>(1);
    q.putNowait(1);
    assert.throws(
      () => q.putNowait(2),
      (e: unknown) =>
        e instanceof QueueFull && e.code === 'ERR_CONCUR_QUEUE_FULL' && /maxsize=1/.test(e.message),
    );
    assert.equal(q.qsize(), 1);
    assert.equal(q.statistics().unfinishedTasks, 1);
    assert.equal(q.getNowait(), 1);
  });

  test('a negative maxsize throws RangeError naming the value', () => {
    for (const Cls of [Queue, LifoQueue, PriorityQueue]) {
      assert.throws(
        () => new Cls(-1),
        (e: unknown) =>
          e instanceof RangeError &&
          (e as RangeError & { code?: string }).code === 'ERR_OUT_OF_RANGE' &&
          e.message.includes('-1') &&
          e.message.includes(Cls.name),
      );
    }
  });

  test('a fractional or NaN maxsize throws RangeError, a non-number TypeError', () => {
    assert.throws(() => new Queue(1.3), RangeError);
    assert.throws(() => new Queue(NaN), RangeError);
    assert.throws(() => new Queue(-Infinity), RangeError);
    assert.throws(() => new Queue({ maxsize: 2.5 }), RangeError);
    assert.throws(() => new Queue('3' as unknown as number), TypeError);
    assert.throws(() => new Queue(null as unknown as number), TypeError);
    assert.throws(() => new Queue({ maxsize: '3' } as unknown as { maxsize: number }), TypeError);
  });

  test('maxsize can be given as an option, and Infinity means unbounded', () => {
    const bounded = new Queue<number>({ maxsize: 1 });
    bounded.putNowait(1);
    assert.equal(bounded.full(), true);
    const unbounded = new Queue<number>(Infinity);
    for (let i = 0; i < 100; i++) unbounded.putNowait(i);
    assert.equal(unbounded.full(), false);
    assert.equal(new Queue({}).maxsize, 0);
  });

  test('undefined and null are items like any other', async () => {
    for (const Cls of [Queue, LifoQueue]) {
      const q = new Cls<undefined | null>(2);
      q.putNowait(undefined);
      q.putNowait(null);
      assert.equal(q.full(), true);
      const items = [await q.get(), await q.get()];
      assert.deepEqual(items.sort(), [null, undefined].sort());
      assert.equal(q.empty(), true);
    }
  });

  test('FIFO order holds while the ring buffer grows, wraps around and shrinks', () => {
    const q = new Queue<number>();
    const model: number[] = [];
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let next = 0;
    for (let round = 0; round < 40; round++) {
      // Alternate bursts of puts and gets of random sizes, crossing many capacities.
      const puts = Math.floor(random() * 300);
      for (let i = 0; i < puts; i++) {
        q.putNowait(next);
        model.push(next++);
      }
      const gets = Math.floor(random() * 300);
      for (let i = 0; i < gets && model.length > 0; i++) assert.equal(q.getNowait(), model.shift());
      assert.equal(q.qsize(), model.length);
    }
    while (model.length > 0) assert.equal(q.getNowait(), model.shift());
    assert.equal(q.empty(), true);
  });

  test('util.inspect shows maxsize, qsize, unfinished work and waiting getters and putters', async () => {
    await run(async () => {
      const q = new Queue<number>();
      assert.equal(inspect(q), '<Queue maxsize=0 qsize=0>');
      const getter = createTask(() => q.get());
      await sleep(0);
      assert.equal(inspect(q), '<Queue maxsize=0 qsize=0 getters=1>');
      q.putNowait(0);
      assert.equal(await getter, 0);

      const bounded = new Queue<number>(1);
      bounded.putNowait(1);
      const putter = createTask(() => bounded.put(2));
      await sleep(0);
      assert.equal(inspect(bounded), '<Queue maxsize=1 qsize=1 unfinished=1 putters=1>');
      assert.equal(String(bounded), inspect(bounded));
      bounded.getNowait();
      await putter;
      bounded.shutdown();
      assert.equal(inspect(bounded), '<Queue maxsize=1 qsize=1 unfinished=2 shutdown>');
    });
  });

  test('statistics() reports sizes, unfinished work, waiters and the shutdown flag', async () => {
    await run(async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      const putter = createTask(() => q.put(2));
      const joiner = createTask(() => q.join());
      await sleep(0);
      assert.deepEqual(q.statistics(), {
        qsize: 1,
        maxsize: 1,
        unfinishedTasks: 1,
        getters: 0,
        putters: 1,
        joiners: 1,
        shutdown: false,
      });
      q.getNowait();
      await putter;
      q.getNowait();
      q.taskDone();
      q.taskDone();
      await joiner;
      assert.deepEqual(q.statistics(), {
        qsize: 0,
        maxsize: 1,
        unfinishedTasks: 0,
        getters: 0,
        putters: 0,
        joiners: 0,
        shutdown: false,
      });
    });
  });

  test('put on a queue with room returns one shared, already resolved promise', async () => {
    const q = new Queue<number>();
    const first = q.put(1);
    const second = q.put(2);
    assert.equal(first, second);
    await first;
    assert.equal(q.qsize(), 2);
  });
});

describe('Queue.get', () => {
  test('get returns an item at once when the queue has one', async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    assert.equal(await q.get(), 1);
  });

  test('a get from a full queue wakes the waiting putter', async () => {
    await run(async () => {
      const q = new Queue<number>(1);
      await q.put(1);
      const putter = createTask(() => q.put(2));
      await sleep(0);
      assert.equal(putter.done(), false);
      assert.equal(await q.get(), 1);
      await putter;
      assert.equal(q.getNowait(), 2);
    });
  });

  test('get waits for an item put later', async () => {
    using _clock = VirtualClock.install();
    await run(async () => {
      const q = new Queue<number>();
      const started = new Future<void>();
      let finished = false;
      const getter = createTask(async () => {
        started.setResult();
        const item = await q.get();
        finished = true;
        return item;
      });
      await started;
      assert.equal(finished, false);
      getRunningLoop().callLater(10, () => q.putNowait(1));
      assert.equal(await getter, 1);
      assert.equal(finished, true);
    });
  });

  test('cancelling one of two waiting getters leaves the next item for the other', async () => {
    await run(async () => {
      const q = new Queue<string>();
      const t1 = createTask(() => q.get());
      const t2 = createTask(() => q.get());
      await sleep(0);
      t1.cancel();
      await sleep(0);
      assert.equal(t1.done(), true);
      assert.equal(t1.cancelled(), true);
      await q.put('a');
      await sleep(0);
      assert.equal(await t2, 'a');
    });
  });

  test('get on a full queue with waiting putters returns their items in order', async () => {
    await run(async () => {
      const q = new Queue<string>(1);
      const putA = createTask(() => q.put('a'));
      const putB = createTask(() => q.put('b'));
      assert.equal(await q.get(), 'a');
      assert.equal(await q.get(), 'b');
      await putA;
      await putB;
    });
  });

  test('a producer and a consumer joined by a queue of size 1 both run to the end', async () => {
    await run(async () => {
      const q = new Queue<number>(1);
      const received: number[] = [];
      await TaskGroup.run(async (tg) => {
        tg.createTask(async () => {
          for (let i = 0; i < 5; i++) await q.put(i);
        });
        tg.createTask(async () => {
          for (let i = 0; i < 5; i++) received.push(await q.get());
        });
      });
      assert.deepEqual(received, [0, 1, 2, 3, 4]);
    });
  });

  test('a get cancelled by a waitFor timeout is not kept as a waiting getter', async () => {
    using _clock = VirtualClock.install();
    await run(async () => {
      const q = new Queue<number>(5);
      await assert.rejects(
        waitFor(() => q.get(), 100),
        (e: unknown) => e instanceof TimeoutError,
      );
      assert.equal(q.statistics().getters, 0);
      q.putNowait(1);
      assert.equal(q.getNowait(), 1, 'the timed-out get took nothing');
    });
  });

  test('a get that receives its item before the waitFor timeout returns it', async () => {
    using _clock = VirtualClock.install();
    await run(async () => {
      const q = new Queue<number>();
      const getter = createTask(() => waitFor(() => q.get(), 51));
      await sleep(10);
      q.putNowait(1);
      assert.equal(await getter, 1);
    });
  });

  test('a getter cancelled after being woken takes nothing, so the first item is not dropped', async () => {
    await run(async () => {
      const q = new Queue<number>();
      let reader: Task<number> = createTask(() => q.get());
      await sleep(0);
      q.putNowait(1); // wakes the reader…
      q.putNowait(2);
      reader.cancel(); // …which is cancelled before it resumes
      try {
        await reader;
      } catch (error) {
        assert.ok(error instanceof CancelledError);
        reader = createTask(() => q.get());
        await reader;
      }
      assert.equal(reader.result(), 1, 'getting 2 would mean 1 was dropped');
      assert.equal(q.getNowait(), 2);
    });
  });

  test('a woken getter that is cancelled hands its wake-up to the next getter, so every item is delivered', async () => {
    await run(async () => {
      const q = new Queue<number>();
      let reader2!: Task<number>;
      let reader3!: Task<number>;
      await TaskGroup.run(async (tg) => {
        const reader1 = tg.createTask(() => q.get());
        reader2 = tg.createTask(() => q.get());
        reader3 = tg.createTask(() => q.get());
        await sleep(0);
        q.putNowait(1); // wakes reader1
        q.putNowait(2); // wakes reader2
        reader1.cancel(); // reader1 must pass its wake-up to reader3
        await assert.rejects(reader1, CancelledError);
        await reader3;
      });
      // Which reader gets which item is not specified; that both arrive is.
      assert.deepEqual(new Set([reader2.result(), reader3.result()]), new Set([1, 2]));
      assert.equal(q.empty(), true);
    });
  });
});

describe('Queue.put', () => {
  test('put on an unbounded queue never waits', async () => {
    const q = new Queue<number>();
    await q.put(1);
    assert.equal(await q.get(), 1);
  });

  test('put on a full queue waits until a get frees a slot', async () => {
    using _clock = VirtualClock.install();
    await run(async () => {
      const q = new Queue<number>(1);
      const started = new Future<void>();
      let finished = false;
      getRunningLoop().callLater(10, () => void q.getNowait());
      const putter = createTask(async () => {
        started.setResult();
        await q.put(1);
        await q.put(2);
        finished = true;
      });
      await started;
      assert.equal(finished, false);
      await putter;
      assert.equal(finished, true);
      assert.equal(q.getNowait(), 2);
    });
  });

  test('put hands the item to a waiting getter', async () => {
    await run(async () => {
      const q = new Queue<string>();
      const getter = createTask(() => q.get());
      await sleep(0);
      await q.put('a');
      assert.equal(await getter, 'a');
    });
  });

  test('a put into a queue with room completes at once and its item reaches a waiting get', async () => {
    await run(async () => {
      const q = new Queue<number>();
      const putter = createTask(async () => {
        await q.put(1);
        return true;
      });
      assert.equal(await q.get(), 1);
      assert.equal(await putter, true);
    });
  });

  test('a putter cancelled after being woken puts nothing, and a retry puts the item once', async () => {
    await run(async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      let writer: Task<void> = createTask(() => q.put(2));
      await sleep(0);
      assert.equal(q.getNowait(), 1); // wakes the writer…
      writer.cancel(); // …which is cancelled before it resumes
      try {
        await writer;
      } catch (error) {
        assert.ok(error instanceof CancelledError);
        writer = createTask(() => q.put(2));
        await writer;
      }
      assert.equal(q.getNowait(), 2);
      assert.equal(q.qsize(), 0);
    });
  });

  test('a woken putter that is cancelled hands the free slot to the next putter', async () => {
    await run(async () => {
      const q = new Queue<string>(1);
      q.putNowait('a');
      const first = createTask(() => q.put('b'));
      const second = createTask(() => q.put('c'));
      await sleep(0);
      assert.equal(q.getNowait(), 'a'); // wakes `first`
      first.cancel();
      await assert.rejects(first, CancelledError);
      await second;
      assert.deepEqual([q.getNowait(), q.qsize()], ['c', 0]);
    });
  });

  test('cancelling a waiting putter keeps the other putters in order', async () => {
    await run(async () => {
      const q = new Queue<string>(1);
      const putA = createTask(() => q.put('a'));
      const putB = createTask(() => q.put('b'));
      const putC = createTask(() => q.put('X'));
      await sleep(0);
      assert.equal(putA.done(), true);
      assert.equal(putB.done(), false);
      putC.cancel();
      await sleep(0);
      assert.equal(putC.cancelled(), true);
      assert.equal(q.getNowait(), 'a');
      await sleep(0);
      assert.equal(q.getNowait(), 'b');
      await putB;
      assert.equal(q.empty(), true);
    });
  });

  test('putters blocked on a full queue all finish when a getter drains it', async () => {
    await run(async () => {
      const q = new Queue<number>(2);
      await TaskGroup.run(async (tg) => {
        tg.createTask(async () => {
          await sleep(0);
          const n = q.qsize();
          for (let i = 0; i < n; i++) q.getNowait();
        });
        for (let i = 0; i < 4; i++) tg.createTask(() => q.put(i));
      });
      assert.equal(q.qsize(), 2);
    });
  });

  test('a cancelled put is not kept as a waiting putter', async () => {
    await run(async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      const putTask = createTask(() => q.put(1));
      await sleep(0);
      assert.equal(q.statistics().putters, 1);
      putTask.cancel();
      await assert.rejects(putTask, CancelledError);
      assert.equal(q.statistics().putters, 0);
      assert.equal(q.qsize(), 1);
    });
  });

  test('cancelling a putter already released by getNowait fails it with CancelledError only', async () => {
    await run(async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      const putTask = createTask(() => q.put(1));
      await sleep(0);
      q.getNowait(); // removes the putter from the waiting putters and wakes it
      putTask.cancel();
      await assert.rejects(putTask, CancelledError);
      assert.equal(q.statistics().putters, 0);
      assert.equal(q.empty(), true);
    });
  });
});

for (const [name, QueueClass] of queueClasses) {
  describe(`${name} taskDone and join`, () => {
    test('taskDone without an unfinished item throws RangeError saying it was called too many times', () => {
      const q = new QueueClass<number>();
      assert.throws(
        () => q.taskDone(),
        (e: unknown) =>
          e instanceof RangeError && /taskDone\(\) called too many times/.test(e.message),
      );
      q.putNowait(1);
      q.getNowait();
      q.taskDone();
      assert.throws(() => q.taskDone(), RangeError);
    });

    test('join waits until every item put has been marked done by the workers', async () => {
      await run(async () => {
        const q = new QueueClass<number>();
        for (let i = 0; i < 100; i++) q.putNowait(i);
        let accumulator = 0;
        let running = true;
        const worker = async (): Promise<void> => {
          while (running) {
            const item = await q.get();
            accumulator += item;
            q.taskDone();
          }
        };
        await TaskGroup.run(async (tg) => {
          const workers = [tg.createTask(worker), tg.createTask(worker)];
          await q.join();
          assert.equal(accumulator, (99 * 100) / 2);
          running = false;
          for (let i = 0; i < workers.length; i++) q.putNowait(0);
        });
      });
    });

    test('join on a queue with nothing unfinished resolves at once, twice', async () => {
      // "At once": already settled when it is returned, so it wins a race against a
      // promise made after it that is settled too; a waiting join would lose.
      const now = Symbol('settled later');
      const settledAtOnce = async (join: Promise<void>): Promise<boolean> =>
        (await Promise.race([join, Promise.resolve(now)])) !== now;
      const q = new QueueClass<number>();
      assert.equal(await settledAtOnce(q.join()), true, 'a fresh queue');
      assert.equal(await settledAtOnce(q.join()), true, 'the second join');
      q.putNowait(1);
      const waiting = q.join();
      assert.equal(await settledAtOnce(waiting), false, 'with an item unfinished');
      q.getNowait();
      q.taskDone();
      await waiting;
      assert.equal(await settledAtOnce(q.join()), true, 'once every item is done');
      assert.equal(await settledAtOnce(q.join()), true, 'and again');
      assert.equal(q.statistics().joiners, 0);
    });

    test('a cancelled join leaves the queue unchanged and the next join still works', async () => {
      await run(async () => {
        const q = new QueueClass<number>();
        q.putNowait(1);
        const joiner = createTask(() => q.join());
        await sleep(0);
        joiner.cancel();
        await assert.rejects(joiner, CancelledError);
        assert.equal(q.statistics().joiners, 0);
        const again = createTask(() => q.join());
        q.getNowait();
        q.taskDone();
        await again;
      });
    });
  });

  describe(`${name} shutdown`, () => {
    test('after shutdown of an empty queue, the waiting get and every later put and get fail with QueueShutDown', async () => {
      await run(async () => {
        const q = new QueueClass<string>();
        const getTask = createTask(() => q.get());
        await sleep(0); // the get is waiting before the shutdown
        q.shutdown(false);
        assert.equal(q.qsize(), 0);
        await q.join();
        await sleep(0);
        assert.equal(getTask.done(), true);
        await assert.rejects(getTask, isShutDown);
        await assert.rejects(
          q.put('data'),
          (e: unknown) =>
            isShutDown(e) &&
            /^put\(\) on a \w+ that was shut down$/.test(String((e as Error).message)),
        );
        assert.throws(() => q.putNowait('data'), isShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), isShutDown);
      });
    });

    test('after shutdown of a non-empty queue, a waiting put fails, gets drain the rest, then fail', async () => {
      await run(async () => {
        const q = new QueueClass<string>(1);
        q.putNowait('data');
        const joinTask = createTask(() => q.join());
        const putTask = createTask(() => q.put('data2'));
        await sleep(0);
        assert.equal(putTask.done(), false);

        q.shutdown(false); // unfinished tasks: 1 -> 1
        assert.equal(q.qsize(), 1);
        await sleep(0);
        assert.equal(putTask.done(), true);
        await assert.rejects(putTask, isShutDown);

        assert.equal(await q.get(), 'data');
        await sleep(0);
        assert.equal(joinTask.done(), false);

        await assert.rejects(q.put('data'), isShutDown);
        assert.throws(() => q.putNowait('data'), isShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), isShutDown);

        q.taskDone();
        await sleep(0);
        assert.equal(joinTask.done(), true);
        await joinTask;
        assert.throws(() => q.taskDone(), RangeError, 'every task was marked done');
      });
    });

    test('shutdown(true) discards the items, counts them done, and releases join', async () => {
      await run(async () => {
        const q = new QueueClass<string>();
        q.putNowait('data');
        const joinTask = createTask(() => q.join());

        q.shutdown(true); // unfinished tasks: 1 -> 0
        assert.equal(q.qsize(), 0);
        await sleep(0);
        assert.equal(joinTask.done(), true);
        await joinTask;

        await assert.rejects(q.put('data'), isShutDown);
        assert.throws(() => q.putNowait('data'), isShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), isShutDown);
        assert.throws(() => q.taskDone(), RangeError, 'the discarded item was counted done');
      });
    });

    test('shutdown(true) with an item taken but not done keeps join waiting for that one', async () => {
      await run(async () => {
        const q = new QueueClass<string>();
        q.putNowait('data');
        q.putNowait('data');
        const joinTask = createTask(() => q.join());
        assert.equal(await q.get(), 'data');

        q.shutdown(true); // unfinished tasks: 2 -> 1
        assert.equal(q.qsize(), 0);
        await sleep(0);
        assert.equal(joinTask.done(), false);

        await assert.rejects(q.put('data'), isShutDown);
        assert.throws(() => q.putNowait('data'), isShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), isShutDown);

        q.taskDone();
        assert.throws(() => q.taskDone(), RangeError);
        await sleep(0);
        assert.equal(joinTask.done(), true);
        await joinTask;
      });
    });

    test('shutdown wakes every blocked getter and putter with QueueShutDown and leaves no waiter', async () => {
      await run(async () => {
        const empty = new QueueClass<number>();
        const getters = [createTask(() => empty.get()), createTask(() => empty.get())];
        const full = new QueueClass<number>(1);
        full.putNowait(0);
        const putters = [createTask(() => full.put(1)), createTask(() => full.put(2))];
        await sleep(0);
        empty.shutdown();
        full.shutdown();
        for (const t of [...getters, ...putters]) await assert.rejects(t, isShutDown);
        assert.equal(empty.statistics().getters, 0);
        assert.equal(full.statistics().putters, 0);
        assert.equal(full.getNowait(), 0, 'a plain shutdown keeps the items');
      });
    });

    test('shutdown(true) on a full queue wakes the putters with QueueShutDown', async () => {
      await run(async () => {
        const q = new QueueClass<number>(1);
        q.putNowait(0);
        const putter = createTask(() => q.put(1));
        await sleep(0);
        q.shutdown(true);
        await assert.rejects(
          putter,
          (e: unknown) => isShutDown(e) && (e as Error).message.startsWith('put()'),
        );
        assert.equal(q.qsize(), 0);
        assert.equal(q.statistics().unfinishedTasks, 0);
      });
    });

    test('shutdown() a second time is harmless, and shutdown(true) after shutdown() still drains', () => {
      const q = new QueueClass<number>();
      q.putNowait(1);
      q.shutdown();
      q.shutdown();
      assert.equal(q.qsize(), 1);
      q.shutdown(true);
      assert.equal(q.qsize(), 0);
      assert.equal(q.statistics().shutdown, true);
    });

    test('shutdown(immediate) with a non-boolean throws TypeError', () => {
      const q = new QueueClass<number>();
      assert.throws(() => q.shutdown('yes' as unknown as boolean), TypeError);
      assert.equal(q.statistics().shutdown, false);
    });
  });
}

describe('Queue async iteration', () => {
  test('for await yields the items as they arrive and ends once the queue is shut down and drained', async () => {
    await run(async () => {
      const q = new Queue<number>();
      const seen: number[] = [];
      const consumer = createTask(async () => {
        for await (const item of q) {
          seen.push(item);
          q.taskDone();
        }
        return 'ended';
      });
      q.putNowait(1);
      q.putNowait(2);
      await sleep(0);
      assert.deepEqual(seen, [1, 2]);
      q.putNowait(3);
      q.shutdown();
      assert.equal(await consumer, 'ended');
      assert.deepEqual(seen, [1, 2, 3]);
      await q.join();
    });
  });

  test('breaking out of for await leaves the remaining items in the queue', async () => {
    const q = new Queue<number>();
    for (const i of [1, 2, 3]) q.putNowait(i);
    for await (const item of q) {
      assert.equal(item, 1);
      break;
    }
    assert.deepEqual([q.getNowait(), q.getNowait()], [2, 3]);
  });

  test('cancelling a task waiting in for await cancels its get and leaves no waiter', async () => {
    await run(async () => {
      const q = new Queue<number>();
      const consumer = createTask(async () => {
        for await (const _item of q) {
          // nothing arrives
        }
      });
      await sleep(0);
      assert.equal(q.statistics().getters, 1);
      consumer.cancel();
      await assert.rejects(consumer, CancelledError);
      assert.equal(q.statistics().getters, 0);
    });
  });
});
