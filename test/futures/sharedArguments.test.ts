/**
 * Shared primitives as task arguments reach a worker whose task module never loads their
 * classes (it imports them as types only): the worker loads every shareable type itself.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ProcessPoolExecutor, ThreadPoolExecutor } from 'concur-ts/futures';
import { Queue } from 'concur-ts/multiprocessing';
import { Lock } from 'concur-ts/threading';

import { describeLock, putSeven } from '../fixtures/typeOnlyTasks.js';

describe('shared primitives as arguments', () => {
  test('a threading Lock arrives as a Lock in a thread whose task module imports it as a type only', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    assert.equal(await pool.submit(describeLock, new Lock()), 'Lock locked=false');
  });

  test('a multiprocessing Queue arrives as a Queue in a process whose task module imports it as a type only', async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    const queue = new Queue<number>();
    assert.equal(await pool.submit(putSeven, queue), 'Queue');
    // The child's put travels on another channel than its result and may arrive later:
    // this untimed get in the owner keeps the process alive until it does.
    assert.equal(await queue.get(), 7);
    queue.close();
  });
});
