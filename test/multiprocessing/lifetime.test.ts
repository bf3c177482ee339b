import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Queue } from 'concur/multiprocessing';

import { Children } from './harness.js';

describe('multiprocessing object lifetime', () => {
  test('a queue handed to a child outlives the last handle on it in the owner', async () => {
    await using children = new Children();
    let queue: Queue<number> | null = new Queue<number>();
    await queue.put(7);
    const child = children.start<number>('sum', { queue, n: 1 });
    queue = null;
    (globalThis as { gc?: () => void }).gc?.();
    assert.equal(await child.result, 7);
  });
});
