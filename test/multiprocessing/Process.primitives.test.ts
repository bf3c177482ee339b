/**
 * The primitives as arguments of `Process` targets: the child rebuilds them from their
 * shared state and uses the very same queue, lock, pipe or barrier.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Barrier, Event, Lock, Manager, Pipe, Process, Queue } from 'concur/multiprocessing';

import {
  echoOnce,
  incrementUnderLock,
  meetAt,
  putAndReturn,
  squares,
  takeOne,
} from './fixtures/threadTasks.js';

describe('multiprocessing primitives passed to Process targets', () => {
  test('a Process target takes jobs from one queue and puts results on another', async () => {
    const jobs = new Queue<number>();
    const results = new Queue<number>();
    const p = new Process({ target: squares, args: [jobs, results, 5] });
    p.start();
    for (let i = 1; i <= 5; i++) await jobs.put(i);
    const got: number[] = [];
    for (let i = 0; i < 5; i++) got.push(await results.get());
    assert.deepEqual(got, [1, 4, 9, 16, 25]);
    await p.join();
    assert.equal(p.exitcode, 0);
  });

  test('what a Process target put just before returning arrives, large items too', async () => {
    const queue = new Queue<unknown>();
    const big = new Uint8Array(8 * 1024 * 1024).fill(7);
    const p = new Process({ target: putAndReturn, args: [queue, ['small', big, 'last']] });
    p.start();
    await p.join();
    assert.equal(p.exitcode, 0);
    assert.equal(await queue.get(), 'small');
    assert.equal(((await queue.get()) as Uint8Array).length, big.length);
    assert.equal(await queue.get(), 'last');
  });

  test('items a Process target prefetched but did not take are back in the queue when it ends', async () => {
    const queue = new Queue<number>();
    const results = new Queue<number>();
    for (let i = 0; i < 50; i++) await queue.put(i);
    const p = new Process({ target: takeOne, args: [queue, results] });
    p.start();
    await p.join();
    assert.equal(await results.get(), 0);
    assert.equal(await queue.qsize(), 49);
    assert.equal(await queue.get(), 1);
  });

  test('four Processes incrementing under one Lock lose no update', async () => {
    await using manager = await Manager.start();
    const lock = new Lock();
    const ns = manager.Namespace({ value: 0 });
    const ps = [1, 2, 3, 4].map(
      () => new Process({ target: incrementUnderLock, args: [lock, ns, 25] }),
    );
    for (const p of ps) p.start();
    for (const p of ps) await p.join();
    assert.deepEqual(
      ps.map((p) => p.exitcode),
      [0, 0, 0, 0],
    );
    assert.equal(await ns.get('value'), 100);
  });

  test('a Pipe end passed to a Process echoes and then reads as closed', async () => {
    const [here, there] = Pipe();
    const p = new Process({ target: echoOnce, args: [there] });
    p.start();
    here.send({ hello: 'child' });
    assert.deepEqual(await here.recv(), { hello: 'child' });
    await p.join();
    await assert.rejects(here.recv(), { name: 'EOFError' });
  });

  test('three Processes meet at a Barrier: indices 0, 1, 2', async () => {
    const barrier = new Barrier(3);
    const go = new Event();
    const results = new Queue<number>();
    const ps = [1, 2, 3].map(() => new Process({ target: meetAt, args: [barrier, go, results] }));
    for (const p of ps) p.start();
    await go.set();
    const got = [await results.get(), await results.get(), await results.get()].sort();
    assert.deepEqual(got, [0, 1, 2]);
    for (const p of ps) await p.join();
  });
});
