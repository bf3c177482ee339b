#!/usr/bin/env node
// Runs the compiled test suite (build/test/**/*.test.js, written against node:test, with
// the global leak check build/test/setup.js loaded first) under one runtime: a Node major,
// Bun or Deno, fetched by scripts/runtimes.mjs. CI runs it once per runtime (.ci/run).
//
//   node scripts/run-suite.mjs --runtime <22|24|26|bun|deno> [--exclude FRAG] [FRAG ...]
//
// FRAGs pick the files whose path under build/test contains one (all without any);
// --exclude FRAG leaves out those containing it, --under DIR those outside build/test/DIR.
//
// Each file runs in a process of its own, as Node's runner does it:
//   Node  node --test --import setup.js FILE          (spec on stdout, JUnit to a file)
//   Bun   bun test --preload setup.js FILE            (Bun runs node:test files itself)
//   Deno  deno test -A --no-check --preload setup.js FILE
// and what each test did is read from the JUnit report every one of them can write. It
// prints a line per file and a total, and exits non-zero when a test failed — unless the
// failure is a known gap of that runtime, listed with its reason in test/runtime-gaps.json
// (the library does not work there yet). A listed gap that passes fails the run too, so
// the list only shrinks: take the entry out.
//
// --test-timeout S (180) bounds one test and --file-timeout S (900) one file, whose
// process group is then killed; a file listed as a gap as a whole (`*`) gets --gap-timeout
// S (20): it runs to notice when it starts to pass, not to be waited for.
// --record-gaps makes this run's failures the runtime's known gaps (for whoever lands a
// runtime's fixes, to shrink the list; never in CI): give it --gap-timeout 900 so that the
// files listed whole run to their end and get listed test by test where they can.
// --results FILE writes what happened as JSON (scripts/support-table.mjs reads it), under
// the name --phase gives it (`suite` unless told).
// CONCUR_BUN and CONCUR_DENO are set for the tests (the consumer tests run user projects
// under them); CONCUR_SKIP_LOG collects the reasons of tests skipped on this runtime
// (test/fixtures/runtime.ts writes them).
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureBun, ensureDeno, ensureRuntime } from './runtimes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const testRoot = join(root, 'build', 'test');
const setup = join(testRoot, 'setup.js');
const gapsFile = join(root, 'test', 'runtime-gaps.json');

// ---- arguments -------------------------------------------------------------------------

function parseArgs(argv) {
  const out = {
    runtime: null,
    phase: 'suite',
    results: null,
    recordGaps: false,
    exclude: [],
    under: null,
    filters: [],
    fileTimeout: 900,
    gapTimeout: 20,
    testTimeout: 180,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg.startsWith('--runtime')) out.runtime = value();
    else if (arg.startsWith('--results')) out.results = value();
    else if (arg.startsWith('--phase')) out.phase = value();
    else if (arg === '--record-gaps') out.recordGaps = true;
    else if (arg.startsWith('--exclude')) out.exclude.push(value());
    else if (arg.startsWith('--under')) out.under = value();
    else if (arg.startsWith('--file-timeout')) out.fileTimeout = Number(value());
    else if (arg.startsWith('--test-timeout')) out.testTimeout = Number(value());
    else if (arg.startsWith('--gap-timeout')) out.gapTimeout = Number(value());
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else out.filters.push(arg);
  }
  if (out.runtime === null) usage('--runtime is required');
  if (!(out.fileTimeout > 0)) usage('--file-timeout takes a number of seconds');
  if (!(out.testTimeout > 0)) usage('--test-timeout takes a number of seconds');
  if (!(out.gapTimeout > 0)) usage('--gap-timeout takes a number of seconds');
  return out;
}

function usage(problem) {
  console.error(
    `${problem}\nusage: node scripts/run-suite.mjs --runtime <22|24|26|bun|deno> ` +
      `[--results FILE] [--phase NAME] [--record-gaps] [--under DIR] [--exclude FRAG] [--file-timeout S] [--test-timeout S] [FRAG ...]`,
  );
  process.exit(2);
}

// ---- the runtime -----------------------------------------------------------------------

/** The runtime's binary: CONCUR_BUN / CONCUR_DENO when set, else fetched. */
function binaryOf(name) {
  if (name === 'bun' && process.env.CONCUR_BUN) return process.env.CONCUR_BUN;
  if (name === 'deno' && process.env.CONCUR_DENO) return process.env.CONCUR_DENO;
  return ensureRuntime(name);
}

/** The key of this runtime in test/runtime-gaps.json and in results: node-22, bun, deno. */
const keyOf = (name) => (/^\d+$/.test(name) ? `node-${name}` : name);

function versionOf(kind, binary) {
  const probe =
    kind === 'deno'
      ? ['eval', 'console.log(Deno.version.deno)']
      : ['-e', 'console.log(process.versions.bun ?? process.versions.node)'];
  return new Promise((resolve) => {
    const child = spawn(binary, probe, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => resolve(out.trim() || 'unknown'));
    child.on('error', () => resolve('unknown'));
  });
}

/**
 * The command that runs one test file under `kind` ('node', 'bun' or 'deno'), `preload`
 * (a path, or null) loaded first, writing its JUnit report to `junit`.
 */
export function commandFor(kind, binary, file, { junit, testTimeout = 180, preload = setup }) {
  const ms = testTimeout * 1000;
  const pre = (flag) => (preload === null ? [] : [flag, preload]);
  if (kind === 'bun') {
    return [
      binary,
      [
        'test',
        `--timeout=${ms}`,
        ...pre('--preload'),
        '--reporter=junit',
        `--reporter-outfile=${junit}`,
        file,
      ],
    ];
  }
  if (kind === 'deno') {
    return [
      binary,
      ['test', '-A', '--no-check', ...pre('--preload'), `--junit-path=${junit}`, file],
    ];
  }
  return [
    binary,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=junit',
      `--test-reporter-destination=${junit}`,
      `--test-timeout=${ms}`,
      ...pre('--import'),
      file,
    ],
  ];
}

// ---- JUnit -----------------------------------------------------------------------------

const unescape = (s) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#10;/g, '\n')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]] = unescape(m[2]);
  return out;
}

/**
 * The tests of a JUnit report as { name, status: 'pass'|'fail'|'skip', message }, a test
 * inside `describe` named `suite > test`, whatever the runtime's dialect: Node and Bun nest
 * a <testsuite> per describe (Bun's outermost one is the file), Deno writes the steps of a
 * describe as testcases named `suite > test` beside a testcase for the describe itself.
 */
export function parseJunit(xml) {
  const tests = [];
  const suites = [];
  const re =
    /<testsuite\b([^>]*?)(\/?)>|<\/testsuite>|<testcase\b([^>]*?)(?:\/>|>([^]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    if (m[0].startsWith('</testsuite')) {
      suites.pop();
    } else if (m[0].startsWith('<testsuite')) {
      if (m[2] === '/') continue;
      const a = attrs(m[1]);
      // A suite that stands for a file is no part of a test's name.
      const isFile =
        a.file !== undefined ? a.name === a.file : /\.(m?js|ts)$|^ext:/.test(a.name ?? '');
      suites.push(isFile ? null : (a.name ?? null));
    } else {
      const a = attrs(m[3]);
      const body = m[4] ?? '';
      const failure = /<(failure|error)\b([^>]*?)(?:\/>|>([^]*?)<\/\1>)/.exec(body);
      const status = failure ? 'fail' : /<skipped\b/.test(body) ? 'skip' : 'pass';
      let message = '';
      if (failure) {
        const fa = attrs(failure[2]);
        message = fa.message || unescape(failure[3] ?? '');
      } else if (status === 'skip') {
        message = attrs(/<skipped\b([^>]*)/.exec(body)[1]).message ?? '';
      }
      const path = suites.filter((s) => s !== null);
      tests.push({ name: [...path, a.name].join(' > '), status, message: message.trim() });
    }
  }
  // Deno's testcase for a describe: its name prefixes its steps' names.
  const names = tests.map((t) => t.name);
  return tests.filter((t) => !names.some((n) => n.startsWith(`${t.name} > `)));
}

/**
 * What Bun printed of the tests it finished — `(pass) suite > test [3 ms]` — for a file
 * killed before Bun wrote its report.
 */
function parseBunOutput(output) {
  const tests = [];
  let since = [];
  for (const line of stripAnsi(output).split('\n')) {
    const m = /^\((pass|fail|skip|todo)\) (.*?)(?: \[[\d.]+m?s\])?$/.exec(line);
    if (m === null) {
      since.push(line.trim());
      continue;
    }
    const status = m[1] === 'pass' ? 'pass' : m[1] === 'fail' ? 'fail' : 'skip';
    // Bun prints a failure's error above the line that names the test.
    const error = since.find((l) => /^(error: |\w*Error\b)/.test(l)) ?? '(see the output)';
    tests.push({ name: m[2], status, message: status === 'fail' ? error : '' });
    since = [];
  }
  return tests;
}

// Bun and Deno colour their output even into a pipe.
// eslint-disable-next-line no-control-regex
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** The line that says why a file failed without a test failing. */
function crashLine(output) {
  const lines = stripAnsi(output)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const error =
    lines.find((l) => /^error: /.test(l) && !/^error: Test failed/.test(l)) ??
    lines.find((l) => /^[A-Z]\w*Error\b/.test(l));
  return error ?? lines.slice(-2).join(' | ');
}

// ---- running ---------------------------------------------------------------------------

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

/** The process group of the test file running now, killed with this runner. */
let running = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (running !== null) {
      try {
        process.kill(-running, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    process.exit(130);
  });
}

/** Runs `command`, its output into `log`; kills its process group after `seconds`. */
function runFile([binary, args], { env, log, seconds }) {
  return new Promise((resolve) => {
    const chunks = [];
    // A group of its own: what it leaves behind can be killed with it.
    const child = spawn(binary, args, {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running = child.pid;
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, seconds * 1000);
    const started = Date.now();
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running = null;
      // The workers and children a killed test left behind go with its group.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // None left.
      }
      const output = Buffer.concat(chunks).toString('utf8');
      writeFileSync(log, output);
      resolve({ code, signal, timedOut, output, ms: Date.now() - started });
    });
  });
}

const firstLine = (s) =>
  stripAnsi(s)
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^\[?Error \[ERR_TEST_FAILURE\]/.test(l)) ?? '';

/**
 * Makes this run's failures the known gaps of runtime `key` (--record-gaps): a file that
 * crashed or timed out as a whole (`*`), else each failing test, keeping the reason of an
 * entry that was already there. For the one who lands a runtime's fixes, not for CI.
 */
export async function recordGaps(key, label, report) {
  const all = existsSync(gapsFile) ? JSON.parse(readFileSync(gapsFile, 'utf8')) : {};
  const before = all[key] ?? {};
  const runtimeName = label.split(' ')[0];
  // The files this run did not run keep their entries.
  const next = { ...before };
  for (const entry of report) {
    delete next[entry.file];
    const failing = [...entry.knownGaps, ...entry.failures];
    if (failing.length === 0) continue;
    const old = before[entry.file] ?? {};
    const whole = failing.find((f) => f.test === '(the file)');
    const reasonOf = (name, error) =>
      old[name] ??
      old['*'] ??
      `concur does not work under ${runtimeName} yet (issue 15, item 4): ${error}`;
    if (whole !== undefined) {
      // The first error a test met says more than the file's timing out.
      const first =
        failing.find((f) => f.test !== '(the file)' && f.error !== '(see the output)') ??
        whole ??
        failing[0];
      next[entry.file] = { '*': reasonOf('*', `${first.test}: ${first.error}`) };
    } else {
      next[entry.file] = Object.fromEntries(
        failing.map((f) => [f.test, reasonOf(f.test, f.error)]),
      );
    }
  }
  if (Object.keys(next).length > 0)
    all[key] = Object.fromEntries(
      Object.keys(next)
        .sort()
        .map((file) => [file, next[file]]),
    );
  else delete all[key];
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(gapsFile)) ?? {};
  writeFileSync(
    gapsFile,
    await prettier.format(JSON.stringify(all), { ...options, parser: 'json' }),
  );
}

function loadGaps(key) {
  if (!existsSync(gapsFile)) return {};
  const all = JSON.parse(readFileSync(gapsFile, 'utf8'));
  return all[key] ?? {};
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const kind = /^\d+$/.test(opts.runtime) ? 'node' : opts.runtime;
  const key = keyOf(opts.runtime);
  const binary = binaryOf(opts.runtime);
  const version = await versionOf(kind, binary);
  const label =
    kind === 'node' ? `Node ${version}` : `${kind === 'bun' ? 'Bun' : 'Deno'} ${version}`;

  if (!existsSync(setup)) {
    console.error(`no ${relative(root, setup)}: run npm run build && npm run build:test first`);
    process.exit(1);
  }
  const files = collect(testRoot).filter((f) => {
    const rel = relative(testRoot, f);
    if (opts.exclude.some((frag) => rel.includes(frag))) return false;
    if (opts.under !== null && !rel.startsWith(opts.under)) return false;
    return opts.filters.length === 0 || opts.filters.some((frag) => rel.includes(frag));
  });
  if (files.length === 0) {
    console.error(`no test files matched ${JSON.stringify(opts.filters)} under ${testRoot}`);
    process.exit(1);
  }

  const work = join(root, '.cache', 'ci', key);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const skipLog = join(work, 'skips.log');
  const env = { ...process.env, CONCUR_SKIP_LOG: skipLog };
  // The consumer tests run user projects under the other runtimes too.
  for (const [name, ensure] of [
    ['CONCUR_BUN', ensureBun],
    ['CONCUR_DENO', ensureDeno],
  ]) {
    if (env[name]) continue;
    try {
      env[name] = ensure();
    } catch (error) {
      console.error(`${name} not set: ${error instanceof Error ? error.message : error}`);
    }
  }
  if (files.some((f) => relative(testRoot, f).startsWith('distributed'))) {
    const { ensureRedis } = await import('./ensure-redis.mjs');
    try {
      env.CONCUR_REDIS_SERVER = ensureRedis();
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    }
  }
  // The test runners of Node put their own context into the environment; a nested one
  // must not see it.
  delete env.NODE_TEST_CONTEXT;

  const gaps = loadGaps(key);
  console.log(`# the suite under ${label} (${binary}): ${files.length} files`);
  const started = Date.now();
  const report = [];
  for (const file of files) {
    const rel = relative(testRoot, file);
    const fileGaps = gaps[rel] ?? {};
    const wholeFileGap = fileGaps['*'];
    const junit = join(work, `${rel.replace(/[/\\]/g, '__')}.xml`);
    const log = junit.replace(/\.xml$/, '.log');
    // A file known not to work yet gets a short while: it is run to notice when it does.
    const seconds =
      wholeFileGap !== undefined ? Math.min(opts.fileTimeout, opts.gapTimeout) : opts.fileTimeout;
    const run = await runFile(
      commandFor(kind, binary, file, { junit, testTimeout: opts.testTimeout }),
      { env, log, seconds },
    );
    const tests = existsSync(junit)
      ? parseJunit(readFileSync(junit, 'utf8'))
      : kind === 'bun'
        ? parseBunOutput(run.output)
        : [];
    const failedTests = tests.filter((t) => t.status === 'fail');
    if (run.timedOut || (run.code !== 0 && failedTests.length === 0)) {
      // The file failed without a test failing: it crashed, hung, or failed to load.
      const why = run.timedOut
        ? `timed out after ${seconds} s`
        : `exited with ${run.signal ?? `code ${run.code}`}`;
      tests.push({
        name: '(the file)',
        status: 'fail',
        message: `${why}: ${crashLine(run.output)}`,
      });
    }
    const entry = {
      file: rel,
      ms: run.ms,
      passed: tests.filter((t) => t.status === 'pass').length,
      skipped: tests.filter((t) => t.status === 'skip').length,
      // Node's report keeps a skip's reason; Bun's and Deno's do not (CONCUR_SKIP_LOG does).
      skips: tests
        .filter((t) => t.status === 'skip')
        .map((t) => ({ test: t.name, reason: t.message })),
      failures: [],
      knownGaps: [],
      staleGaps: [],
    };
    for (const t of tests.filter((t) => t.status === 'fail')) {
      const reason = fileGaps[t.name] ?? wholeFileGap;
      const line = { test: t.name, error: firstLine(t.message) };
      if (reason !== undefined) entry.knownGaps.push({ ...line, reason });
      else entry.failures.push(line);
    }
    // A gap that did not fail this time: the list must lose it.
    for (const name of Object.keys(fileGaps)) {
      if (name === '*') {
        if (entry.knownGaps.length === 0)
          entry.staleGaps.push({ test: '*', reason: fileGaps[name] });
      } else if (!tests.some((t) => t.name === name && t.status === 'fail')) {
        entry.staleGaps.push({ test: name, reason: fileGaps[name] });
      }
    }
    report.push(entry);
    const bad = entry.failures.length + entry.staleGaps.length;
    const counts = [
      `${entry.passed} passed`,
      entry.skipped > 0 ? `${entry.skipped} skipped` : null,
      entry.failures.length > 0 ? `${entry.failures.length} FAILED` : null,
      entry.knownGaps.length > 0 ? `${entry.knownGaps.length} known gap` : null,
      entry.staleGaps.length > 0 ? `${entry.staleGaps.length} STALE GAP` : null,
    ].filter(Boolean);
    console.log(
      `${bad > 0 ? '✖' : entry.knownGaps.length > 0 ? '~' : '✔'} ${rel}  ${counts.join(', ')}  (${(run.ms / 1000).toFixed(1)} s)`,
    );
    for (const f of entry.failures) console.log(`    ✖ ${f.test}: ${f.error}`);
    for (const g of entry.staleGaps)
      console.log(
        `    ✖ known gap no longer fails, take it out of test/runtime-gaps.json: ${g.test}`,
      );
    if (entry.failures.length > 0) console.log(`    (output: ${relative(root, log)})`);
  }

  const sum = (f) => report.reduce((n, e) => n + f(e), 0);
  const skipReasons = existsSync(skipLog)
    ? [...new Set(readFileSync(skipLog, 'utf8').split('\n').filter(Boolean))].sort()
    : [];
  const results = {
    phase: opts.phase,
    runtime: key,
    label,
    version,
    durationMs: Date.now() - started,
    files: report.length,
    passed: sum((e) => e.passed),
    skipped: sum((e) => e.skipped),
    runtimeSkips: existsSync(skipLog)
      ? readFileSync(skipLog, 'utf8').split('\n').filter(Boolean).length
      : 0,
    skipReasons,
    failed: sum((e) => e.failures.length),
    knownGaps: sum((e) => e.knownGaps.length),
    staleGaps: sum((e) => e.staleGaps.length),
    report,
  };
  results.ok = results.failed === 0 && results.staleGaps === 0;
  console.log(
    `# ${label}: ${results.files} files, ${results.passed} passed, ${results.skipped} skipped ` +
      `(${results.runtimeSkips} because of the runtime), ${results.failed} failed, ` +
      `${results.knownGaps} known gaps, ${results.staleGaps} stale gaps ` +
      `in ${(results.durationMs / 60000).toFixed(1)} min`,
  );
  for (const reason of skipReasons) console.log(`#   skipped on ${kind}: ${reason}`);
  if (opts.results !== null) {
    mkdirSync(dirname(opts.results), { recursive: true });
    writeFileSync(opts.results, `${JSON.stringify(results, null, 2)}\n`);
  }
  if (opts.recordGaps) {
    await recordGaps(key, label, report);
    console.log(
      `# wrote this run's failures as the known gaps of ${key} in test/runtime-gaps.json`,
    );
    process.exit(0);
  }
  process.exit(results.ok ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
