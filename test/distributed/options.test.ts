/**
 * runWorker's options that are checked at the call, before any connection is made (no
 * Redis needed).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { runWorker, TaskModuleNotFoundError } from 'concur-ts/distributed';

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

  test('a tasks module that does not exist rejects with TaskModuleNotFoundError naming its path, with Node’s error as cause', async () => {
    const missing = './no/such/tasks.js';
    const url = new URL('file:///no/such/other-tasks.js');
    for (const [entry, path] of [
      [missing, resolve(missing)],
      [url, '/no/such/other-tasks.js'],
      [pathToFileURL(resolve(missing)).href, resolve(missing)],
    ] as const) {
      await assert.rejects(runWorker({ ...base, tasks: [entry] }), (error: unknown) => {
        assert.ok(error instanceof TaskModuleNotFoundError);
        assert.equal(error.code, 'ERR_CONCUR_TASK_MODULE_NOT_FOUND');
        assert.equal(error.path, path);
        assert.ok(error.message.includes(path), error.message);
        assert.match(error.message, /build/);
        assert.equal((error.cause as { code?: unknown }).code, 'ERR_MODULE_NOT_FOUND');
        return true;
      });
    }
  });
});
