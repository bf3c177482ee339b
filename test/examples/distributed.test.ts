/**
 * The distributed example (`examples/distributed/`): seed 000's sums of squares on two
 * `concur worker` processes through a private redis-server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as sumOfSquares from '../../examples/distributed/01-sum-of-squares.js';

function expected(number: number): number {
  let total = 0;
  for (let n = 0; n < number; n++) total += n * n;
  return total;
}

describe('examples/distributed/01-sum-of-squares (seed 000)', () => {
  test('two worker processes compute every sum of squares, each exactly, through Redis', async () => {
    const numbers = [200_000, 300_000, 400_000, 500_000, 600_000, 700_000];
    const { totals, workers, lines } = await sumOfSquares.main({ numbers, quiet: true });
    assert.deepEqual(totals, numbers.map(expected));
    assert.ok(
      workers.every((pid) => pid !== process.pid),
      'computed in the worker processes',
    );
    assert.equal(lines.filter((l) => l.startsWith('Calculation results: ')).length, numbers.length);
    assert.match(lines.at(-1)!, /^Total time consumption: \d+\.\d\d seconds$/);
  });
});
