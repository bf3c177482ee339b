/**
 * The `concur` command, run for real: the built `dist/cli/main.js` in a child process.
 * Every child is awaited to its exit (and killed if it outlives the time limit).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
/** The examples the package ships; the demo runs them (`dist/examples/asyncio/NN-*.js`). */
const EXAMPLES = new URL('../../../dist/examples/asyncio/', import.meta.url);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli/main.js ...args` to its exit; rejects if it had to be killed. */
function concur(...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error === null) resolve({ code: 0, stdout, stderr });
        else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
        else reject(error); // could not start, or killed at the time limit
      },
    );
  });
}

/** Runs the command until its output matches `pattern`, then kills it; resolves to the output. */
function concurUntil(pattern: RegExp, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (pattern.test(stdout)) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('close', () => resolve(stdout));
  });
}

/** The lines each demo printed, keyed by the example file its header names. */
function sections(stdout: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of stdout.split('\n')) {
    const source = /^ {4}seed .* · examples\/asyncio\/(\S+)\.ts$/.exec(line);
    if (source !== null) {
      current = [];
      found.set(source[1]!, current);
    } else if (current !== null && /^ {2}[^ →]/.test(line)) {
      current.push(line.slice(2));
    }
  }
  return found;
}

let demoRun: Promise<Outcome> | null = null;

/** `concur demo asyncio --seed 7`, run once and shared by the tests that read its output. */
function demoAsyncio(): Promise<Outcome> {
  demoRun ??= concur('demo', 'asyncio', '--seed', '7');
  return demoRun;
}

describe('concur demo asyncio', () => {
  test('lists and runs every example in dist/examples/asyncio, in file order', async () => {
    const examples = readdirSync(EXAMPLES)
      .filter((name) => /^\d\d-.*\.js$/.test(name))
      .map((name) => name.replace(/\.js$/, ''))
      .sort();
    assert.ok(examples.length >= 8, `examples found: ${examples.join(', ')}`);
    const { code, stdout, stderr } = await demoAsyncio();
    assert.equal(code, 0, stderr);
    const printed = sections(stdout);
    assert.deepEqual([...printed.keys()], examples, 'one demo per example, none forgotten');
    for (const [name, lines] of printed) {
      assert.ok(lines.length > 0, `${name} printed nothing`);
    }
    assert.match(stdout, new RegExp(`\\[${examples.length}/${examples.length}\\]`));
    assert.doesNotMatch(stdout, /undefined|NaN/, 'every summary found the facts it reads');
  });

  test('runs every asyncio demo, exits 0 and prints what the seeds show', async () => {
    const { code, stdout, stderr } = await demoAsyncio();
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, /^concur demo asyncio/);
    const pids = [...stdout.matchAll(/Coroutine [AB] \(PID: (\d+)\) started/g)].map((m) => m[1]);
    assert.equal(pids.length, 2);
    assert.equal(pids[0], pids[1], 'the two coroutines share one PID');
    assert.match(stdout, /both coroutines printed the same PID/);
    assert.match(stdout, /≈ the longest task \(300 ms\), not the sum \(500 ms\)/);
    assert.match(stdout, /some_async_function has been scheduled as a Task/);
    assert.match(stdout, /direct await: \d+ ms, one after the other \(200 \+ 100 ms\)/);
    assert.match(stdout, /ok\.result\(\) → throws InvalidStateError/);
    assert.match(stdout, /\[Task 4\] Execution complete\./);
    assert.match(stdout, /127\.0\.0\.1:\d+\/www\.baidu\.com → length:2381/);
    assert.match(stdout, /the local server held 3 requests at once/);
    assert.match(stdout, /slow\.example\.com: TimeoutError/);
    assert.match(stdout, /Total lengths: \[\d+, \d+, \d+, 0\]/);
    assert.match(stdout, /the slow page hit the 500 ms timeout and counted as 0/);
  });

  test('`concur demo` without a model runs the asyncio demos', async () => {
    const stdout = await concurUntil(/\[1\/\d+\]/, 'demo');
    assert.match(stdout, /^concur demo asyncio/);
  });

  test('a model whose demo is not available yet is reported, exit 2', async () => {
    const models = ['threads', 'processes', 'futures'];
    const outcomes = await Promise.all(models.map((model) => concur('demo', model)));
    outcomes.forEach(({ code, stdout, stderr }, i) => {
      assert.equal(code, 2, models[i]);
      assert.equal(stdout, '');
      assert.match(stderr, new RegExp(`the ${models[i]} demo is not available yet`));
    });
  });
});

describe('concur command line', () => {
  test('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await concur('--help');
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: concur <command>/);
    assert.match(stdout, /demo \[model\]/);
  });

  test('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const { code, stdout } = await concur('--version');
    assert.equal(code, 0);
    assert.equal(stdout, `${pkg.version}\n`);
  });

  test('an unknown command, option, model or a bad --seed is a usage error: message, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [[], /no command given/],
      [['--nope'], /unknown option '--nope'/],
      [['demo', 'tokio'], /unknown model "tokio"/],
      [['demo', 'asyncio', 'extra'], /takes one model/],
      [['demo', '--seed', 'soon'], /--seed must be an integer, got "soon"/],
      [['demo', '--seed'], /argument missing/],
    ];
    const outcomes = await Promise.all(cases.map(([args]) => concur(...args)));
    outcomes.forEach(({ code, stdout, stderr }, i) => {
      const [args, message] = cases[i]!;
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.match(stderr, /concur --help/);
    });
  });

  test('the built command starts with a node shebang, so npx can run it', () => {
    assert.match(readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });
});
