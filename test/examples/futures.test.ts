/**
 * The seed's concurrent.futures example (`examples/futures/`): a thread pool, futures
 * handled as they complete, the error branch, and CPU-bound work on the same pool.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as threadPoolAsCompleted from '../../examples/futures/01-thread-pool-as-completed.js';
import * as processPoolAsCompleted from '../../examples/futures/02-process-pool-as-completed.js';

describe('examples/futures/01-thread-pool-as-completed (seed 004)', () => {
  test('every page downloads with its length, and the missing one takes the error branch', async () => {
    const { downloads, lines } = await threadPoolAsCompleted.main({ quiet: true });
    const entries = [...downloads.entries()];
    const lengths = entries.filter(([, v]) => typeof v === 'number').map(([, v]) => v);
    assert.deepEqual([...lengths].sort(), [1256, 50123, 80456]);
    const errors = entries.filter(([, v]) => typeof v === 'string');
    assert.equal(errors.length, 1);
    assert.match(errors[0]![0], /missing\.png$/);
    assert.match(String(errors[0]![1]), /404/);
    assert.ok(lines.some((l) => /^Error downloading .*missing\.png: /.test(l)));
  });

  test('each future is handled exactly once, as it completes', async () => {
    const { completionOrder, downloads } = await threadPoolAsCompleted.main({ quiet: true });
    assert.equal(completionOrder.length, 4);
    assert.deepEqual([...completionOrder].sort(), [...downloads.keys()].sort());
  });

  test('the CPU-bound factorials come out exact (BigInt) from the same kind of pool', async () => {
    const { factorials } = await threadPoolAsCompleted.main({ quiet: true });
    assert.equal(factorials.get(35), 10333147966386144929666651337523200000000n);
    assert.equal(factorials.size, 3);
  });
});

describe('examples/futures/02-process-pool-as-completed (seed 004)', () => {
  test('a process pool computes every factorial exactly, each handled once as it completes', async () => {
    const { factorials, completionOrder, lines } = await processPoolAsCompleted.main({
      quiet: true,
    });
    assert.equal(factorials.get(35), 10333147966386144929666651337523200000000n);
    assert.equal(factorials.get(37), 13763753091226345046315979581580902400000000n);
    assert.deepEqual([...completionOrder].sort(), [35, 36, 37]);
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^Factorial of 3[567] is \d+$/);
  });
});
