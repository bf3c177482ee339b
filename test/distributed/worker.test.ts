/**
 * The `concur worker` command line: help and usage errors (no Redis needed; the running
 * worker is tested with the executor).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

function concur(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error === null) resolve({ code: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
      else reject(error);
    });
  });
}

describe('concur worker', () => {
  test('--help shows how to start a worker and exits 0', async () => {
    const { code, stdout } = await concur('worker', '--help');
    assert.equal(code, 0);
    assert.match(stdout, /--connection <url>/);
    assert.match(stdout, /--tasks <module>/);
  });

  test('concur --help lists the worker command', async () => {
    const { code, stdout } = await concur('--help');
    assert.equal(code, 0);
    assert.match(stdout, /worker +run distributed tasks/);
  });

  test('a missing option, a bad number or an unknown option is a usage error (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['worker', '--queue', 'q', '--tasks', 'x.js'], /--connection is required/],
      [['worker', '--connection', 'redis://h', '--tasks', 'x.js'], /--queue is required/],
      [['worker', '--connection', 'redis://h', '--queue', 'q'], /--tasks needs at least one/],
      [
        [
          'worker',
          '--connection',
          'redis://h',
          '--queue',
          'q',
          '--tasks',
          'x.js',
          '--concurrency',
          '0',
        ],
        /--concurrency must be an integer >= 1/,
      ],
      [['worker', '--nope'], /Unknown option '--nope'/],
      [
        [
          'worker',
          '--connection',
          'redis://h',
          '--queue',
          'q',
          '--tasks',
          'x.js',
          '--pool',
          'fork',
        ],
        /--pool must be thread, process or none/,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await concur(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
    }
  });
});
