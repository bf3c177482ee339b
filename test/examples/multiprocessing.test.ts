/**
 * The seeds' multiprocessing examples (`examples/multiprocessing/`): each runs and shows
 * what its seed says it shows. In-process runs check the facts (pids, exit codes); a run
 * of the compiled script checks what the children print.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as sumOfSquares from '../../examples/multiprocessing/01-sum-of-squares.js';
import * as twoProcesses from '../../examples/multiprocessing/02-two-processes.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs a compiled example as a program and returns its stdout lines. */
async function runExample(name: string): Promise<string[]> {
  const { stdout } = await exec(process.execPath, [`build/examples/multiprocessing/${name}.js`], {
    cwd: root,
    timeout: 120_000,
  });
  return stdout.trim().split('\n');
}

describe('examples/multiprocessing/01-sum-of-squares (seeds 000, 001)', () => {
  test('four processes, each with its own pid, compute and end with exit code 0', async () => {
    const { pids, exitcodes, lines } = await sumOfSquares.main({
      quiet: true,
      numbers: [100_000, 100_000, 100_000, 100_000],
    });
    assert.equal(new Set(pids).size, 4);
    assert.ok(!pids.includes(process.pid));
    assert.deepEqual(exitcodes, [0, 0, 0, 0]);
    assert.match(lines.at(-1)!, /^Total time consumption: \d+\.\d\d seconds$/);
  });

  test('each child prints the exact sum of squares below 10 000 000, then the parent the total time', async () => {
    const lines = await runExample('01-sum-of-squares');
    const results = lines.filter((l) => l.startsWith('Calculation results: '));
    assert.deepEqual(results, new Array(4).fill('Calculation results: 333333283333335000000'));
    assert.match(lines.at(-1)!, /^Total time consumption: \d+\.\d\d seconds$/);
  });
});

describe('examples/multiprocessing/02-two-processes (seed 002 §3)', () => {
  test('two processes with different pids both end with exit code 0', async () => {
    const { pids, exitcodes, lines } = await twoProcesses.main({ quiet: true });
    assert.equal(new Set(pids).size, 2);
    assert.ok(!pids.includes(process.pid));
    assert.deepEqual(exitcodes, [0, 0]);
    assert.equal(lines[0], '--- Starting multiprocessing example ---');
    assert.match(
      lines.at(-1)!,
      /^--- Multiprocessing example ended, total time: \d+\.\d\d seconds ---$/,
    );
  });

  test('each process prints its own PID when it starts and ends', async () => {
    const lines = await runExample('02-two-processes');
    const pids = new Set(lines.flatMap((line) => /PID: (\d+)/.exec(line)?.[1] ?? []));
    assert.equal(pids.size, 2, 'two different PIDs');
    assert.ok(!pids.has(String(process.pid)));
    for (const name of ['A', 'B']) {
      const pid = lines
        .map((l) => new RegExp(`^Process Process ${name} \\(PID: (\\d+)\\) started`).exec(l)?.[1])
        .find(Boolean);
      assert.ok(pid !== undefined, `Process ${name} started`);
      assert.ok(lines.includes(`Process Process ${name} (PID: ${pid}) ended`));
    }
    assert.match(lines.at(-1)!, /total time/);
  });
});
