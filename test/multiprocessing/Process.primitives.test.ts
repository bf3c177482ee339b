/**
 * The primitives as arguments of `Process` targets: the child rebuilds them from their
 * shared state and uses the very same queue, lock, pipe or barrier.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { leakReport } from 'concur-ts/testing';

import { Barrier, Event, Lock, Manager, Pipe, Process, Queue } from 'concur-ts/multiprocessing';

import {
  echoOnce,
  incrementUnderLock,
  meetAt,
  putAndReturn,
  recvSomeThenCompute,
  squares,
  takeOne,
  takeManyWithTimeout,
  takeSomeThenCompute,
  takeThenCompute,
  takeWithTimeout,
} from './fixtures/threadTasks.js';
import { eventually } from '../fixtures/polling.js';

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

/** `from`, `from + 1`, … up to (not including) `to`. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/**
 * One event-loop turn: libuv reads the sockets (poll phase) before it runs immediates,
 * so what a child wrote before its file signal has been read once this resolves.
 */
function afterPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Waits until no other process is connected to this one's resource server: a killed
 * child's connection has closed, and what it held (items leased to it) is back.
 */
function disconnected(): Promise<void> {
  return eventually(() => leakReport().resourceConnections === 0, 'every child connection closing');
}

/** Waits for the file `path` (a child's signal) and returns its content. */
async function fileSignal(path: string): Promise<string> {
  await eventually(() => existsSync(path), `the file ${path}`);
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
      await disconnected(); // the items leased to it come back when its connection drops
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

  test('a consumer killed while it computes after taking 3 items of a prefetched batch: nobody else gets those 3, and the 97 others are all back, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-mpq-'));
    const queue = new Queue<number>();
    const results = new Queue<number[]>();
    const marker = join(dir, 'took');
    const p = new Process({
      target: takeSomeThenCompute,
      args: [queue, results, 3, marker, join(dir, 'never'), -1],
    });
    try {
      for (let i = 0; i < 100; i++) await queue.put(i);
      p.start();
      assert.deepEqual(JSON.parse(await fileSignal(marker)), [0, 1, 2]);
      p.kill();
      await p.join();
      await disconnected();
      const rest: number[] = [];
      for (let i = 0; i < 97; i++) rest.push(await queue.get({ timeout: 10_000 }));
      assert.deepEqual(rest, range(3, 100));
      assert.equal(await queue.qsize(), 0);
    } finally {
      p.kill();
      await p.join();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a consumer killed right after taking items, its takes read by the owner only when its connection drops, loses nothing and duplicates nothing, and leaves no ack file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-mpq-'));
    try {
      // 1 item (no take from the lease), part of a lease, a whole lease (16), one item
      // into the second batch, and further in.
      for (const k of [1, 2, 5, 16, 17, 40]) {
        const queue = new Queue<number>();
        const results = new Queue<number[]>();
        for (let i = 0; i < 100; i++) await queue.put(i);
        const marker = join(dir, `took-${k}`);
        const p = new Process({
          target: takeSomeThenCompute,
          args: [queue, results, k, marker, join(dir, 'never'), -1],
        });
        try {
          p.start();
          // No qsize() here: the owner learns what the consumer took from its file at drop
          // (or, if the lease ended first, at its reclaim).
          assert.deepEqual(JSON.parse(await fileSignal(marker)), range(0, k), `k = ${k}`);
          assert.equal(leakReport().resourceFiles, 1, `the consumer's ack file (k = ${k})`);
        } finally {
          p.kill();
          await p.join();
        }
        await disconnected();
        assert.equal(leakReport().resourceFiles, 0, `an ack file was left behind (k = ${k})`);
        const rest: number[] = [];
        for (let i = k; i < 100; i++) rest.push(await queue.get({ timeout: 10_000 }));
        assert.deepEqual(rest, range(k, 100), `k = ${k}`);
        assert.equal(await queue.qsize(), 0, `k = ${k}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a consumer that computes after taking 3 items of a prefetched batch and then goes on: every item is delivered exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-mpq-'));
    const queue = new Queue<number>();
    const results = new Queue<number[]>();
    const marker = join(dir, 'took');
    const release = join(dir, 'release');
    const p = new Process({
      target: takeSomeThenCompute,
      args: [queue, results, 3, marker, release, -1],
    });
    try {
      for (let i = 0; i < 100; i++) await queue.put(i);
      p.start();
      assert.deepEqual(JSON.parse(await fileSignal(marker)), [0, 1, 2]);
      // While it computes, this process takes 90: the consumer's leased items (the rest of
      // its batch) come back to the queue when the lease ends, and are among them.
      const mine: number[] = [];
      for (let i = 0; i < 90; i++) mine.push(await queue.get({ timeout: 10_000 }));
      assert.ok(
        mine.includes(3),
        `item 3, leased to the consumer, was not taken here: ${JSON.stringify(mine)}`,
      );
      writeFileSync(release, '');
      await queue.put(-1);
      const theirs = await results.get({ timeout: 30_000 });
      await p.join();
      assert.equal(p.exitcode, 0);
      assert.deepEqual(theirs.slice(0, 3), [0, 1, 2]);
      assert.deepEqual(
        [...theirs, ...mine].sort((a, b) => a - b),
        range(0, 100),
      );
      assert.equal(await queue.qsize(), 0);
    } finally {
      p.kill();
      await p.join();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the items leased to a consumer that computes reach another consumer well within its get timeout, and qsize() counts them meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-mpq-'));
    const queue = new Queue<number>();
    const results = new Queue<number[]>();
    const others = new Queue<number[] | string>();
    const marker = join(dir, 'took');
    const busy = new Process({
      target: takeSomeThenCompute,
      args: [queue, results, 3, marker, join(dir, 'never'), -1],
    });
    try {
      for (let i = 0; i < 100; i++) await queue.put(i);
      busy.start();
      assert.deepEqual(JSON.parse(await fileSignal(marker)), [0, 1, 2]);
      await afterPoll(); // (its takes of items 1 and 2 were in its ack file before the marker)
      assert.equal(await queue.qsize(), 97);
      // Another process takes all 97, each get waiting at most 5 s: the busy consumer's
      // leased items too, while it still computes.
      const other = new Process({ target: takeManyWithTimeout, args: [queue, others, 97, 5_000] });
      other.start();
      const got = await others.get();
      await other.join();
      assert.ok(Array.isArray(got), `the other consumer failed: ${String(got)}`);
      assert.deepEqual(
        got.sort((a, b) => a - b),
        range(3, 100),
      );
      assert.equal(await queue.qsize(), 0);
      assert.equal(busy.isAlive(), true);
    } finally {
      busy.kill();
      await busy.join();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a Pipe reader killed while it holds prefetched objects loses none it did not take', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concur-mpq-'));
    const [here, there] = Pipe();
    const marker = join(dir, 'took');
    const p = new Process({ target: recvSomeThenCompute, args: [there, 3, marker] });
    try {
      for (let i = 0; i < 100; i++) here.send(i);
      p.start();
      assert.deepEqual(JSON.parse(await fileSignal(marker)), [0, 1, 2]);
      p.kill();
      await p.join();
      await disconnected();
      const rest: unknown[] = [];
      for (let i = 0; i < 97; i++) {
        assert.ok(await there.poll(10_000), `object ${i + 3} is there`);
        rest.push(await there.recv());
      }
      assert.deepEqual(rest, range(3, 100));
      assert.equal(await there.poll(0), false);
    } finally {
      p.kill();
      await p.join();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
