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

type ReportModule = typeof import('../../dist/cli/compare/report.js');
type LoadModule = typeof import('../../dist/cli/compare/load.js');
type RunMeasure = import('../../dist/cli/compare/runs.js').RunMeasure;
const COMPARE_DIR = new URL('../../../dist/cli/compare/', import.meta.url);
const reportCode = (await import(new URL('report.js', COMPARE_DIR).href)) as ReportModule;
const loadCode = (await import(new URL('load.js', COMPARE_DIR).href)) as LoadModule;

const SMALL = [
  ...['--cpu-n', '2000000', '--io-requests', '12', '--io-latency', '5', '--workers', '2'],
  ...['--repeat', '2'],
];
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
    assert.deepEqual(options, {
      cpuN: 2_000_000,
      ioRequests: 12,
      ioLatencyMs: 5,
      workers: 2,
      repeat: 2,
    });
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
      assert.match(
        workload.conclusion,
        /^([\w, ]+ (was|were) fastest|nothing beat sequential beyond the spread|the models are indistinguishable on this machine|no model was clearly faster than sequential, but the load average)/,
      );
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
      assert.deepEqual(
        order.sort((a, b) => a.at - b.at).map((x) => x.model),
        [...MODELS, ...[...MODELS].reverse()],
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
      /model +wall +min–max +speed-up +CPU time +CPU\/wall +peak memory +workers +first task at/,
    );
    assert.match(stdout, /^ {2}asyncio +[\d.]+ m?s +[\d.]+–[\d.]+ m?s +[\d.]+×/m);
    assert.match(stdout, /wall: median of 2 runs/);
    assert.equal(stdout.match(/^ {2}→ /gm)?.length, 2, 'one conclusion per workload');
    assert.match(stdout, /The seeds' summary table, measured/);
    // Not a terminal: progress comes as plain lines on stderr, each run placed among all.
    assert.match(stderr, /^concur compare: (load average [\d.]+ on \d+ cores|The load average)/m);
    assert.match(stderr, /^ {2}asyncio · I\/O-bound #2: done in /m);
    assert.match(
      stderr,
      /^ {2}sequential · CPU-bound #1: 4 jobs… \(run 1 of 8, 0:\d\d elapsed\)$/m,
    );
    assert.match(
      stderr,
      /^ {2}asyncio · I\/O-bound #2: 12 jobs… \(run 7 of 8, 0:\d\d elapsed, about 0:\d\d left\)$/m,
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
  await waitForOutput(child.stderr!, new RegExp(`${model} · CPU-bound #1: 4 jobs`));
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

/** The CPU-bound workload's report from synthetic wall times per model, through the real report code. */
function syntheticReport(
  walls: Record<string, number[]>,
  cpuFactor: Record<string, number> = {},
  loadAverage = 0.5,
) {
  const { finishWorkload, modelResult, repeatResult, summaryRows, textReport } = reportCode;
  const host = {
    cpus: 2,
    node: 'v20',
    platform: 'linux',
    arch: 'x64',
    loadAverage,
  };
  const results = Object.entries(walls).map(([model, ms]) => {
    const measures = ms.map((w) => syntheticRun(w, w * (cpuFactor[model] ?? 1)));
    return modelResult(
      { name: model as 'sequential', how: model },
      { measures, repeats: measures.map((m, i) => repeatResult(m, i)) },
    );
  });
  const workload = finishWorkload({ kind: 'cpu', n: 1000, tasks: 4 }, results, host);
  const report = {
    schemaVersion: 1 as const,
    command: 'concur compare' as const,
    version: '0',
    machine: host,
    options: { cpuN: 1000, ioRequests: 1, ioLatencyMs: 1, workers: 2, repeat: 3 },
    workloads: [workload],
  };
  const summary = summaryRows(report);
  const fastestAt = summary.find((row) => row[0]!.includes('fastest at'))!;
  const byModel = Object.fromEntries(summary[0]!.slice(1).map((m, i) => [m, fastestAt[i + 1]]));
  return {
    conclusion: workload.conclusion,
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
      /^no model was clearly faster than sequential, but the load average was 2\.6 on 2 cores: the pools had no idle core to use, so this run cannot rank them/,
    );
    assert.doesNotMatch(busy.conclusion, /starting workers costs more|nothing beat sequential/);
    for (const model of ['threads', 'processes']) assert.equal(busy.fastestAt[model], '—');
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
