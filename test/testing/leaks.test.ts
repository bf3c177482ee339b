/**
 * The global after-each check (test/setup.ts) itself: test files that leave an executor,
 * a daemon thread or a daemon process behind — none of which keeps the process alive —
 * fail under it, naming what they left; the same work cleaned up passes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Process, Queue } from 'concur-ts/multiprocessing';
import { describeLeaks, leakReport } from 'concur-ts/testing';

import { eventually } from '../fixtures/polling.js';
import { runtime } from '../fixtures/runtime.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const setup = fileURLToPath(new URL('../setup.js', import.meta.url));

/**
 * The command that runs a test file under the global check with the test runner of the
 * runtime running this test, as scripts/run-suite.mjs runs the suite's files.
 */
function underCheck(file: string): string[] {
  // Bun's default 5 s per test would end a leaky test before the check names the leak.
  if (runtime === 'bun') return ['test', '--timeout=60000', '--preload', setup, file];
  if (runtime === 'deno') return ['test', '-A', '--no-check', '--preload', setup, file];
  return ['--test', '--test-reporter=spec', '--import', setup, file];
}

/** Runs one fixture test file under the global check: its exit code and output. */
async function runUnderCheck(fixture: string): Promise<{ code: number; output: string }> {
  const file = fileURLToPath(new URL(`./fixtures/${fixture}.js`, import.meta.url));
  // Without the runner's marker the child runs its file as a test run of its own.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return run(process.execPath, underCheck(file), {
    cwd: root,
    env,
    timeout: 60_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number | null; stdout: string; stderr: string }) => ({
      code: error.code ?? -1,
      output: error.stdout + error.stderr,
    }),
  );
}

const fixtures = [
  'leakyPool',
  'leakyPoolInSuite',
  'leakyProcessPool',
  'leakyDaemonProcess',
  'leakyDaemonThread',
  'tidyPool',
] as const;
const results = new Map<string, { code: number; output: string }>();

// All at once (each leaky one waits out the check's settle limit), and done before the
// first test, so that no test's own check sees another's child running.
before(async () => {
  const outcomes = await Promise.all(fixtures.map(runUnderCheck));
  fixtures.forEach((fixture, i) => results.set(fixture, outcomes[i]!));
});

function outcome(fixture: (typeof fixtures)[number]): { code: number; output: string } {
  return results.get(fixture)!;
}

describe('the global leak check', () => {
  test('fails a test that leaves a ThreadPoolExecutor un-shut-down, naming it', () => {
    const { code, output } = outcome('leakyPool');
    assert.notEqual(code, 0, output);
    assert.match(output, /1 executor\(s\) not shut down: <ThreadPoolExecutor maxWorkers=1/);
  });

  test('fails a test inside describe that leaves a ThreadPoolExecutor un-shut-down, naming the test and the pool', () => {
    const { code, output } = outcome('leakyPoolInSuite');
    assert.notEqual(code, 0, output);
    // Deno runs such a test as a step, which nothing a hook does can fail: the check
    // prints what the test left after the file's tests and ends the process non-zero.
    // (Bun prints the error before the test's name.)
    assert.match(output, /uses a thread pool inside a suite and forgets to shut it down/);
    assert.match(output, /1 executor\(s\) not shut down: <ThreadPoolExecutor maxWorkers=1/);
  });

  test('fails a test that leaves a ProcessPoolExecutor un-shut-down, naming it', () => {
    const { code, output } = outcome('leakyProcessPool');
    assert.notEqual(code, 0, output);
    assert.match(output, /1 executor\(s\) not shut down: <ProcessPoolExecutor maxWorkers=1/);
  });

  test('fails a test that leaves a daemon Process running, naming it', () => {
    const { code, output } = outcome('leakyDaemonProcess');
    assert.notEqual(code, 0, output);
    assert.match(output, /1 process\(es\) still running: <Process name='Process-\d+' pid=\d+/);
  });

  test('fails a test that leaves a daemon Thread running, naming it', () => {
    const { code, output } = outcome('leakyDaemonThread');
    assert.notEqual(code, 0, output);
    assert.match(output, /1 thread\(s\) still running: <Thread\(/);
  });

  test('passes the same work cleaned up (pools shut down without awaiting it)', () => {
    const { code, output } = outcome('tidyPool');
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /left things behind/);
  });

  test('says what it waited for when clean-up took a while, without failing the test', () => {
    const { code, output } = outcome('tidyPool');
    assert.equal(code, 0, output);
    assert.match(
      output,
      /after "leaves a pool to finish a slow task after shutdown" the leak check waited \d+ ms for what was still closing: 1 executor\(s\) not shut down: <ThreadPoolExecutor shutdown/,
    );
  });
});

describe('the leak report', () => {
  test('a multiprocessing queue shared with a child leaves no open handle once the child is gone (the resource server stays, idle, for the life of the process)', async () => {
    const baseline = leakReport().handles;
    const q = new Queue<number>();
    const p = new Process({
      target: async (queue: Queue<number>) => {
        await queue.put(1);
      },
      args: [q],
    });
    p.start();
    assert.equal(await p.join(), true);
    assert.equal(await q.get(), 1);
    // What is still closing (the child's handle, its connection) gets a bound of a few
    // seconds, as the global check gives it; the server's listener stays for good.
    let leaks = describeLeaks(leakReport(), baseline);
    await eventually(
      () => (leaks = describeLeaks(leakReport(), baseline)).length === 0,
      'the child closing',
      { guardMs: 5000 },
    ).catch(() => undefined);
    assert.deepEqual(leaks, []);
  });
});
