#!/usr/bin/env node
/**
 * The `concur` command: `concur demo [model]`, `concur compare`, `concur worker`, `--help`,
 * `--version`.
 *
 * Exit codes: 0 success, 1 a demo or a run failed, 2 a usage error (unknown command or
 * option, a model whose demo is not built), 130 interrupted (Ctrl-C). Only Node built-ins
 * (`util.parseArgs`): the few options do not need a parser library.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { compare } from './compare/compare.js';
import { MODEL_NAMES, type ModelName } from './compare/models.js';
import { DEFAULT_PYTHON_SCALE } from './compare/python.js';
import { runAsyncioDemos } from './demos/asyncio.js';
import type { Print } from './demos/demo.js';
import { runFuturesDemos } from './demos/futures.js';
import { runProcessDemos } from './demos/processes.js';
import { runThreadDemos } from './demos/threads.js';
import { WORKER_USAGE, workerCommand, WorkerUsageError } from './worker.js';

// Three repeats of every run, at sizes that keep Node's runs near 40 s on a 2-core machine
// (Python's as many again): the sums stay long enough (≈ 170 ms each) for a pool to repay
// its start-up, and each page's digest (≈ 30 ms) is long enough beside its wait (50 ms)
// for a pool to pay off, short enough that the sequential run stays near 2 s.
const DEFAULTS = {
  cpuN: 400_000_000,
  ioRequests: 40,
  ioLatencyMs: 10,
  mixedPages: 24,
  mixedLatencyMs: 50,
  mixedRounds: 6_000,
  workers: 4,
  repeat: 3,
  waitQuietS: 60,
  pythonScale: DEFAULT_PYTHON_SCALE,
};

const USAGE = `Usage: concur <command> [options]

Python's concurrency toolkit for TypeScript on Node.js.

Commands:
  compare          the tutorials' CPU-bound, I/O-bound and mixed workloads under every
                   model (sequential, asyncio, threads, processes; distributed with
                   --connection), and in CPython beside them, measured here: wall time,
                   speed-up, CPU time, memory
  demo [model]     the seeds' examples, live; model: asyncio (default), threads,
                   futures, processes, or all
  worker           run distributed tasks from a Redis queue (concur worker --help)

Options (each command's own: concur <command> --help):
  -h, --help          show this help
  -v, --version       print the version

Examples:
  npx concur compare
  npx concur compare --cpu-n 50000000 --workers 2 --html report.html --trace trace.json
  npx concur demo threads`;

const COMPARE_USAGE = `Usage: concur compare [options]

The tutorials' three workloads — CPU-bound, I/O-bound, and fetch-then-compute — under
every model (sequential, asyncio, threads, processes, asyncio+threads; distributed with
--connection), and the same jobs in CPython when python3 (3.9+) is found. Each model runs
--repeat times in a fresh process, in alternating order. Tables show medians and the
fastest–slowest run; a model is named fastest only when it beats the others beyond that
spread.

Options:
  --cpu-n <n>           each of the 4 sums of squares adds n² for n < this (${DEFAULTS.cpuN};
                        the tutorials use 10_000_000, which V8 finishes 50 times faster than CPython)
  --io-requests <n>     requests of the I/O workload (${DEFAULTS.ioRequests})
  --io-latency <ms>     the local server's latency per request (${DEFAULTS.ioLatencyMs})
  --mixed-pages <n>     pages of the fetch-then-compute workload (${DEFAULTS.mixedPages})
  --mixed-latency <ms>  the latency of its server (${DEFAULTS.mixedLatencyMs})
  --mixed-rounds <n>    times each page is digested over (${DEFAULTS.mixedRounds})
  --workers <n>         workers per pool (${DEFAULTS.workers}, like the tutorials' four processes)
  --repeat <n>          runs per model and workload (${DEFAULTS.repeat}); the median is reported
  --wait-quiet[=<s>]    first wait, up to <s> seconds (${DEFAULTS.waitQuietS}), for the 1-minute load
                        average to drop below the core count; then measure either way
  --models <list>       comma-separated subset of ${MODEL_NAMES.join(',')}
  --connection <url>    Redis for the distributed model (it starts its own worker there)
  --python <path>       the Python interpreter for the Python rows (python3 on the PATH)
  --python-scale <f>    the share of the computing Python does (${DEFAULTS.pythonScale}: CPython's loops
                        are ~60 times slower than V8's; 1 for the same sizes)
  --no-python           no Python rows
  --json                print the results as JSON instead of tables (docs/compare-json.md)
  --trace <file>        write a Trace Event timeline (open in ui.perfetto.dev)
  --html <file>         write a self-contained HTML report with charts
  -q, --quiet           no progress (progress goes to stderr)
  -h, --help            show this help

Examples:
  npx concur compare
  npx concur compare --repeat 5 --wait-quiet --models sequential,threads
  npx concur compare --cpu-n 50000000 --workers 2 --html report.html --trace trace.json`;

const DEMO_USAGE = `Usage: concur demo [model] [options]

The seeds' examples, run live with their output: model is asyncio (default), threads,
futures, processes, or all.

Options:
  --seed <n>          seed for the demos' random durations, to repeat a run
  -h, --help          show this help

Examples:
  npx concur demo
  npx concur demo threads --seed 7`;

const DEMOS = ['asyncio', 'threads', 'futures', 'processes'] as const;

/** A mistake in the command line: reported in one line with a hint, exit code 2. */
class UsageError extends Error {}

/** The command whose options the hint points to, once the command line names one. */
let helpOf = '';

const COMPARE_OPTIONS = [
  'cpu-n',
  'io-requests',
  'io-latency',
  'mixed-pages',
  'mixed-latency',
  'mixed-rounds',
  'python',
  'python-scale',
  'no-python',
  'workers',
  'repeat',
  'wait-quiet',
  'models',
  'connection',
  'json',
  'trace',
  'html',
  'quiet',
] as const;

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        seed: { type: 'string' },
        'cpu-n': { type: 'string' },
        'io-requests': { type: 'string' },
        'io-latency': { type: 'string' },
        'mixed-pages': { type: 'string' },
        'mixed-latency': { type: 'string' },
        'mixed-rounds': { type: 'string' },
        python: { type: 'string' },
        'python-scale': { type: 'string' },
        'no-python': { type: 'boolean' },
        workers: { type: 'string' },
        repeat: { type: 'string' },
        'wait-quiet': { type: 'string' },
        models: { type: 'string' },
        connection: { type: 'string' },
        json: { type: 'boolean' },
        trace: { type: 'string' },
        html: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // parseArgs reports unknown options and missing values as TypeError with a code; its
    // first sentence says it all ("Unknown option '--nope'").
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      const message = (error as Error).message.split('. ')[0]!;
      throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1));
    }
    throw error;
  }
}

type Values = ReturnType<typeof parseCommandLine>['values'];

function parseSeed(text: string | undefined): number {
  if (text === undefined) return Math.floor(Math.random() * 1_000_000);
  if (!/^-?\d+$/.test(text)) {
    throw new UsageError(`--seed must be an integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** A whole number ≥ `min` (underscores allowed: 10_000_000), or `fallback` when absent. */
function parseCount(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!/^\d[\d_]*$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A share: a number above 0 and at most 1. */
function parseShare(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !(value > 0 && value <= 1)) {
    throw new UsageError(
      `--${name} must be a number above 0 and at most 1, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

function parseModels(text: string | undefined, connection: string | null): ModelName[] {
  if (text === undefined) {
    return MODEL_NAMES.filter((m) => m !== 'distributed' || connection !== null);
  }
  const names = text.split(',').map((name) => name.trim());
  for (const [i, name] of names.entries()) {
    if (!(MODEL_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(
        `unknown model ${JSON.stringify(name)} in --models; choose from ${MODEL_NAMES.join(', ')}`,
      );
    }
    if (names.indexOf(name) !== i) {
      throw new UsageError(`--models names ${JSON.stringify(name)} twice`);
    }
  }
  // Both mistakes would otherwise run without the user's intent: a model reported as
  // skipped (or nothing at all), or a Redis server named and never used.
  if (connection === null && names.includes('distributed')) {
    throw new UsageError('--models distributed needs --connection redis://…');
  }
  if (connection !== null && !names.includes('distributed')) {
    throw new UsageError(
      '--connection is for the distributed model, which --models leaves out; add distributed or drop --connection',
    );
  }
  return names as ModelName[];
}

/** The forms the distributed model's Redis connection takes (as `concur worker`'s). */
function parseConnection(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (!/^(redis|rediss|unix):\/\/./.test(text)) {
    throw new UsageError(
      `--connection must be a redis://, rediss:// or unix:// URL, got ${JSON.stringify(text)}`,
    );
  }
  return text;
}

/** `--html` and `--trace` write different files: one would overwrite the other. */
function reportFiles(values: Values): { trace: string | null; html: string | null } {
  const trace = values.trace ?? null;
  const html = values.html ?? null;
  if (trace !== null && html !== null && resolve(trace) === resolve(html)) {
    throw new UsageError(`--html and --trace name the same file, ${JSON.stringify(html)}`);
  }
  return { trace, html };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String((pkg as { version?: unknown }).version);
}

const print: Print = (line) => void process.stdout.write(`${line}\n`);

async function demo(args: string[], values: Values): Promise<number> {
  const misplaced = COMPARE_OPTIONS.find((name) => values[name] !== undefined);
  if (misplaced !== undefined) throw new UsageError(`--${misplaced} is an option of compare`);
  if (args.length > 1) {
    throw new UsageError(`concur demo takes one model, got ${args.length}: ${args.join(' ')}`);
  }
  const seed = parseSeed(values.seed);
  const model = args[0] ?? 'asyncio';
  const models = model === 'all' ? DEMOS : [model];
  for (const [i, name] of models.entries()) {
    if (i > 0) print('');
    if (name === 'asyncio') await runAsyncioDemos(seed, print);
    else if (name === 'threads') await runThreadDemos(seed, print);
    else if (name === 'futures') await runFuturesDemos(seed, print);
    else if (name === 'processes') await runProcessDemos(seed, print);
    else {
      throw new UsageError(
        `unknown model ${JSON.stringify(name)}; choose one of ${[...DEMOS, 'all'].join(', ')}`,
      );
    }
  }
  return 0;
}

/** `--wait-quiet` alone means the default bound; with `=<s>`, that many seconds. */
function parseWaitQuiet(text: string | undefined): number | null {
  if (text === undefined) return null;
  return parseCount('wait-quiet', text === '' ? String(DEFAULTS.waitQuietS) : text, 0, 0) * 1000;
}

function runCompare(args: string[], values: Values, argv: readonly string[]): Promise<number> {
  if (args.length > 0)
    throw new UsageError(`concur compare takes no arguments, got ${args.join(' ')}`);
  if (values.seed !== undefined) throw new UsageError('--seed is an option of demo');
  const connection = parseConnection(values.connection);
  const models = parseModels(values.models, connection);
  const { trace, html } = reportFiles(values);
  if (values['no-python'] === true && values.python !== undefined) {
    throw new UsageError('--python and --no-python contradict each other: give one');
  }
  return compare({
    version: version(),
    argv: ['concur', ...argv],
    cpuN: parseCount('cpu-n', values['cpu-n'], DEFAULTS.cpuN),
    ioRequests: parseCount('io-requests', values['io-requests'], DEFAULTS.ioRequests),
    ioLatencyMs: parseCount('io-latency', values['io-latency'], DEFAULTS.ioLatencyMs, 0),
    mixedPages: parseCount('mixed-pages', values['mixed-pages'], DEFAULTS.mixedPages),
    mixedLatencyMs: parseCount(
      'mixed-latency',
      values['mixed-latency'],
      DEFAULTS.mixedLatencyMs,
      0,
    ),
    mixedRounds: parseCount('mixed-rounds', values['mixed-rounds'], DEFAULTS.mixedRounds),
    python: values['no-python'] === true ? false : (values.python ?? null),
    pythonScale: parseShare('python-scale', values['python-scale'], DEFAULTS.pythonScale),
    workers: parseCount('workers', values.workers, DEFAULTS.workers),
    repeat: parseCount('repeat', values.repeat, DEFAULTS.repeat),
    waitQuietMs: parseWaitQuiet(values['wait-quiet']),
    models,
    connection,
    json: values.json === true,
    trace,
    html,
    width: process.stdout.isTTY ? process.stdout.columns : null,
    progress: values.quiet === true ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines',
    write: print,
  });
}

const USAGES: Record<string, string> = {
  compare: COMPARE_USAGE,
  demo: DEMO_USAGE,
  worker: WORKER_USAGE,
};

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'worker') {
    helpOf = 'worker ';
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(`${WORKER_USAGE}\n`);
      return 0;
    }
    return workerCommand(argv.slice(1), (line) => void process.stderr.write(`${line}\n`));
  }
  // parseArgs has no optional values: a bare --wait-quiet becomes --wait-quiet= (the default).
  const { values, positionals } = parseCommandLine(
    argv.map((arg) => (arg === '--wait-quiet' ? '--wait-quiet=' : arg)),
  );
  const usage = USAGES[positionals[0] ?? ''];
  if (usage !== undefined) helpOf = `${positionals[0]} `;
  if (values.help === true) {
    process.stdout.write(`${usage ?? USAGE}\n`);
    return 0;
  }
  if (values.version === true) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('no command given');
  if (command === 'demo') return demo(rest, values);
  if (command === 'compare') return runCompare(rest, values, argv);
  throw new UsageError(`unknown command ${JSON.stringify(command)}`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // A bug or a failed demo: stack, exit 1.
  if (!(error instanceof UsageError) && !(error instanceof WorkerUsageError)) throw error;
  process.stderr.write(`concur: ${error.message}; see concur ${helpOf}--help\n`);
  process.exitCode = 2;
}
