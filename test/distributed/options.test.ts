/**
 * runWorker's options that are checked at the call, before any connection is made (no
 * Redis needed).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { runWorker } from 'concur/distributed';

const TASKS = new URL('../fixtures/distributedTasks.js', import.meta.url);
const base = { connection: 'redis://127.0.0.1:1', queue: 'options', tasks: [TASKS] };

describe('runWorker: options checked at the call', () => {
  // BullMQ times both with Node timers, which turn a longer delay into 1 ms.
  test('a lockDuration or stalledInterval past 2^31 - 1 ms, or Infinity, throws RangeError', () => {
    for (const value of [2 ** 31, Infinity]) {
      assert.throws(() => runWorker({ ...base, lockDuration: value }), {
        name: 'RangeError',
        message: /lockDuration must be at most 2147483647 ms/,
      });
      assert.throws(() => runWorker({ ...base, stalledInterval: value }), {
        name: 'RangeError',
        message: /stalledInterval must be at most 2147483647 ms/,
      });
    }
  });
});
