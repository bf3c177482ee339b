/**
 * `concur compare`, run for real at small sizes: the JSON report, the trace file, the HTML
 * report (rendered in headless Chromium when it is installed) and Ctrl-C.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { concur, exited, startConcur, waitForOutput, type Outcome } from './harness.js';
import { decodePng } from './png.js';

const SMALL = ['--cpu-n', '2000000', '--io-requests', '12', '--io-latency', '5', '--workers', '2'];
const MODELS = ['sequential', 'asyncio', 'threads', 'processes'];

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
interface Report {
  command: string;
  machine: { cpus: number; node: string };
  options: { cpuN: number; ioRequests: number; workers: number };
  workloads: {
    kind: string;
    title: string;
    description: string;
    conclusion: string;
    results: Result[];
  }[];
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
  test('reports both workloads with a result for every model, and nothing on stderr when quiet', () => {
    const { command, options, machine, workloads } = report();
    assert.equal(run.stderr, '');
    assert.equal(command, 'concur compare');
    assert.deepEqual(options, { cpuN: 2_000_000, ioRequests: 12, ioLatencyMs: 5, workers: 2 });
    assert.ok(machine.cpus >= 1);
    assert.deepEqual(
      workloads.map((w) => w.kind),
      ['cpu', 'io'],
    );
    for (const workload of workloads) {
      assert.deepEqual(
        workload.results.map((r) => r.model),
        MODELS,
        'every model has a row; distributed only with --connection',
      );
      assert.ok(workload.conclusion.length > 20, workload.conclusion);
      assert.match(workload.conclusion, /^(\w+ was fastest|nothing beat sequential by 5%)/);
    }
  });

  test('every model that can run here produced measured numbers', () => {
    for (const workload of report().workloads) {
      const jobs = workload.kind === 'cpu' ? 4 : 12;
      // Σ n² for n < N = (N − 1)·N·(2N − 1)/6, exact; every page is the same 1,921 characters.
      const N = 2_000_000n;
      const answer = workload.kind === 'cpu' ? String(((N - 1n) * N * (2n * N - 1n)) / 6n) : '1921';
      for (const r of workload.results) {
        const label = `${r.model} on ${workload.kind}`;
        assert.equal(r.status, 'ok', `${label}: ${r.reason}`);
        assert.equal(r.tasks, jobs, label);
        assert.deepEqual(r.answers, [answer], `${label}: every task did the same work`);
        assert.ok(r.wallMs! > 0 && r.cpuMs! > 0 && r.speedup! > 0, label);
        assert.ok(
          r.startupMs! >= 0 && r.startupMs! < r.wallMs!,
          `${label}: first task at ${r.startupMs}`,
        );
        assert.ok(r.peakRssBytes! > 10 * 1024 * 1024, `${label}: peak ${r.peakRssBytes}`);
        const pool = r.model === 'threads' || r.model === 'processes';
        assert.ok(
          r.workers! >= 1 && r.workers! <= (pool ? 2 : 1),
          `${label}: ${r.workers} workers`,
        );
      }
      assert.equal(workload.results[0]!.speedup, 1, 'speed-ups are over sequential');
    }
  });

  test('the distributed model without --connection is listed as skipped, saying what it needs', async () => {
    const { code, stdout, stderr } = await concur(
      'compare',
      ...['--models', 'sequential,distributed', '--cpu-n', '1000', '--io-requests', '2'],
      ...['--json', '--quiet'],
    );
    assert.equal(code, 0, stderr);
    for (const workload of (JSON.parse(stdout) as Report).workloads) {
      const [sequential, distributed] = workload.results;
      assert.equal(sequential!.status, 'ok');
      assert.equal(distributed!.status, 'unavailable');
      assert.match(distributed!.reason!, /needs --connection redis:/);
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

  test('without --json it prints the tables, the conclusions and the seeds’ summary', async () => {
    const { code, stdout, stderr } = await concur(
      'compare',
      ...SMALL,
      '--models',
      'sequential,asyncio',
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^CPU-bound: 4 × sum of n² for n < 2,000,000/m);
    assert.match(stdout, /^I\/O-bound: 12 HTTP requests/m);
    assert.match(
      stdout,
      /model +wall +speed-up +CPU time +CPU\/wall +peak memory +workers +first task at/,
    );
    assert.match(stdout, /^ {2}asyncio +[\d.]+ m?s +[\d.]+×/m);
    assert.equal(stdout.match(/^ {2}→ /gm)?.length, 2, 'one conclusion per workload');
    assert.match(stdout, /The seeds' summary table, measured/);
    // Not a terminal: progress comes as plain lines on stderr.
    assert.match(stderr, /^ {2}asyncio · I\/O-bound: done in /m);
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
    const ran = workloads.flatMap((w) =>
      w.results.filter((r) => r.status === 'ok').map((r) => ({ ...r, title: w.title })),
    );
    assert.equal(runs.length, ran.length, 'one trace process per run');
    for (const r of ran) {
      const pid = runs.find((e) => e.args!.name === `${r.model} · ${r.title}`)?.pid;
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
        );
        assert.equal(code, 0, stderr);
        for (const workload of (JSON.parse(stdout) as Report).workloads) {
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

describe('concur compare --html', () => {
  test('writes one self-contained page: inline SVG charts, nothing fetched from the network', async () => {
    assert.equal(run.code, 0, run.stderr);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.equal(
      html.match(/<svg /g)?.length,
      6,
      'time, speed-up and timeline charts for both workloads',
    );
    assert.doesNotMatch(html, /<script|<link|<img|src=|url\(|@import/);
    assert.deepEqual(
      [...html.matchAll(/https?:\/\/[^"' <]+/g)].map((m) => m[0]),
      Array(6).fill('http://www.w3.org/2000/svg'),
    );
  });

  test(
    'renders in headless Chromium with its bar charts drawn',
    { skip: chromium === null ? 'chromium is not installed (.ci/run installs it)' : false },
    async () => {
      assert.equal(run.code, 0, run.stderr);
      const png = join(dir, 'report.png');
      await promisify(execFile)(
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
          `--user-data-dir=${join(dir, 'chromium-profile')}`,
          `--screenshot=${png}`,
          '--window-size=1000,1400',
          pathToFileURL(join(dir, 'report.html')).href,
        ],
        { timeout: 90_000, killSignal: 'SIGKILL' },
      );
      const image = decodePng(readFileSync(png));
      assert.equal(image.width, 1000);
      const counts = BAR_COLOURS.map(() => 0);
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const [r, g, b] = image.rgb(x, y);
          BAR_COLOURS.forEach(([cr, cg, cb], i) => {
            if (Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(b - cb) < 24) counts[i]!++;
          });
        }
      }
      // Each chart has at least three bars of ≥ 2 × 20 px; most are far longer.
      for (const [i, count] of counts.entries()) {
        assert.ok(count > 400, `bars of colour ${i} cover ${count} px in the screenshot`);
      }
    },
  );
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
async function startLongCompare(marker: string) {
  const [key, value] = marker.split('=') as [string, string];
  const model = 'processes';
  const child = startConcur(
    ['compare', '--models', model, '--cpu-n', '2000000000', '--workers', '2'],
    { ...process.env, [key]: value },
  );
  child.stdout!.resume();
  await waitForOutput(child.stderr!, new RegExp(`${model} · CPU-bound: 4 jobs`));
  // The runner and its workers are up once their processes carry the marker.
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
        child.kill('SIGINT');
        assert.equal(await exited(child), 130);
      } finally {
        child.kill('SIGKILL');
        await exited(child);
      }
      assert.deepEqual(await leftovers(marker), [], 'no process of the command is left');
    });

    test('a command killed outright (SIGKILL) still leaves no child process: its runner follows it', async () => {
      const marker = `CONCUR_SIGKILL_TEST=${process.pid}-${Date.now()}`;
      const child = await startLongCompare(marker);
      child.kill('SIGKILL');
      assert.equal(await exited(child), 'SIGKILL');
      assert.deepEqual(await leftovers(marker), [], 'no process of the command is left');
    });
  },
);
