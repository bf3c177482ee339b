/**
 * The `concur` command, run for real: the built `dist/cli/main.js` in a child process.
 * Every child is awaited to its exit (and killed if it outlives the time limit).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { CLI, concur, concurUntil, type Outcome } from './harness.js';

/** The examples the package ships; the demo runs them (`dist/examples/asyncio/NN-*.js`). */
const EXAMPLES = new URL('../../../dist/examples/asyncio/', import.meta.url);

/** The lines each demo printed, keyed by the example file its header names. */
function sections(stdout: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of stdout.split('\n')) {
    const source = /^ {4}seed .* · examples\/\w+\/(\S+)\.ts$/.exec(line);
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
});

describe('concur demo threads', () => {
  test('runs the four threading examples: one PID, distinct idents, overlap, dots, whole files', async () => {
    const { code, stdout, stderr } = await concur('demo', 'threads');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^concur demo threads/);
    assert.deepEqual(
      [...sections(stdout).keys()],
      ['01-two-threads', '02-five-threads', '03-download-progress', '04-download-images'],
    );
    const pids = new Set([...stdout.matchAll(/Thread Thread [AB] \(PID: (\d+)/g)].map((m) => m[1]));
    assert.equal(pids.size, 1, 'both threads print the one PID of the process');
    assert.match(stdout, /two threads with different idents \((\d+), (?!\1)\d+\)/);
    assert.match(stdout, /the threads worked \d+ ms ≈ the longest \(\d+ ms\), not the sum/);
    assert.match(stdout, /^--- Multithreading example ended, total time: \d+\.\d\d seconds ---$/m);
    for (const i of [0, 1, 2, 3, 4])
      assert.match(stdout, new RegExp(`^Task ${i} is running\\.\\.\\.$`, 'm'));
    assert.match(stdout, /^\.*Start downloading files\.\.\.$/m);
    assert.match(stdout, /^Download is complete!$/m);
    assert.match(stdout, /downloaded 65536 of 65536 bytes .* drew [1-9]\d* dots/);
    assert.match(stdout, /each thread saved its whole file/);
    assert.match(stdout, /^All downloads finished!$/m);
    assert.doesNotMatch(stdout, /undefined|NaN/);
  });
});

describe('concur demo futures', () => {
  test('runs the pool example: results as they complete, the error branch, exact factorials', async () => {
    const { code, stdout, stderr } = await concur('demo', 'futures');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^concur demo futures/);
    assert.match(stdout, /Downloaded http:\/\/127\.0\.0\.1:\d+\/github\.com, length: 80456/);
    assert.match(stdout, /Error downloading .*missing\.png: 404/);
    assert.match(stdout, /Factorial of 35 is 10333147966386144929666651337523200000000/);
    assert.match(stdout, /3 downloads succeeded, 1 took the error branch/);
  });
});

describe('concur demo processes and all', () => {
  test('the processes demo runs the multiprocessing examples, each in processes of its own', async () => {
    const outcome = await concur('demo', 'processes');
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /^concur demo processes/);
    assert.doesNotMatch(outcome.stdout, /undefined|NaN/);
    // Every example's children ran in processes of their own, as their PIDs show.
    const pidLines = [...outcome.stdout.matchAll(/→ (\d+) processes, (\d+) different PIDs/g)];
    assert.ok(pidLines.length > 0, 'the PIDs are reported');
    for (const [, n, distinct] of pidLines) assert.equal(distinct, n);
  });

  test('`concur demo all` runs every model in turn and exits 0', async () => {
    const { code, stdout, stderr } = await concur('demo', 'all', '--seed', '3');
    assert.equal(code, 0, stderr);
    const titles = [...stdout.matchAll(/^concur demo (\w+)/gm)].map((m) => m[1]);
    assert.deepEqual(titles, ['asyncio', 'threads', 'futures', 'processes']);
  });
});

describe('concur command line', () => {
  test('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await concur('--help');
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: concur <command>/);
    assert.match(stdout, /demo \[model\]/);
    assert.match(stdout, /compare/);
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
      [['demo', '--workers', '2'], /--workers is an option of compare/],
      [['compare', '--workers', '0'], /--workers must be a whole number ≥ 1, got "0"/],
      [['compare', '--cpu-n', 'lots'], /--cpu-n must be a whole number/],
      [['compare', '--models', 'threads,fibers'], /unknown model "fibers" in --models/],
      [['compare', 'now'], /takes no arguments/],
    ];
    const outcomes = await Promise.all(cases.map(([args]) => concur(...args)));
    outcomes.forEach(({ code, stdout, stderr }, i) => {
      const [args, message] = cases[i]!;
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.match(stderr, /see concur( \w+)? --help\n$/);
    });
  });

  test('every command has its own --help, before or after the command name', async () => {
    const cases: [string[], RegExp][] = [
      [['demo', '--help'], /^Usage: concur demo \[model\] \[options\]\n[^]*--seed <n>/],
      [['--help', 'demo'], /^Usage: concur demo \[model\]/],
      [['compare', '-h'], /^Usage: concur compare \[options\]\n[^]*--repeat <n>/],
      [['--help', 'compare'], /^Usage: concur compare \[options\]/],
      [['worker', '--help'], /^Usage: concur worker --connection[^]*--tasks <module>/],
      [['--help', 'worker'], /^Usage: concur worker /],
    ];
    const outcomes = await Promise.all(cases.map(([args]) => concur(...args)));
    outcomes.forEach(({ code, stdout, stderr }, i) => {
      const [args, usage] = cases[i]!;
      assert.equal(code, 0, args.join(' '));
      assert.match(stdout, usage, args.join(' '));
      assert.equal(stderr, '', args.join(' '));
    });
  });

  test('an invalid combination of options is refused before anything runs: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['compare', '--models', 'distributed'], /--models distributed needs --connection/],
      [
        ['compare', '--models', 'sequential,distributed'],
        /--models distributed needs --connection/,
      ],
      [
        ['compare', '--connection', 'redis://127.0.0.1:1', '--models', 'threads'],
        /--connection is for the distributed model, which --models leaves out/,
      ],
      [
        ['compare', '--connection', 'http://example.com'],
        /--connection must be a redis:\/\/, rediss:\/\/ or unix:\/\/ URL, got "http:\/\/example.com"/,
      ],
      [['compare', '--models', 'threads,sequential,threads'], /--models names "threads" twice/],
      [
        ['compare', '--html', 'same.out', '--trace', 'same.out'],
        /--html and --trace name the same file/,
      ],
      [['demo', 'threads', '--quiet'], /--quiet is an option of compare/],
    ];
    const outcomes = await Promise.all(cases.map(([args]) => concur(...args)));
    outcomes.forEach(({ code, stdout, stderr }, i) => {
      const [args, message] = cases[i]!;
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '', args.join(' '));
      assert.match(stderr, message, args.join(' '));
      assert.equal(stderr.split('\n').length, 2, `one line: ${stderr}`);
    });
  });

  test('the built command starts with a node shebang, so npx can run it', () => {
    assert.match(readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });
});
