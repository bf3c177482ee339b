/**
 * `concur compare`, run for real at small sizes: the JSON report, the trace file, the HTML
 * report (rendered in headless Chromium when it is installed) and Ctrl-C.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { sendSignal } from '../fixtures/runtime.js';
import { concur, exited, startConcur, waitForOutput, type Outcome } from './harness.js';
import { decodePng } from './png.js';

type ReportModule = typeof import('../../dist/cli/compare/report.js') &
  typeof import('../../dist/cli/compare/verdicts.js') &
  typeof import('../../dist/cli/compare/text.js');
type LoadModule = typeof import('../../dist/cli/compare/load.js');
type RunMeasure = import('../../dist/cli/compare/runs.js').RunMeasure;
const COMPARE_DIR = new URL('../../../dist/cli/compare/', import.meta.url);
const reportCode = Object.assign(
  {},
  ...(await Promise.all(
    ['report.js', 'verdicts.js', 'text.js'].map((file) => import(new URL(file, COMPARE_DIR).href)),
  )),
) as ReportModule;
const loadCode = (await import(new URL('load.js', COMPARE_DIR).href)) as LoadModule;

const SMALL = [
  ...['--cpu-n', '2000000', '--io-requests', '12', '--io-latency', '5', '--workers', '2'],
  ...['--mixed-pages', '6', '--mixed-latency', '5', '--mixed-rounds', '200', '--repeat', '2'],
];
/** The Node models of each workload, in the order of the tables. */
const MODELS: Record<string, string[]> = {
  cpu: ['sequential', 'asyncio', 'threads', 'processes'],
  io: ['sequential', 'asyncio', 'threads', 'processes'],
  mixed: ['sequential', 'asyncio', 'threads', 'asyncio+threads'],
};
const PYTHON_MODELS: Record<string, string[]> = {
  cpu: [
    'sequential',
    'asyncio',
    'threading.Thread',
    'ThreadPoolExecutor',
    'multiprocessing.Process',
    'multiprocessing.Pool',
    'ProcessPoolExecutor',
  ],
  io: ['sequential', 'asyncio', 'ThreadPoolExecutor', 'ProcessPoolExecutor'],
  mixed: ['sequential', 'asyncio', 'ThreadPoolExecutor', 'asyncio+ProcessPoolExecutor'],
};
/** Σ n² for n < N = (N − 1)·N·(2N − 1)/6, exact. */
const sumOfSquares = (n: number): string => {
  const N = BigInt(n);
  return String(((N - 1n) * N * (2n * N - 1n)) / 6n);
};
/** Is there a Python 3.9+ here? (The comparison's Python rows need one.) */
const python = (() => {
  try {
    const version = execFileSync(
      'python3',
      ['-c', 'import sys; print(sys.version_info >= (3, 9))'],
      {
        encoding: 'utf8',
      },
    );
    return version.trim() === 'True';
  } catch {
    return false;
  }
})();
const NO_PYTHON = python ? false : 'no python3 (3.9+) on the PATH';

interface Result {
  model: string;
  status: string;
  reason: string | null;
  wallMs: number | null;
  speedup: number | null;
  cpuMs: number | null;
  parallelism: number | null;
  startupMs: number | null;
  peakRssBytes: number | null;
  workers: number | null;
  tasks: number | null;
  answers: string[] | null;
}
interface Side {
  description: string;
  workload: { n?: number; rounds?: number };
  conclusion: string;
  results: Result[];
}
interface Report {
  command: string;
  startedAt: string;
  argv: string[];
  machine: { cpus: number; node: string; cpuModel: string };
  options: Record<string, number>;
  python: { status: 'ok'; version: string } | { status: 'skipped'; reason: string };
  workloads: (Side & { kind: string; title: string; python: Side | null })[];
}
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  id?: string;
  args?: { name?: string };
}

let dir = '';
let run: Outcome;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concur-compare-'));
  run = await concur(
    'compare',
    ...SMALL,
    ...['--python-scale', '0.1'],
    '--json',
    '--quiet',
    '--trace',
    join(dir, 'trace.json'),
    '--html',
    join(dir, 'report.html'),
  );
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function report(): Report {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Report;
}

describe('concur compare --json', () => {
  test('reports the three workloads with a result for every model, and nothing on stderr when quiet', () => {
    const { command, options, machine, workloads, startedAt, argv } = report();
    assert.equal(run.stderr, '');
    assert.equal(command, 'concur compare');
    assert.deepEqual(options, {
      cpuN: 2_000_000,
      ioRequests: 12,
      ioLatencyMs: 5,
      mixedPages: 6,
      mixedLatencyMs: 5,
      mixedRounds: 200,
      workers: 2,
      repeat: 2,
      pythonScale: 0.1,
    });
    assert.ok(machine.cpus >= 1);
    assert.ok(machine.cpuModel.length > 0);
    assert.ok(Math.abs(Date.parse(startedAt) - Date.now()) < 3_600_000, startedAt);
    assert.deepEqual(argv.slice(0, 4), ['concur', 'compare', '--cpu-n', '2000000']);
    assert.deepEqual(
      workloads.map((w) => w.kind),
      ['cpu', 'io', 'mixed'],
    );
    for (const workload of workloads) {
      assert.deepEqual(
        workload.results.map((r) => r.model),
        MODELS[workload.kind],
        'every model has a row; distributed only with --connection',
      );
      assert.ok(workload.conclusion.length > 20, workload.conclusion);
      assert.match(
        workload.conclusion,
        /^([\w, +]+ (was|were) fastest|nothing beat sequential beyond the spread|the models are indistinguishable on this machine|no (model|pool) was clearly faster than [\w+]+, but the machine was busy)/,
      );
    }
  });

  test('every model that can run here produced measured numbers', () => {
    for (const workload of report().workloads) {
      const jobs = { cpu: 4, io: 12, mixed: 6 }[workload.kind];
      // Every page is the same 1,921 characters, so every page has the same digest.
      const answer = { cpu: sumOfSquares(2_000_000), io: '1921' }[workload.kind];
      const answers = new Set(workload.results.flatMap((r) => r.answers ?? []));
      assert.equal(answers.size, 1, `${workload.kind}: every model did the same work`);
      for (const r of workload.results) {
        const label = `${r.model} on ${workload.kind}`;
        assert.equal(r.status, 'ok', `${label}: ${r.reason}`);
        assert.equal(r.tasks, jobs, label);
        assert.equal(r.answers!.length, 1, `${label}: every task did the same work`);
        if (answer !== undefined) assert.deepEqual(r.answers, [answer], label);
        assert.ok(r.wallMs! > 0 && r.cpuMs! > 0 && r.speedup! > 0, label);
        assert.ok(
          r.startupMs! >= 0 && r.startupMs! < r.wallMs!,
          `${label}: first task at ${r.startupMs}`,
        );
        assert.ok(r.peakRssBytes! > 10 * 1024 * 1024, `${label}: peak ${r.peakRssBytes}`);
        const pool = ['threads', 'processes', 'asyncio+threads'].includes(r.model);
        assert.ok(
          r.workers! >= 1 && r.workers! <= (pool ? 2 : 1),
          `${label}: ${r.workers} workers`,
        );
      }
      assert.equal(workload.results[0]!.speedup, 1, 'speed-ups are over sequential');
    }
  });

  test('every model ran --repeat times in alternating order, and the JSON carries each run and the spread', () => {
    const { workloads, schemaVersion } = report() as Report & { schemaVersion: number };
    assert.equal(schemaVersion, 1);
    for (const workload of workloads) {
      const results = workload.results as (Result & {
        spread: Record<string, { median: number; min: number; max: number }>;
        repeats: { order: number; wallMs: number; cpuMs: number; peakRssBytes: number }[];
      })[];
      for (const r of results) {
        assert.equal(r.repeats.length, 2, r.model);
        const walls = r.repeats.map((x) => x.wallMs);
        assert.deepEqual(r.spread['wallMs'], {
          median: (walls[0]! + walls[1]!) / 2,
          min: Math.min(...walls),
          max: Math.max(...walls),
        });
        assert.equal(r.wallMs, r.spread['wallMs'].median);
        assert.equal(r.cpuMs, r.spread['cpuMs']!.median);
      }
      // A B C D, then D C B A.
      const order = results.flatMap((r) => r.repeats.map((x) => ({ model: r.model, at: x.order })));
      const models = MODELS[workload.kind]!;
      assert.deepEqual(
        order.sort((a, b) => a.at - b.at).map((x) => x.model),
        [...models, ...[...models].reverse()],
      );
    }
  });

  test('a report file that cannot be written fails at once, before any run: message, exit 2', async () => {
    const { code, stdout, stderr } = await concur(
      'compare',
      '--html',
      join(dir, 'no-such-dir', 'r.html'),
    );
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^concur: cannot write the --html file: ENOENT/);
    assert.doesNotMatch(stderr, /CPU-bound/, 'no run started');
  });

  test('without --json it prints the tables, the conclusions and the tutorials’ summary', async () => {
    const { code, stdout, stderr } = await concur(
      'compare',
      ...SMALL,
      ...['--models', 'sequential,asyncio', '--no-python'],
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^CPU-bound: 4 × sum of n² for n < 2,000,000/m);
    assert.match(stdout, /^I\/O-bound: 12 HTTP requests/m);
    assert.match(
      stdout,
      /model +wall +min–max +speed-up +CPU time +CPU\/wall +peak memory +workers +first task at/,
    );
    assert.match(stdout, /^ {2}asyncio +[\d.]+ m?s +[\d.]+–[\d.]+ m?s +[\d.]+×/m);
    assert.match(stdout, /wall: median of 2 runs/);
    assert.match(stdout, /^fetch, then compute: 6 pages fetched/m);
    assert.equal(stdout.match(/^ {2}→ /gm)?.length, 3, 'one conclusion per workload');
    assert.match(stdout, /The tutorials’ summary table, measured/);
    assert.match(stdout, /^ {2}Python: skipped \(--no-python\)$/m);
    assert.doesNotMatch(stderr, /Python/, '--no-python is not a skip to report');
    // Not a terminal: progress comes as plain lines on stderr, each run placed among all.
    assert.match(
      stderr,
      /^concur compare: (load average [\d.]+, [\d.]+ cores busy on \d+ cores|The machine is busy)/m,
    );
    assert.match(stderr, /^ {2}asyncio · I\/O-bound #2: done in /m);
    assert.match(
      stderr,
      /^ {2}sequential · CPU-bound #1: 4 jobs… \(run 1 of 12, 0:\d\d elapsed\)$/m,
    );
    assert.match(
      stderr,
      /^ {2}asyncio · I\/O-bound #2: 12 jobs… \(run 7 of 12, 0:\d\d elapsed, about 0:\d\d left\)$/m,
    );
    assert.doesNotMatch(stderr, /\r/);
  });
});

describe('concur compare --trace', () => {
  test('writes Trace Event JSON: a process per run, a named track per worker, a slice per task', async () => {
    const { workloads } = report();
    const trace = JSON.parse(await readFile(join(dir, 'trace.json'), 'utf8')) as {
      traceEvents: TraceEvent[];
    };
    assert.ok(Array.isArray(trace.traceEvents));
    const events = trace.traceEvents;
    for (const e of events) {
      assert.equal(typeof e.name, 'string');
      assert.ok(['M', 'X', 'b', 'e'].includes(e.ph), e.ph);
      assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid));
      if (e.ph === 'X') assert.ok(e.ts! >= 0 && e.dur! > 0, JSON.stringify(e));
      if (e.ph === 'b' || e.ph === 'e') assert.ok(e.ts! >= 0 && typeof e.id === 'string');
    }
    const runs = events.filter((e) => e.ph === 'M' && e.name === 'process_name');
    const ran = workloads.flatMap((w) => [
      ...w.results
        .filter((r) => r.status === 'ok')
        .map((r) => ({ ...r, name: r.model, title: w.title })),
      ...(w.python?.results ?? [])
        .filter((r) => r.status === 'ok')
        .map((r) => ({ ...r, name: `Python ${r.model}`, title: w.title })),
    ]);
    assert.equal(runs.length, ran.length, 'one trace process per run');
    for (const r of ran) {
      const pid = runs.find((e) => e.args!.name === `${r.name} · ${r.title}`)?.pid;
      assert.ok(pid !== undefined, `${r.model} · ${r.title} is in the trace`);
      const slices = events.filter((e) => e.pid === pid && (e.ph === 'X' || e.ph === 'b'));
      assert.equal(slices.length, r.tasks, `${r.model} · ${r.title}: one slice per task`);
      const tracks = new Set(slices.map((e) => e.tid));
      assert.equal(tracks.size, r.workers, `${r.model} · ${r.title}: one track per worker`);
      for (const tid of tracks) {
        assert.ok(
          events.some(
            (e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.tid === tid,
          ),
          'every track is named',
        );
      }
      const begins = events.filter((e) => e.pid === pid && e.ph === 'b').length;
      const ends = events.filter((e) => e.pid === pid && e.ph === 'e').length;
      assert.equal(begins, ends, 'every async slice is closed');
    }
  });
});

/** redis-server, which scripts/run-tests.mjs provides when the distributed tests run. */
const REDIS_SERVER = process.env['CONCUR_REDIS_SERVER'];

describe('concur compare --connection', () => {
  test(
    'runs the distributed model: every task through Redis to the worker it starts',
    {
      skip:
        REDIS_SERVER === undefined
          ? 'no redis-server (run-tests provides one with the distributed tests)'
          : false,
    },
    async () => {
      const port = 20_000 + (process.pid % 20_000);
      const redis = spawn(
        REDIS_SERVER!,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      try {
        await waitForOutput(redis.stdout, /Ready to accept connections/);
        redis.stdout.resume();
        const { code, stdout, stderr } = await concur(
          'compare',
          ...['--connection', `redis://127.0.0.1:${port}`, '--models', 'sequential,distributed'],
          ...['--cpu-n', '1000000', '--io-requests', '6', '--workers', '2', '--json', '--quiet'],
          ...['--mixed-pages', '1', '--mixed-rounds', '1', '--no-python'],
        );
        assert.equal(code, 0, stderr);
        for (const workload of (JSON.parse(stdout) as Report).workloads) {
          if (workload.kind === 'mixed') continue; // the distributed model has no part in it
          const distributed = workload.results[1]!;
          assert.equal(distributed.model, 'distributed');
          assert.equal(distributed.status, 'ok', distributed.reason ?? '');
          assert.equal(distributed.tasks, workload.kind === 'cpu' ? 4 : 6);
          assert.equal(distributed.answers!.length, 1, 'every task did the same work');
        }
      } finally {
        redis.kill('SIGTERM');
        await exited(redis);
      }
    },
  );
});

describe('concur compare beside CPython', () => {
  test(
    'runs the same jobs in every Python model, each answer right, with a conclusion of its own',
    { skip: NO_PYTHON },
    () => {
      const { python: found, workloads, options } = report();
      assert.equal(found.status, 'ok');
      for (const workload of workloads) {
        const side = workload.python!;
        assert.deepEqual(
          side.results.map((r) => r.model),
          PYTHON_MODELS[workload.kind],
          workload.kind,
        );
        const jobs = { cpu: 4, io: 12, mixed: 6 }[workload.kind];
        const answers = new Set(side.results.flatMap((r) => r.answers ?? []));
        assert.equal(answers.size, 1, `${workload.kind}: every Python model did the same work`);
        if (workload.kind === 'cpu') {
          // A tenth of Node's sizes (--python-scale 0.1), exact in Python's integers.
          assert.equal(side.workload.n, options['cpuN']! / 10);
          assert.deepEqual([...answers], [sumOfSquares(side.workload.n)]);
        }
        if (workload.kind === 'io') assert.deepEqual([...answers], ['1921']);
        if (workload.kind === 'mixed') assert.equal(side.workload.rounds, 20);
        for (const r of side.results) {
          const label = `Python ${r.model} on ${workload.kind}`;
          assert.equal(r.status, 'ok', `${label}: ${r.reason}`);
          assert.equal(r.tasks, jobs, label);
          assert.ok(r.wallMs! > 0 && r.cpuMs! > 0 && r.speedup! > 0, label);
          assert.ok(r.peakRssBytes! > 1024 * 1024, `${label}: peak ${r.peakRssBytes}`);
        }
        assert.ok(side.conclusion.length > 20, side.conclusion);
      }
    },
  );

  test(
    'at --python-scale 1 Python computes exactly what Node computes',
    { skip: NO_PYTHON },
    async () => {
      const { code, stdout, stderr } = await concur(
        'compare',
        ...['--models', 'sequential', '--cpu-n', '300000', '--io-requests', '1'],
        ...['--mixed-pages', '2', '--mixed-rounds', '3', '--mixed-latency', '0'],
        ...['--repeat', '1', '--python-scale', '1', '--json', '--quiet'],
      );
      assert.equal(code, 0, stderr);
      for (const workload of (JSON.parse(stdout) as Report).workloads) {
        const node = workload.results[0]!.answers;
        for (const r of workload.python!.results) {
          assert.deepEqual(r.answers, node, `Python ${r.model} on ${workload.kind}`);
        }
      }
    },
  );

  test(
    'prints the Python tables under Node’s, and the summary’s “Python here” rows',
    { skip: NO_PYTHON },
    async () => {
      const { code, stdout, stderr } = await concur(
        'compare',
        ...['--models', 'sequential,threads', '--cpu-n', '100000', '--io-requests', '2'],
        ...['--mixed-pages', '2', '--mixed-rounds', '2', '--mixed-latency', '0', '--repeat', '1'],
        '--quiet',
      );
      assert.equal(code, 0, stderr);
      assert.match(
        stdout,
        /^ {2}Python 3\.\d+\.\d+ \(python3\), the same jobs with a hundredth of the computing:$/m,
      );
      assert.match(stdout, /^ {2}Python: 4 × sum of n² for n < 1,000 /m);
      assert.match(stdout, /^ {4}multiprocessing\.Pool +[\d.]+ m?s/m);
      assert.equal(
        stdout.match(/^ {4}→ In CPython, /gm)?.length,
        3,
        'a Python conclusion per workload',
      );
      assert.match(stdout, /^ {2}Python here: the counterpart +ThreadPoolExecutor$/m);
      assert.match(stdout, /^ {2}Python here: CPU-bound: speed-up +[\d.]+×$/m);
    },
  );

  test('a missing interpreter skips the Python rows with one line, and the run goes on', async () => {
    const missing = join(dir, 'no-such-python');
    const { code, stdout, stderr } = await concur(
      'compare',
      ...['--models', 'sequential', '--cpu-n', '1000', '--io-requests', '1', '--repeat', '1'],
      ...['--mixed-pages', '1', '--mixed-rounds', '1', '--python', missing, '--json'],
    );
    assert.equal(code, 0, stderr);
    const lines = stderr.split('\n').filter((line) => /Python/.test(line));
    assert.deepEqual(lines, [`concur compare: the Python rows are skipped: ${missing}: not found`]);
    const parsed = JSON.parse(stdout) as Report;
    assert.deepEqual(parsed.python, { status: 'skipped', reason: `${missing}: not found` });
    for (const workload of parsed.workloads) assert.equal(workload.python, null);
  });

  test('--python and --no-python together, or a --python-scale out of (0, 1], are usage errors', async () => {
    const both = await concur('compare', '--python', 'python3', '--no-python');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--python and --no-python contradict each other/);
    for (const bad of ['0', '2', 'half', '']) {
      const { code, stderr } = await concur('compare', `--python-scale=${bad}`);
      assert.equal(code, 2, bad);
      assert.match(stderr, /--python-scale must be a number above 0 and at most 1/);
    }
  });
});

/** Chromium on PATH, or null. */
function findChromium(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

const chromium = findChromium();
/** The report's bar colours (src/cli/compare/html.ts): wall time, speed-up. */
const BAR_COLOURS: [number, number, number][] = [
  [0x2f, 0x6f, 0xde],
  [0x1f, 0x9e, 0x63],
];

/** Runs headless Chromium on `args` (the flags this machine needs come first). */
async function runChromium(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    chromium!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${join(dir, 'chromium-profile')}`,
      ...args,
    ],
    { timeout: 90_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

describe('concur compare --html', () => {
  test('writes one self-contained page: inline SVG charts, nothing fetched from the network', async () => {
    const parsed = report();
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(html, /^<!doctype html>/);
    const sides = parsed.python.status === 'ok' ? 2 : 1;
    const charts = 3 * 3 * sides; // wall time, speed-up and timeline, per workload and side
    assert.equal(html.match(/<svg /g)?.length, charts, 'charts for every workload and side');
    assert.doesNotMatch(html, /<script|<link|<img|src=|url\(|@import/);
    assert.deepEqual(
      [...html.matchAll(/https?:\/\/[^"' <]+/g)].map((m) => m[0]),
      Array(charts).fill('http://www.w3.org/2000/svg'),
    );
  });

  test('carries the date, the command line, the CPU and the load, a “which model when” card, error bars and timelines on a time axis', async () => {
    const parsed = report();
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.ok(html.includes(parsed.startedAt.slice(0, 10)), 'the date');
    assert.match(html, /<code>concur compare --cpu-n 2000000 [^<]*--html [^<]*report\.html/);
    assert.ok(html.includes(parsed.machine.cpuModel.replace(/[&<>"']/g, '')), 'the CPU model');
    assert.match(html, /load average [\d.]+, [\d.]+ cores busy at the start/);
    assert.match(html, /<h2>Which model when, measured here<\/h2>/);
    for (const w of parsed.workloads) {
      assert.ok(html.includes(`<th>${w.title}</th>`), `the card has a row for ${w.title}`);
    }
    const bars = [...parsed.workloads, ...parsed.workloads.flatMap((w) => w.python ?? [])]
      .flatMap((side) => side.results)
      .filter((r) => r.status === 'ok').length;
    assert.equal(html.match(/class="whisker"/g)?.length, bars, 'an error bar per model');
    assert.equal(
      html.match(/starting workers \(from the run/g)?.length,
      html.match(/class="chart timeline"/g)?.length,
      'every timeline has its legend',
    );
    assert.match(html, /class="startup"/, 'pools show their start-up as a band');
    assert.match(html, /text-anchor="middle">0\.0 ms<\/text>/, 'time axes start at 0');
    if (parsed.python.status === 'ok') assert.match(html, /<h3>Python 3\.\d+/);
  });

  // Headless Chromium lays a page out at least 500 px wide whatever its window, so the page
  // is shown in a frame of the width under test. A copy of it paints a strip across its top:
  // cyan when the page fits the frame's width, magenta when it is wider.
  const FITS: [number, number, number] = [0, 255, 255];
  const WIDER: [number, number, number] = [255, 0, 255];
  for (const width of [390, 1280]) {
    test(
      `renders in headless Chromium at ${width} px: bar charts drawn, nothing wider than the screen`,
      { skip: chromium === null ? 'chromium is not installed (.ci/run installs it)' : false },
      async () => {
        assert.equal(run.code, 0, run.stderr);
        const html = await readFile(join(dir, 'report.html'), 'utf8');
        const probe = `probe-${width}.html`;
        await writeFile(
          join(dir, probe),
          html.replace(
            '</body>',
            `<script>const strip = document.createElement('div');
strip.style.cssText = 'position:fixed;left:0;top:0;width:100%;height:12px;background:' +
  (document.documentElement.scrollWidth > innerWidth ? 'rgb(${WIDER.join()})' : 'rgb(${FITS.join()})');
document.body.append(strip);</script></body>`,
          ),
        );
        const frame = join(dir, `frame-${width}.html`);
        await writeFile(
          frame,
          `<!doctype html><body style="margin:0"><iframe src="${probe}" style="border:0;width:${width}px;height:1600px"></iframe></body>`,
        );
        const png = join(dir, `report-${width}.png`);
        await runChromium([
          `--screenshot=${png}`,
          `--window-size=${Math.max(width, 500)},1600`,
          pathToFileURL(frame).href,
        ]);
        const image = decodePng(readFileSync(png));
        const near = (x: number, y: number, [cr, cg, cb]: readonly number[]) => {
          const [r, g, b] = image.rgb(x, y);
          return Math.abs(r - cr!) + Math.abs(g - cg!) + Math.abs(b - cb!) < 24;
        };
        assert.ok(!near(5, 5, WIDER), `the page is wider than ${width} px`);
        assert.ok(near(5, 5, FITS), 'the probe ran and measured the page');
        const counts = BAR_COLOURS.map(() => 0);
        for (let y = 12; y < image.height; y++) {
          for (let x = 0; x < Math.min(width, image.width); x++) {
            BAR_COLOURS.forEach((colour, i) => {
              if (near(x, y, colour)) counts[i]!++;
            });
          }
        }
        // The first workload's charts are in view: at least three bars of ≥ 2 × 18 px.
        for (const [i, count] of counts.entries()) {
          assert.ok(count > 300, `bars of colour ${i} cover ${count} px in the screenshot`);
        }
      },
    );
  }
});

/** Processes whose environment holds `marker`: the command and everything it started. */
function processesMarked(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
      } catch {
        return false; // exited while we looked, or not ours to read: not a leftover of ours
      }
    })
    .map(Number);
}

/** Starts a long compare whose processes carry `marker`; resolves once its runner is up. */
async function startLongCompare(marker: string, side: 'node' | 'python' = 'node') {
  const [key, value] = marker.split('=') as [string, string];
  const args =
    side === 'node'
      ? ['--models', 'processes', '--cpu-n', '2000000000', '--no-python']
      : // Node's one run of about a second, then Python's, which takes minutes at this size.
        ['--models', 'sequential', '--cpu-n', '300000000', '--python-scale', '1'];
  const child = startConcur(['compare', ...args, '--workers', '2', '--repeat', '1'], {
    ...process.env,
    [key]: value,
  });
  child.stdout!.resume();
  const started =
    side === 'node' ? /processes · CPU-bound: 4 jobs/ : /Python sequential · CPU-bound: 4 jobs/;
  await waitForOutput(child.stderr!, started);
  // The runner (and its workers) are up once their processes carry the marker.
  while (processesMarked(marker).length < 2) await new Promise((r) => setTimeout(r, 20));
  return child;
}

/** Waits (a bounded while: the kernel reaps killed processes soon, not at once) until none is left. */
async function leftovers(marker: string): Promise<number[]> {
  let left = processesMarked(marker);
  for (let i = 0; i < 250 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    left = processesMarked(marker);
  }
  return left;
}

describe(
  'concur compare and Ctrl-C',
  { skip: existsSync('/proc') ? false : 'needs /proc to list processes' },
  () => {
    test('SIGINT during a run stops every worker and exits 130, leaving no child process', async () => {
      const marker = `CONCUR_SIGINT_TEST=${process.pid}-${Date.now()}`;
      const child = await startLongCompare(marker);
      try {
        sendSignal(child, 'SIGINT');
        assert.equal(await exited(child), 130);
      } finally {
        child.kill('SIGKILL');
        await exited(child);
      }
      assert.deepEqual(await leftovers(marker), [], 'no process of the command is left');
    });

    test(
      'a command killed outright during a Python run leaves no Python process behind',
      { skip: NO_PYTHON },
      async () => {
        const marker = `CONCUR_PYTHON_KILL_TEST=${process.pid}-${Date.now()}`;
        const child = await startLongCompare(marker, 'python');
        child.kill('SIGKILL');
        assert.equal(await exited(child), 'SIGKILL');
        assert.deepEqual(await leftovers(marker), [], 'no process of the command is left');
      },
    );

    test('a command killed outright (SIGKILL) still leaves no child process: its runner follows it', async () => {
      const marker = `CONCUR_SIGKILL_TEST=${process.pid}-${Date.now()}`;
      const child = await startLongCompare(marker);
      child.kill('SIGKILL');
      assert.equal(await exited(child), 'SIGKILL');
      assert.deepEqual(await leftovers(marker), [], 'no process of the command is left');
    });
  },
);

/** A run of `model` that took `wallMs`, as a runner would report it (4 tasks, one worker). */
function syntheticRun(wallMs: number, cpuMs = wallMs): RunMeasure {
  const startedAt = 1_000_000;
  const samples = Array.from({ length: 4 }, (_, i) => ({
    value: '42',
    pid: 7,
    thread: 0,
    start: startedAt + (i * wallMs) / 4,
    end: startedAt + ((i + 1) * wallMs) / 4,
    processCpuUs: 0,
    processMaxRssKiB: 0,
  }));
  return { wallMs, cpuMs, peakRssBytes: 60 * 1024 * 1024, startedAt, pid: 7, samples };
}

/**
 * A report from synthetic wall times per model, through the real report code: Node's
 * CPU-bound workload by default, or another workload, or Python's side of it.
 */
function syntheticReport(
  walls: Record<string, number[]>,
  cpuFactor: Record<string, number> = {},
  loadAverage = 0.5,
  {
    kind = 'cpu',
    runtime = 'node',
    busyCores = null,
  }: { kind?: 'cpu' | 'mixed'; runtime?: 'node' | 'python'; busyCores?: number | null } = {},
) {
  const { finishSide, finishWorkload, modelResult, repeatResult, summaryRows, textReport } =
    reportCode;
  const host = {
    cpus: 2,
    node: 'v20',
    platform: 'linux',
    arch: 'x64',
    loadAverage,
    busyCores,
    cpuModel: 'a test CPU',
  };
  const sideOf = (models: Record<string, number[]>, side: 'node' | 'python') => {
    const results = Object.entries(models).map(([model, ms]) => {
      const measures = ms.map((w) => syntheticRun(w, w * (cpuFactor[model] ?? 1)));
      return modelResult(
        { name: model, how: model },
        { measures, repeats: measures.map((m, i) => repeatResult(m, i)) },
      );
    });
    return finishSide(spec, results, host, side);
  };
  const spec =
    kind === 'cpu'
      ? { kind, n: 1000, tasks: 4 }
      : { kind, url: 'http://127.0.0.1:1', pages: 4, latencyMs: 50, rounds: 10 };
  const even = [1000, 1000, 1000];
  const nodeWalls =
    runtime === 'node'
      ? walls
      : { sequential: even, asyncio: even, threads: even, processes: even };
  const workload = finishWorkload(
    spec,
    sideOf(nodeWalls, 'node'),
    runtime === 'python' ? sideOf(walls, 'python') : null,
  );
  const report = {
    schemaVersion: 1 as const,
    command: 'concur compare' as const,
    version: '0',
    startedAt: new Date(0).toISOString(),
    argv: ['concur', 'compare'],
    machine: host,
    options: {
      cpuN: 1000,
      ioRequests: 1,
      ioLatencyMs: 1,
      mixedPages: 4,
      mixedLatencyMs: 50,
      mixedRounds: 10,
      workers: 2,
      repeat: 3,
      pythonScale: 0.01,
    },
    python:
      runtime === 'python'
        ? { status: 'ok' as const, executable: 'python3', version: '3.11.7' }
        : { status: 'skipped' as const, reason: '--no-python' },
    workloads: [workload],
  };
  const summary = summaryRows(report);
  const fastestAt = summary.find((row) => row[0] === 'clearly fastest at')!;
  const byModel = Object.fromEntries(summary[0]!.slice(1).map((m, i) => [m, fastestAt[i + 1]]));
  return {
    conclusion: workload.conclusion,
    pythonConclusion: workload.python?.conclusion ?? null,
    summary,
    fastestAt: byModel,
    text: textReport(report),
    wrapped: (width: number) => textReport(report, width),
  };
}

describe('concur compare names a winner only beyond the runs’ spread', () => {
  test('a model whose slowest run beats every other model’s fastest is named fastest', () => {
    const { conclusion, fastestAt, text } = syntheticReport(
      {
        sequential: [1000, 1020, 1050],
        asyncio: [990, 1010, 1060],
        threads: [520, 540, 560],
        processes: [700, 720, 740],
      },
      { threads: 1.9, processes: 1.9 },
    );
    assert.match(conclusion, /^threads was fastest, 1\.9× sequential with 1\.9× as much CPU time/);
    assert.equal(fastestAt['threads'], 'CPU-bound');
    assert.equal(fastestAt['processes'], '—');
    assert.equal(fastestAt['asyncio'], '—');
    assert.ok(
      text.some((line) => /^ {2}threads +540 ms +520–560 ms +1\.9×/.test(line)),
      text.join('\n'),
    );
  });

  test('models whose runs overlap are called indistinguishable, and none is named fastest', () => {
    const { conclusion, fastestAt } = syntheticReport({
      sequential: [1000, 1100, 1300],
      asyncio: [950, 1050, 1250],
      threads: [900, 1080, 1200],
      processes: [980, 1150, 1400],
    });
    assert.match(conclusion, /^the models are indistinguishable on this machine/);
    assert.doesNotMatch(conclusion, /was fastest/);
    for (const model of ['asyncio', 'threads', 'processes']) assert.equal(fastestAt[model], '—');
  });

  test('two models clearly ahead of the rest but not of each other are named together', () => {
    const { conclusion, fastestAt } = syntheticReport({
      sequential: [1000, 1010, 1020],
      asyncio: [1000, 1015, 1030],
      threads: [540, 560, 600],
      processes: [560, 580, 620],
    });
    assert.match(
      conclusion,
      /^threads and processes were fastest, indistinguishable from each other/,
    );
    assert.equal(fastestAt['threads'], 'CPU-bound');
    assert.equal(fastestAt['processes'], 'CPU-bound');
    assert.equal(fastestAt['asyncio'], '—');
  });

  test('asyncio "fastest" at CPU-bound work by the noise of a busy machine is not named', () => {
    // The trap: on a loaded machine asyncio's median came out lowest, but its runs
    // spread over everyone else's; nothing may be named, least of all asyncio.
    const { conclusion, fastestAt } = syntheticReport({
      sequential: [1400, 2100, 2600],
      asyncio: [1000, 1300, 2300],
      threads: [1100, 1500, 2500],
      processes: [1200, 1700, 2800],
    });
    assert.doesNotMatch(conclusion, /asyncio was fastest|were fastest/);
    assert.match(conclusion, /indistinguishable on this machine/);
    assert.equal(fastestAt['asyncio'], '—');
  });

  test('with sequential among the fastest, nothing is named fastest in the summary', () => {
    const { conclusion, fastestAt } = syntheticReport({
      sequential: [100, 102, 104],
      asyncio: [99, 101, 103],
      threads: [170, 175, 180],
      processes: [250, 260, 270],
    });
    assert.match(conclusion, /^nothing beat sequential beyond the spread of its runs \(asyncio/);
    for (const model of ['asyncio', 'threads', 'processes']) assert.equal(fastestAt[model], '—');
  });
});

describe('concur compare on a busy machine', () => {
  test('pools slower than sequential under load are not ranked, nor blamed on their start-up', () => {
    const walls = {
      sequential: [1000, 1020, 1040],
      threads: [1300, 1350, 1400],
      processes: [1500, 1550, 1600],
    };
    assert.match(syntheticReport(walls).conclusion, /starting workers costs more than they save/);
    const busy = syntheticReport(walls, {}, 2.6);
    assert.match(
      busy.conclusion,
      /^no model was clearly faster than sequential, but the machine was busy \(load average 2\.6, on 2 cores\): the pools had no idle core to use, so this run cannot rank them/,
    );
    assert.doesNotMatch(busy.conclusion, /starting workers costs more|nothing beat sequential/);
    for (const model of ['threads', 'processes']) assert.equal(busy.fastestAt[model], '—');
  });
});

describe('concur compare on a busy machine, mixed work', () => {
  test('an event loop ahead of the pools under load is not named, for a quiet run may name a pool', () => {
    const walls = {
      sequential: [2000, 2020, 2040],
      asyncio: [700, 720, 740],
      threads: [1000, 1050, 1100],
      'asyncio+threads': [900, 950, 1000],
    };
    const quiet = syntheticReport(walls, {}, 0.5, { kind: 'mixed' });
    assert.match(quiet.conclusion, /^asyncio was fastest/);
    assert.equal(quiet.fastestAt['asyncio'], 'fetch, then compute');
    const busy = syntheticReport(walls, {}, 2.4, { kind: 'mixed' });
    assert.match(
      busy.conclusion,
      /^no pool was clearly faster than asyncio, but the machine was busy \(load average 2\.4, on 2 cores\): the pools had no idle core to use, so this run cannot rank them/,
    );
    assert.equal(busy.fastestAt['asyncio'], '—');
  });

  test('cores busy just before measuring count even when the load average has not caught up', () => {
    const walls = {
      sequential: [2000, 2020, 2040],
      asyncio: [700, 720, 740],
      threads: [1000, 1050, 1100],
      'asyncio+threads': [900, 950, 1000],
    };
    const busy = syntheticReport(walls, {}, 0.9, { kind: 'mixed', busyCores: 2.1 });
    assert.match(
      busy.conclusion,
      /^no pool was clearly faster than asyncio, but the machine was busy \(load average 0\.9, 2\.1 cores busy, on 2 cores\)/,
    );
  });

  test('busyCores sees a busy loop that started a moment ago', async () => {
    const loop = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const busy = await loadCode.busyCores(500);
      assert.ok(busy !== null && busy >= 0.5 && busy <= availableParallelism() + 0.01, `${busy}`);
    } finally {
      loop.kill('SIGKILL');
      await exited(loop);
    }
  });
});

describe('concur compare’s mixed workload and its Python side', () => {
  test('the combination of an event loop and a pool is named fastest when it clearly is', () => {
    const { conclusion, fastestAt } = syntheticReport(
      {
        sequential: [2800, 2850, 2900],
        asyncio: [850, 870, 900],
        threads: [780, 800, 830],
        'asyncio+threads': [540, 560, 580],
      },
      { 'asyncio+threads': 1.6 },
      0.5,
      { kind: 'mixed' },
    );
    assert.match(
      conclusion,
      /^asyncio\+threads was fastest, 5\.1× sequential: the waits overlapped on the event loop while the pool computed on other cores; asyncio 3\.3× \(its waits overlapped, its computing did not\), threads 3\.6×\.$/,
    );
    assert.equal(fastestAt['asyncio+threads'], 'fetch, then compute');
    assert.equal(fastestAt['asyncio'], '—');
  });

  test('Python threads at CPU-bound work are put down to the GIL, its processes credited with the cores', () => {
    const { pythonConclusion, summary } = syntheticReport(
      {
        sequential: [1000, 1010, 1020],
        asyncio: [1000, 1020, 1030],
        'threading.Thread': [1010, 1030, 1050],
        ThreadPoolExecutor: [1000, 1025, 1040],
        'multiprocessing.Process': [600, 610, 620],
        'multiprocessing.Pool': [560, 570, 580],
        ProcessPoolExecutor: [565, 575, 590],
      },
      { 'multiprocessing.Pool': 1.8, ProcessPoolExecutor: 1.8, 'multiprocessing.Process': 1.8 },
      0.5,
      { runtime: 'python' },
    );
    assert.match(
      pythonConclusion!,
      /^multiprocessing\.Pool and ProcessPoolExecutor were fastest, indistinguishable from each other \(1\.8×, 1\.8× sequential\) with 1\.8× as much CPU time as wall time: Python ran on several cores at once, one interpreter per process; /,
    );
    assert.match(
      pythonConclusion!,
      /threading\.Thread 1\.0× \(the GIL: one thread at a time runs Python code\)/,
    );
    assert.match(pythonConclusion!, /ThreadPoolExecutor 1\.0× \(the GIL/);
    const column = (name: string, model: string) =>
      summary.find((r) => r[0] === name)![summary[0]!.indexOf(model)];
    assert.equal(column('Python here: the counterpart', 'processes'), 'ProcessPoolExecutor');
    assert.equal(column('Python here: clearly fastest at', 'processes'), 'CPU-bound');
    assert.equal(column('Python here: clearly fastest at', 'threads'), '—');
    assert.equal(column('Python here: CPU-bound: speed-up', 'threads'), '1.0×');
  });
});

describe('concur compare on a terminal', () => {
  test('conclusion lines wrap at the terminal’s width, continuing under the arrow', () => {
    const { conclusion, wrapped, text } = syntheticReport({
      sequential: [1000, 1100, 1300],
      asyncio: [950, 1050, 1250],
      threads: [900, 1080, 1200],
      processes: [980, 1150, 1400],
    });
    const lines = wrapped(60);
    const first = lines.findIndex((line) => line.startsWith('  → '));
    const rest = lines.slice(first + 1).findIndex((line) => !line.startsWith('    '));
    const block = lines.slice(first, first + 1 + rest);
    assert.ok(block.length > 2, block.join('\n'));
    for (const line of block) assert.ok(line.length <= 60, `${line.length}: ${line}`);
    assert.equal(block.map((line) => line.slice(4)).join(' '), conclusion);
    assert.equal(text.filter((line) => line.startsWith('  → ')).length, 1);
    assert.ok(
      text.some((line) => line === `  → ${conclusion}`),
      'not on a terminal: one line',
    );
  });
});

describe('concur compare --wait-quiet', () => {
  /** A machine whose load readings come from `loads`, in turn; sleeping only counts. */
  const machineWith = (loads: number[]) => {
    let slept = 0;
    return {
      probe: {
        cores: 2,
        load: () => loads.shift() ?? loads.length,
        sleep: async (ms: number) => {
          slept += ms;
        },
      },
      slept: () => slept,
    };
  };

  test('waits until the load drops below the core count, then says so', async () => {
    const m = machineWith([3.1, 2.6, 2.2, 1.4]);
    const outcome = await loadCode.waitQuiet(60_000, m.probe);
    assert.equal(outcome.quiet, true);
    assert.equal(m.slept(), 3000);
    assert.match(outcome.message, /load average is 1\.4, below the 2 cores after 3 s: measuring/);
  });

  test('gives up at its bound and measures anyway, saying the figures will be noisy', async () => {
    const m = machineWith(Array(100).fill(2.5));
    const outcome = await loadCode.waitQuiet(5_000, m.probe);
    assert.equal(outcome.quiet, false);
    assert.equal(m.slept(), 5000);
    assert.match(
      outcome.message,
      /still 2\.5 on 2 cores after 5 s: measuring anyway; the figures will be noisy/,
    );
  });
});

describe('concur compare options', () => {
  test('--help after compare prints compare’s own options; --help alone the global usage', async () => {
    const own = await concur('compare', '--help');
    assert.equal(own.code, 0);
    assert.match(own.stdout, /^Usage: concur compare \[options\]/);
    assert.match(own.stdout, /--repeat <n>/);
    assert.match(own.stdout, /--wait-quiet\[=<s>\]/);
    const global = await concur('--help');
    assert.match(global.stdout, /^Usage: concur <command>/);
    assert.doesNotMatch(global.stdout, /--repeat/);
  });

  for (const bad of ['0', '-1', '2.5', 'three']) {
    test(`--repeat ${bad} is a usage error (exit 2) naming the value`, async () => {
      const { code, stdout, stderr } = await concur('compare', `--repeat=${bad}`);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(
        stderr,
        new RegExp(`--repeat must be a whole number ≥ 1, got "${bad.replace('.', '\\.')}"`),
      );
    });
  }

  test('--wait-quiet takes an optional number of seconds; anything else is a usage error', async () => {
    const bad = await concur('compare', '--wait-quiet=soon');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--wait-quiet must be a whole number ≥ 0, got "soon"/);
    const run = await concur(
      'compare',
      ...['--wait-quiet=0', '--models', 'sequential', '--cpu-n', '1000', '--io-requests', '1'],
      ...['--io-latency', '0', '--repeat', '1'],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /^concur compare: the load average is (\d+\.\d, below the \d+ cores: measuring|still [\d.]+ on \d+ cores after 0 s: measuring anyway)/m,
    );
  });
});
