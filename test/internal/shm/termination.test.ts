/**
 * A thread its owner has terminated does not go on after a wake-up (owners.ts,
 * `haltIfTerminated`): Deno reports a terminated worker's exit while the thread still
 * runs, and the others have by then given its place away. Node ends such a thread inside
 * its wait, so here the owner only sets the thread's "terminated" word, without
 * terminating it, to see what the thread would do were it still running.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';

import { futex } from '../internals.js';

function sleeper(words: SharedArrayBuffer, slot: number, watch: boolean) {
  const cells = new SharedArrayBuffer(4);
  const worker = new Worker(new URL('../fixtures/haltWorker.js', import.meta.url), {
    workerData: { words, cells, slot, watch },
  });
  return { worker, cells: new Int32Array(cells), sleeping: once(worker, 'message') };
}

/** Wakes `count` sleepers on word 0 of `view`, notifying until that many were woken. */
async function wake(view: Int32Array, count: number): Promise<void> {
  let woken = Atomics.notify(view, 0);
  while (woken < count) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    woken += Atomics.notify(view, 0);
  }
}

/** Resolves once `view[index]` is no longer 0. */
async function until(view: Int32Array, index: number): Promise<void> {
  while (Atomics.load(view, index) === 0) {
    await futex.waitAsync(view, index, 0, Infinity);
  }
}

describe('a thread its owner terminated', () => {
  test('wakes from a blocking wait but does not go on, while a live sleeper woken with it does', async () => {
    const words = new SharedArrayBuffer(3 * 4);
    const view = new Int32Array(words);
    const dead = sleeper(words, 0, true);
    const live = sleeper(words, 1, true);
    try {
      await Promise.all([dead.sleeping, live.sleeping]);
      // Both are (about to be) asleep on word 0; the owner gives up on one of them.
      Atomics.store(dead.cells, 0, 1);
      await wake(view, 2);
      await until(view, 2);
      // The live one went on; the dead one, woken at the same moment, had time to as well.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(Atomics.load(view, 1), 0, 'the terminated thread went on after waking');
    } finally {
      await Promise.all([dead.worker.terminate(), live.worker.terminate()]);
    }
  });

  test('a thread that never registered its word goes on as before', async () => {
    const words = new SharedArrayBuffer(3 * 4);
    const view = new Int32Array(words);
    const plain = sleeper(words, 0, false);
    try {
      await plain.sleeping;
      Atomics.store(plain.cells, 0, 1); // not watched: means nothing to this thread
      await wake(view, 1);
      await until(view, 1);
    } finally {
      await plain.worker.terminate();
    }
  });
});
