/**
 * Seed 004's `multiprocessing.Pool` example (`examples/multiprocessing/03-pool-map-squares`),
 * run as a program (as `concur demo` runs it): what the workers print and the parent's
 * final line.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('examples/multiprocessing/03-pool-map-squares (seed 004)', () => {
  test('four worker processes square eight numbers; the results come back in input order', async () => {
    const { stdout } = await exec(
      process.execPath,
      ['dist/examples/multiprocessing/03-pool-map-squares.js'],
      { cwd: root, timeout: 60_000 },
    );
    const lines = stdout.trim().split('\n');
    assert.equal(lines.at(-1), 'Final results: [1, 4, 9, 16, 25, 36, 49, 64]');
    const printed = lines.slice(0, -1).map((line) => {
      const match = /^The square of (\d+) is (\d+) \(worker PID: (\d+)\)$/.exec(line);
      assert.ok(match, `a worker's line: ${line}`);
      return { n: Number(match[1]), square: Number(match[2]), pid: Number(match[3]) };
    });
    assert.deepEqual(
      printed.map((p) => p.n).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    for (const p of printed) assert.equal(p.square, p.n * p.n);
    // Printed by worker processes, not by this one (the program's own pid is unknown here,
    // but it is none of the workers': at most 4 distinct worker pids).
    const pids = new Set(printed.map((p) => p.pid));
    assert.ok(pids.size >= 1 && pids.size <= 4, `worker pids: ${[...pids].join(', ')}`);
    assert.ok(!pids.has(process.pid));
  });
});
