/**
 * The primitives as arguments of `Process` targets: the child rebuilds them from their
 * shared state and uses the very same queue, lock, pipe or barrier.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { Barrier, Event, Lock, Manager, Pipe, Process, Queue } from 'concur/multiprocessing';

import {
  echoOnce,
  incrementUnderLock,
  meetAt,
  putAndReturn,
  squares,
  takeOne,
  takeThenCompute,
  takeWithTimeout,
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

/** Waits for the file `path` (a child's signal) and returns its content. */
async function fileSignal(path: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`no ${path} (hang guard)`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return readFileSync(path, 'utf8');
}

describe('multiprocessing Queue: a consumer that computes or dies keeps only what it took', () => {
  test('a consumer killed while it computes after one get() loses nothing else: the 99 other items are all back, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-mpq-'));
    try {
      const queue = new Queue<number>();
      for (let i = 0; i < 100; i++) await queue.put(i);
      const p = new Process({ target: takeThenCompute, args: [queue, join(dir, 'took')] });
      p.start();
      assert.equal(await fileSignal(join(dir, 'took')), '0');
      p.kill();
      await p.join();
      assert.equal(await queue.qsize(), 99);
      const rest: number[] = [];
      for (let i = 0; i < 99; i++) rest.push(await queue.get({ timeout: 10_000 }));
      assert.deepEqual(
        rest,
        Array.from({ length: 99 }, (_, i) => i + 1),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('while a consumer computes after its get(), the other items go to other consumers and qsize() counts only them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-mpq-'));
    const queue = new Queue<number>();
    const results = new Queue<number | string>();
    const busy = new Process({ target: takeThenCompute, args: [queue, join(dir, 'took')] });
    try {
      for (let i = 0; i < 10; i++) await queue.put(i);
      busy.start();
      assert.equal(await fileSignal(join(dir, 'took')), '0');
      assert.equal(await queue.qsize(), 9);
      // Another process, then this one (the owner), get the next items.
      const other = new Process({ target: takeWithTimeout, args: [queue, results, 10_000] });
      other.start();
      assert.equal(await results.get(), 1);
      await other.join();
      assert.equal(await queue.get({ timeout: 10_000 }), 2);
      assert.equal(await queue.qsize(), 7);
    } finally {
      busy.kill();
      await busy.join();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
