/**
 * What `concur compare` found, as data (`--json`), as text tables (the seeds' summary
 * table, measured) and as one-line conclusions drawn from the numbers.
 *
 * @module
 */
import { availableParallelism, cpus, loadavg } from 'node:os';

import type { PythonFound } from './python.js';
import type { RunMeasure } from './runs.js';
import { leaders, spreadOf, type Spread } from './spread.js';
import type { Sample } from './tasks.js';
import {
  describeWorkload,
  WORKLOAD_TITLES,
  type Workload,
  type WorkloadKind,
} from './workloads.js';

/** What one run (one repeat of a model on a workload) measured, in the JSON. */
export interface RepeatResult {
  /** Its place in the sequence of runs of its workload (0-based): the order alternates. */
  order: number;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  startupMs: number;
}

/**
 * One model on one workload, over its repeats. Single numbers are medians of the repeats
 * (speed-up: of the medians); numbers are null when the model did not run.
 */
export interface ModelResult {
  /** A Node model (`threads`…) or, in Python's results, the Python API (`ThreadPoolExecutor`…). */
  model: string;
  how: string;
  status: 'ok' | 'unavailable' | 'failed';
  /** Why it did not run (unavailable) or how it failed. */
  reason: string | null;
  wallMs: number | null;
  /** Sequential wall time / this wall time. */
  speedup: number | null;
  cpuMs: number | null;
  /** CPU time / wall time: above 1, work ran on several cores at once. */
  parallelism: number | null;
  /** From the start of the run to the start of its first task: what starting workers costs. */
  startupMs: number | null;
  peakRssBytes: number | null;
  /** Distinct threads or processes that ran a job. */
  workers: number | null;
  tasks: number | null;
  /** The distinct answers the tasks returned (one, when every model did the same work). */
  answers: string[] | null;
  /** Median, fastest and slowest over the repeats. */
  spread: {
    wallMs: Spread;
    cpuMs: Spread;
    peakRssBytes: Spread;
    startupMs: Spread;
  } | null;
  /** Every repeat's own numbers, in the order they ran. */
  repeats: RepeatResult[];
}

/** The models of one runtime on one workload. */
export interface SideResult {
  description: string;
  /** The workload as this runtime ran it (Python's computing is scaled: options.pythonScale). */
  workload: Workload;
  results: ModelResult[];
  conclusion: string;
}

export interface WorkloadResult extends SideResult {
  kind: Workload['kind'];
  title: string;
  /** The same jobs in CPython, or null when Python was skipped. */
  python: SideResult | null;
}

/** The sizes a comparison ran at: its command line's options, as the report records them. */
export interface CompareSizes {
  /** Each of the four sums of squares adds n² for n below this. */
  cpuN: number;
  ioRequests: number;
  ioLatencyMs: number;
  /** The fetch-then-compute workload: pages, the server's latency, digest rounds per page. */
  mixedPages: number;
  mixedLatencyMs: number;
  mixedRounds: number;
  workers: number;
  /** Runs per model, in alternating order (A B C D, D C B A, …). */
  repeat: number;
  /** The share of Node's computing the Python runs do (1: the same sizes). */
  pythonScale: number;
}

export interface CompareReport {
  /** Version of this shape (docs/compare-json.md); raised when a field changes meaning. */
  schemaVersion: 1;
  command: 'concur compare';
  version: string;
  machine: {
    cpus: number;
    node: string;
    platform: string;
    arch: string;
    /** 1-minute load average when the comparison started: cores other programs kept busy. */
    loadAverage: number;
    /** Cores busy in the second before measuring (Linux), or null where it cannot be read. */
    busyCores: number | null;
    /** The first core's model name, as the operating system reports it. */
    cpuModel: string;
  };
  /** When the comparison started (ISO 8601) and the command line that ran it. */
  startedAt: string;
  argv: string[];
  options: CompareSizes;
  /** The interpreter that ran the Python side, or why there was none. */
  python: PythonFound;
  workloads: WorkloadResult[];
}

/** The thread or process a sample ran on, as a track name. */
export function workerOf(sample: Sample, runnerPid: number): string {
  if (sample.pid !== runnerPid) return `process ${sample.pid}`;
  return sample.thread === 0 ? 'main thread' : `thread ${sample.thread}`;
}

/** One repeat's numbers from what its run measured. */
export function repeatResult(measure: RunMeasure, order: number): RepeatResult {
  return {
    order,
    wallMs: measure.wallMs,
    cpuMs: measure.cpuMs,
    peakRssBytes: measure.peakRssBytes,
    startupMs: Math.max(0, Math.min(...measure.samples.map((s) => s.start)) - measure.startedAt),
  };
}

/** A model's result from its runs (or from why it did not run). */
export function modelResult(
  model: { name: string; how: string },
  outcome:
    | { measures: readonly RunMeasure[]; repeats: readonly RepeatResult[] }
    | { status: 'unavailable' | 'failed'; reason: string },
): ModelResult {
  if (!('measures' in outcome)) {
    return {
      model: model.name,
      how: model.how,
      status: outcome.status,
      reason: outcome.reason,
      wallMs: null,
      speedup: null,
      cpuMs: null,
      parallelism: null,
      startupMs: null,
      peakRssBytes: null,
      workers: null,
      tasks: null,
      answers: null,
      spread: null,
      repeats: [],
    };
  }
  const { measures, repeats } = outcome;
  const of = (key: 'wallMs' | 'cpuMs' | 'peakRssBytes' | 'startupMs') =>
    spreadOf(repeats.map((r) => r[key]));
  const spread = {
    wallMs: of('wallMs'),
    cpuMs: of('cpuMs'),
    peakRssBytes: of('peakRssBytes'),
    startupMs: of('startupMs'),
  };
  const samples = measures.flatMap((m) => m.samples.map((s) => ({ s, pid: m.pid })));
  return {
    model: model.name,
    how: model.how,
    status: 'ok',
    reason: null,
    wallMs: spread.wallMs.median,
    speedup: null,
    cpuMs: spread.cpuMs.median,
    parallelism: spreadOf(repeats.map((r) => r.cpuMs / r.wallMs)).median,
    startupMs: spread.startupMs.median,
    peakRssBytes: spread.peakRssBytes.median,
    // Per run: a pool that used 2 workers in every repeat used 2, not 2 × repeats.
    workers: Math.max(
      ...measures.map((m) => new Set(m.samples.map((s) => workerOf(s, m.pid))).size),
    ),
    tasks: Math.min(...measures.map((m) => m.samples.length)),
    answers: [...new Set(samples.map(({ s }) => s.value))],
    spread,
    repeats: [...repeats],
  };
}

type Measured = ModelResult & {
  wallMs: number;
  speedup: number;
  peakRssBytes: number;
  spread: NonNullable<ModelResult['spread']>;
};

function measured(results: readonly ModelResult[]): Measured[] {
  return results.filter(
    (r): r is Measured => r.status === 'ok' && r.speedup !== null && r.spread !== null,
  );
}

/**
 * The models clearly fastest at a workload (see {@link leaders}), or null when the runs'
 * spread does not separate them from the others.
 */
export function fastestModels(results: readonly ModelResult[]): string[] | null {
  const ok = measured(results);
  if (ok.length < 2) return null;
  return leaders(ok, (r) => r.spread.wallMs)?.map((r) => r.model) ?? null;
}

/** How many cores other programs held: the load average or, when higher, the busy cores just now. */
export function busyness(host: CompareReport['machine']): number {
  return Math.max(host.loadAverage, host.busyCores ?? 0);
}

/**
 * True when other programs left the pools less than half a core idle: then a pool has no
 * core of its own to compute on, and losing to one-core models ranks nothing.
 */
export function noIdleCore(host: CompareReport['machine']): boolean {
  return busyness(host) > host.cpus - 0.5;
}

/** `load average 1.5, 2.0 cores busy`: what the machine was doing when measuring started. */
export function loadText(host: CompareReport['machine']): string {
  const busy = host.busyCores === null ? '' : `, ${host.busyCores.toFixed(1)} cores busy`;
  return `load average ${host.loadAverage.toFixed(1)}${busy}`;
}

/**
 * True when the machine was too busy for this run to rank `leaders`: pools exist to use
 * idle cores, so on a machine with none (see {@link noIdleCore}), work that could use them
 * (CPU-bound or mixed) won by a model that uses one core ranks nothing — naming it would
 * contradict a quiet run that names a pool.
 */
function tooBusyToRank(
  kind: WorkloadKind,
  results: readonly ModelResult[],
  leaders: readonly string[],
  host: CompareReport['machine'],
): boolean {
  return (
    kind !== 'io' &&
    noIdleCore(host) &&
    !leaders.some(parallel) &&
    results.some((r) => r.status === 'ok' && parallel(r.model))
  );
}

/**
 * The models a workload's conclusion names fastest: clearly ahead of every other, sequential
 * not among them, and not on a machine too busy to rank them. Null when it names none.
 */
export function namedFastest(
  kind: WorkloadKind,
  results: readonly ModelResult[],
  host: CompareReport['machine'],
): string[] | null {
  const names = fastestModels(results);
  if (names === null || names.includes('sequential')) return null;
  return tooBusyToRank(kind, results, names, host) ? null : names;
}

/** One runtime's results on a workload, with speed-ups over its sequential run and the conclusion. */
export function finishSide(
  workload: Workload,
  results: ModelResult[],
  host: CompareReport['machine'],
  runtime: Runtime,
): SideResult {
  const sequential = results.find((r) => r.model === 'sequential' && r.wallMs !== null);
  for (const r of results) {
    if (r.wallMs !== null && sequential?.wallMs != null) r.speedup = sequential.wallMs / r.wallMs;
  }
  return {
    description: describeWorkload(workload),
    workload,
    results,
    conclusion: conclude(workload.kind, results, host, runtime),
  };
}

/** A workload's whole result: Node's side, and Python's when it ran. */
export function finishWorkload(
  workload: Workload,
  node: SideResult,
  python: SideResult | null,
): WorkloadResult {
  return { kind: workload.kind, title: WORKLOAD_TITLES[workload.kind], ...node, python };
}

export const formatMs = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
export const formatX = (x: number): string => `${x.toFixed(x < 0.095 ? 2 : x < 10 ? 1 : 0)}×`;
export const formatMB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export type Runtime = 'node' | 'python';

/** How a model runs its jobs, whatever its runtime calls it. */
type Mechanism = 'sequential' | 'loop' | 'threads' | 'processes' | 'combined';

const MECHANISMS: Record<string, Mechanism> = {
  sequential: 'sequential',
  asyncio: 'loop',
  threads: 'threads',
  'threading.Thread': 'threads',
  ThreadPoolExecutor: 'threads',
  processes: 'processes',
  distributed: 'processes',
  'multiprocessing.Process': 'processes',
  'multiprocessing.Pool': 'processes',
  ProcessPoolExecutor: 'processes',
  'asyncio+threads': 'combined',
  'asyncio+ProcessPoolExecutor': 'combined',
};

/** Models that run jobs on several threads or processes at once. */
const parallel = (model: string): boolean =>
  ['threads', 'processes', 'combined'].includes(MECHANISMS[model] ?? '');

const listed = (names: readonly string[]): string =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * One sentence from the numbers: who won, by how much, and why in the runtime's terms —
 * or, when the runs' spread is as large as the differences, that nothing can be told
 * apart here.
 */
function conclude(
  kind: Workload['kind'],
  results: readonly ModelResult[],
  host: CompareReport['machine'],
  runtime: Runtime,
): string {
  const all = measured(results);
  const ok = all.filter((r) => r.model !== 'sequential');
  if (ok.length === 0) return 'nothing to compare: only the sequential run finished';
  const sequentialRun = all.find((r) => r.model === 'sequential');
  const names = fastestModels(all);
  const group = all.filter((r) => names?.includes(r.model));
  const best = group[0] ?? null;
  const medians = ok.map((r) => `${r.model} ${formatX(r.speedup)}`).join(', ');
  if (names === null) {
    let text = `the models are indistinguishable on this machine: every model's runs overlap another's (medians ${medians} sequential); their differences are within the noise, so none is named — try again on a quieter machine or with more --repeat.`;
    if (kind === 'cpu') text += busyNote(ok, sequentialRun, host, runtime);
    return text;
  }
  if (tooBusyToRank(kind, results, names, host)) {
    const ahead = names.includes('sequential')
      ? 'no model was clearly faster than sequential'
      : `no pool was clearly faster than ${listed(names)}`;
    return `${ahead}, but the machine was busy (${loadText(host)}, on ${host.cpus} cores): the pools had no idle core to use, so this run cannot rank them (medians ${medians} sequential) — measure again on a quieter machine (--wait-quiet).`;
  }
  let parts: string[];
  if (names.includes('sequential')) {
    const pools = ok.some((r) => parallel(r.model));
    parts = [
      names.length === 1
        ? // On a saturated machine the pools lost to the load, not to their start-up.
          pools && !noIdleCore(host) && runtime === 'node'
          ? 'nothing beat sequential beyond the spread of its runs: at this size, starting workers costs more than they save'
          : 'nothing beat sequential beyond the spread of its runs'
        : `nothing beat sequential beyond the spread of its runs (${group
            .filter((r) => r.model !== 'sequential')
            .map((r) => `${r.model} ${formatX(r.speedup)}, within it`)
            .join('; ')})`,
    ];
  } else if (group.length === 1) {
    parts = [`${best!.model} was fastest, ${formatX(best!.speedup)} sequential`];
  } else {
    parts = [
      `${listed(names)} were fastest, indistinguishable from each other (${group
        .map((r) => `${formatX(r.speedup)}`)
        .join(', ')} sequential)`,
    ];
  }
  const lead = group.length === 1 ? best! : null;
  const leadHow = lead === null ? null : MECHANISMS[lead.model];
  if (kind === 'cpu') {
    const spreadOut = group.find((r) => parallel(r.model) && (r.parallelism ?? 0) > 1.3);
    if (spreadOut !== undefined && !names.includes('sequential')) {
      parts[0] += ` with ${formatX(spreadOut.parallelism!)} as much CPU time as wall time: ${
        runtime === 'node'
          ? 'JavaScript ran on several cores at once (Node has no GIL)'
          : 'Python ran on several cores at once, one interpreter per process'
      }`;
    }
  } else if (leadHow === 'loop') {
    parts[0] += ' on one thread: a task that waits holds no thread';
  } else if (leadHow === 'combined') {
    parts[0] += ': the waits overlapped on the event loop while the pool computed on other cores';
  }
  const lightest = ok.reduce((a, b) => (b.peakRssBytes < a.peakRssBytes ? b : a));
  for (const r of ok) {
    if (group.includes(r)) continue;
    const how = MECHANISMS[r.model];
    let part = `${r.model} ${formatX(r.speedup)}`;
    if (parallel(r.model) && r.startupMs !== null && r.startupMs > 0.2 * r.wallMs) {
      part += ` (${formatMs(r.startupMs)} of it starting workers)`;
    }
    if (kind === 'cpu' && how === 'loop' && r.speedup < 1.2) {
      part += ' (one event loop computes one thing at a time)';
    } else if (kind === 'mixed' && how === 'loop') {
      part += ' (its waits overlapped, its computing did not)';
    } else if (kind === 'cpu' && runtime === 'python' && how === 'threads' && r.speedup < 1.2) {
      part += ' (the GIL: one thread at a time runs Python code)';
    } else if (r !== lightest && r.peakRssBytes > 1.5 * lightest.peakRssBytes) {
      part += ` for ${formatX(r.peakRssBytes / lightest.peakRssBytes)} the memory of ${lightest.model}`;
    }
    parts.push(part);
  }
  let text = parts.length === 1 ? `${parts[0]}.` : `${parts[0]}; ${parts.slice(1).join(', ')}.`;
  // A compute loop alone on a core shows CPU/wall ≈ 1: less means other programs took turns.
  if (kind === 'cpu') text += busyNote(ok, sequentialRun, host, runtime);
  return text;
}

/**
 * Why a CPU-bound comparison may not show the machine's cores: a compute loop alone on a
 * core has CPU/wall ≈ 1, so less means other programs took turns; and a pool cannot use
 * cores that other programs keep busy.
 */
function busyNote(
  others: readonly Measured[],
  sequential: Measured | undefined,
  host: CompareReport['machine'],
  runtime: Runtime,
): string {
  const share = sequential?.parallelism;
  if (share != null && share < 0.85) {
    return ` (The machine was busy: the sequential run got ${share.toFixed(1)} of a core.)`;
  }
  // Python's threads take turns under the GIL whatever the load: only its processes count.
  const pools = others.filter(
    (r) => parallel(r.model) && !(runtime === 'python' && MECHANISMS[r.model] === 'threads'),
  );
  const spread = Math.max(0, ...pools.map((r) => r.parallelism ?? 0));
  if (pools.length > 0 && host.cpus > 1 && spread < 1.3 && busyness(host) >= 0.75) {
    return ` (The machine was busy when it started, ${loadText(host)} on ${host.cpus} cores: other programs held the cores the pools needed.)`;
  }
  return '';
}

/** Lays out rows of cells as aligned columns (first column left, the rest right). */
export function textTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const dash = '—';

/** A range of times, `1.20–1.35 s`, in the unit of its upper end. */
export function formatRange(spread: Spread): string {
  if (spread.max >= 1000) {
    return `${(spread.min / 1000).toFixed(2)}–${(spread.max / 1000).toFixed(2)} s`;
  }
  const digits = spread.max < 10 ? 1 : 0;
  return `${spread.min.toFixed(digits)}–${spread.max.toFixed(digits)} ms`;
}

/** The per-workload table rows (header first): wall time as median and min–max, the rest medians. */
export function resultRows(side: { results: readonly ModelResult[] }): string[][] {
  const header = [
    'model',
    'wall',
    'min–max',
    'speed-up',
    'CPU time',
    'CPU/wall',
    'peak memory',
    'workers',
    'first task at',
  ];
  const rows = side.results.map((r) =>
    r.status !== 'ok' || r.spread === null
      ? [
          r.model,
          r.status === 'failed' ? 'failed' : 'skipped',
          ...Array<string>(header.length - 2).fill(dash),
        ]
      : [
          r.model,
          formatMs(r.wallMs!),
          formatRange(r.spread.wallMs),
          r.speedup === null ? dash : formatX(r.speedup),
          formatMs(r.cpuMs!),
          r.parallelism!.toFixed(1),
          formatMB(r.peakRssBytes!),
          String(r.workers),
          formatMs(r.startupMs!),
        ],
  );
  return [header, ...rows];
}

/** What the table's columns are, given the repeats. */
export function tableNote(repeat: number): string {
  return repeat === 1
    ? 'one run per model: no spread to judge the differences by'
    : `wall: median of ${repeat} runs, min–max: the fastest and the slowest; speed-up: ratio of medians; the other columns: medians`;
}

/** The Python model that does what each summary column's Node model does. */
const PYTHON_COUNTERPART: Record<string, string | null> = {
  processes: 'ProcessPoolExecutor',
  threads: 'ThreadPoolExecutor',
  asyncio: 'asyncio',
  'asyncio+threads': 'asyncio+ProcessPoolExecutor',
  distributed: null,
};

/**
 * The tutorials' summary table ("core differences"), filled with numbers measured here:
 * Node's models as columns, and under Node's rows, Python's counterparts measured on the
 * same jobs (`ProcessPoolExecutor` under processes, and so on).
 */
export function summaryRows(report: CompareReport): string[][] {
  const columns = ['processes', 'threads', 'asyncio', 'asyncio+threads', 'distributed'];
  const host = report.machine;
  const byKind = (kind: WorkloadKind) => report.workloads.find((w) => w.kind === kind);
  const shown = columns.filter((m) =>
    report.workloads.some((w) => w.results.some((r) => r.model === m && r.status === 'ok')),
  );
  const pick = (side: SideResult | null | undefined, m: string | null) =>
    side?.results.find((r) => r.model === m && r.status === 'ok');
  const x = (r: ModelResult | undefined) => (r?.speedup == null ? dash : formatX(r.speedup));
  // The conclusions' rule: only models clearly ahead of the rest, sequential included.
  const bestAt = (sides: readonly (readonly [string, SideResult | null])[], m: string | null) => {
    const wins = sides.filter(([, side]) => {
      const names = side === null ? null : namedFastest(side.workload.kind, side.results, host);
      return names !== null && m !== null && names.includes(m);
    });
    return wins.length === 0 ? dash : wins.map(([title]) => title).join(', ');
  };
  const speedups = (
    label: string,
    side: (w: WorkloadResult | undefined) => SideResult | null | undefined,
    name: (m: string) => string | null,
  ) =>
    (['cpu', 'io', 'mixed'] as const)
      .filter((kind) => byKind(kind) !== undefined)
      .map((kind) => [
        `${label}${WORKLOAD_TITLES[kind]}: speed-up`,
        ...shown.map((m) => x(pick(side(byKind(kind)), name(m)))),
      ]);
  const rows = [
    ['characteristic (measured)', ...shown],
    ...speedups(
      '',
      (w) => w,
      (m) => m,
    ),
    [
      'CPU time / wall (CPU-bound)',
      ...shown.map((m) => pick(byKind('cpu'), m)?.parallelism?.toFixed(1) ?? dash),
    ],
    [
      'peak memory (I/O-bound)',
      ...shown.map((m) => {
        const r = pick(byKind('io'), m);
        return r?.peakRssBytes == null ? dash : formatMB(r.peakRssBytes);
      }),
    ],
    [
      'clearly fastest at',
      ...shown.map((m) =>
        bestAt(
          report.workloads.map((w) => [w.title, w] as const),
          m,
        ),
      ),
    ],
  ];
  if (report.python.status === 'ok') {
    const counterpart = (m: string) => PYTHON_COUNTERPART[m] ?? null;
    rows.push(
      ['Python here: the counterpart', ...shown.map((m) => counterpart(m) ?? dash)],
      ...speedups('Python here: ', (w) => w?.python, counterpart),
      [
        'Python here: clearly fastest at',
        ...shown.map((m) =>
          bestAt(
            report.workloads.map((w) => [w.title, w.python] as const),
            counterpart(m),
          ),
        ),
      ],
    );
  }
  return rows;
}

/** `text` in lines of at most `width` characters, broken at spaces, each after `indent`. */
export function wrap(text: string, width: number, first: string, indent: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * The whole text report; with `width` (a terminal's columns), the conclusions wrap to it
 * (the tables do not: a table broken across lines is worse than one that overflows).
 */
export function textReport(report: CompareReport, width: number | null = null): string[] {
  const { machine, python } = report;
  const lines = [
    `concur compare — ${machine.cpus} CPU cores (${loadText(machine)} at the start), Node ${machine.node}, ${machine.platform}/${machine.arch}, ${report.options.workers} workers per pool, ${report.options.repeat} ${report.options.repeat === 1 ? 'run' : 'runs'} per model`,
  ];
  if (noIdleCore(machine)) lines.push(`  ${noisyNote(machine)}`);
  lines.push(...modelsMet(report.workloads, (w) => w).map((l) => `  ${l}`));
  lines.push(
    python.status === 'ok'
      ? `  Python ${python.version} (${python.executable}), the same jobs with ${pythonShare(report.options.pythonScale)} the computing:`
      : `  Python: skipped (${python.reason})`,
  );
  lines.push(...modelsMet(report.workloads, (w) => w.python).map((l) => `    ${l}`));
  const conclusion = (text: string, first: string, indent: string) =>
    width === null ? [`${first}${text}`] : wrap(text, width, first, indent);
  for (const workload of report.workloads) {
    lines.push('', `${workload.title}: ${workload.description}`);
    lines.push(...sideLines(workload, report.options.repeat, '  '));
    lines.push(...conclusion(workload.conclusion, '  → ', '    '));
    if (workload.python !== null) {
      lines.push(`  Python: ${workload.python.description}`);
      lines.push(...sideLines(workload.python, report.options.repeat, '    '));
      lines.push(...conclusion(`In CPython, ${workload.python.conclusion}`, '    → ', '      '));
    }
  }
  lines.push('', 'The tutorials’ summary table, measured on this machine:');
  lines.push(...textTable(summaryRows(report)).map((l) => `  ${l}`));
  return lines;
}

/** "a hundredth of", "the same", … */
export function pythonShare(scale: number): string {
  if (scale === 1) return 'the same';
  const inverse = Math.round(1 / scale);
  if (Math.abs(inverse * scale - 1) < 1e-9) {
    const named: Record<number, string> = { 10: 'a tenth of', 100: 'a hundredth of' };
    return named[inverse] ?? `1/${inverse} of`;
  }
  return `${scale}× of`;
}

/** One line per model that ran a workload, saying how it runs jobs. */
function modelsMet(
  workloads: readonly WorkloadResult[],
  side: (w: WorkloadResult) => SideResult | null,
): string[] {
  const how = new Map<string, string>();
  for (const w of workloads) for (const r of side(w)?.results ?? []) how.set(r.model, r.how);
  return [...how].map(([model, text]) => `${model}: ${text}`);
}

/** A side's table, its note and why a model did not run. */
function sideLines(side: SideResult, repeat: number, indent: string): string[] {
  const lines = textTable(resultRows(side)).map((l) => `${indent}${l}`);
  lines.push(`${indent}(${tableNote(repeat)})`);
  for (const r of side.results) {
    if (r.status !== 'ok') {
      lines.push(
        `${indent}(${r.model} ${r.status === 'failed' ? 'failed' : 'skipped'}: ${r.reason})`,
      );
    }
  }
  return lines;
}

/** What a machine with no idle core means for the figures. */
export function noisyNote(host: CompareReport['machine']): string {
  return `The machine is busy (${loadText(host)}, on ${host.cpus} cores): other programs are competing for the cores, so the figures will be noisy (--wait-quiet waits for a calmer machine).`;
}

/** The machine the numbers come from. */
export function machine(busyCores: number | null): CompareReport['machine'] {
  return {
    cpus: availableParallelism(),
    loadAverage: loadavg()[0]!,
    busyCores,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
}
