/**
 * What `concur compare` found, as data (`--json`), as text tables (the seeds' summary
 * table, measured) and as one-line conclusions drawn from the numbers.
 *
 * @module
 */
import { availableParallelism, loadavg } from 'node:os';

import type { ModelName } from './models.js';
import type { RunMeasure } from './runs.js';
import { leaders, spreadOf, type Spread } from './spread.js';
import type { Sample } from './tasks.js';
import { describeWorkload, WORKLOAD_TITLES, type Workload } from './workloads.js';

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
  model: ModelName;
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

export interface WorkloadResult {
  kind: Workload['kind'];
  title: string;
  description: string;
  workload: Workload;
  results: ModelResult[];
  conclusion: string;
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
  };
  options: {
    cpuN: number;
    ioRequests: number;
    ioLatencyMs: number;
    workers: number;
    repeat: number;
  };
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
  model: { name: ModelName; how: string },
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
export function fastestModels(results: readonly ModelResult[]): ModelName[] | null {
  const ok = measured(results);
  if (ok.length < 2) return null;
  return leaders(ok, (r) => r.spread.wallMs)?.map((r) => r.model) ?? null;
}

/** Fills in speed-ups over sequential and the conclusion. */
export function finishWorkload(
  workload: Workload,
  results: ModelResult[],
  host: CompareReport['machine'],
): WorkloadResult {
  const sequential = results.find((r) => r.model === 'sequential' && r.wallMs !== null);
  for (const r of results) {
    if (r.wallMs !== null && sequential?.wallMs != null) r.speedup = sequential.wallMs / r.wallMs;
  }
  return {
    kind: workload.kind,
    title: WORKLOAD_TITLES[workload.kind],
    description: describeWorkload(workload),
    workload,
    results,
    conclusion: conclude(workload.kind, results, host),
  };
}

export const formatMs = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
export const formatX = (x: number): string => `${x.toFixed(x < 0.095 ? 2 : x < 10 ? 1 : 0)}×`;
export const formatMB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const PARALLEL: readonly ModelName[] = ['threads', 'processes', 'distributed'];

const listed = (names: readonly string[]): string =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * One sentence from the numbers: who won, by how much, and why in Node's terms — or, when
 * the runs' spread is as large as the differences, that nothing can be told apart here.
 */
function conclude(
  kind: Workload['kind'],
  results: readonly ModelResult[],
  host: CompareReport['machine'],
): string {
  const all = measured(results);
  const ok = all.filter((r) => r.model !== 'sequential');
  if (ok.length === 0) return 'nothing to compare: only the sequential run finished';
  const sequentialRun = all.find((r) => r.model === 'sequential');
  const names = fastestModels(all);
  const group = all.filter((r) => names?.includes(r.model));
  const best = group[0] ?? null;
  let parts: string[];
  if (names === null) {
    parts = [
      `the models are indistinguishable on this machine: every model's runs overlap another's (medians ${ok
        .map((r) => `${r.model} ${formatX(r.speedup)}`)
        .join(
          ', ',
        )} sequential); their differences are within the noise, so none is named — try again on a quieter machine or with more --repeat`,
    ];
    let text = `${parts[0]}.`;
    if (kind === 'cpu') text += busyNote(ok, sequentialRun, host);
    return text;
  }
  if (names.includes('sequential') && kind === 'cpu' && host.loadAverage >= host.cpus) {
    // Pools exist to use idle cores; with none idle, losing to sequential ranks nothing,
    // and naming sequential here would contradict a quiet run that names a pool.
    return `no model was clearly faster than sequential, but the load average was ${host.loadAverage.toFixed(1)} on ${host.cpus} cores: the pools had no idle core to use, so this run cannot rank them (medians ${ok
      .map((r) => `${r.model} ${formatX(r.speedup)}`)
      .join(', ')} sequential) — measure again on a quieter machine (--wait-quiet).`;
  }
  if (names.includes('sequential')) {
    parts = [
      names.length === 1
        ? // On a saturated machine the pools lost to the load, not to their start-up.
          ok.some((r) => PARALLEL.includes(r.model)) && host.loadAverage < host.cpus
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
  if (kind === 'cpu') {
    const spreadOut = group.find((r) => PARALLEL.includes(r.model) && (r.parallelism ?? 0) > 1.3);
    if (spreadOut !== undefined && !names.includes('sequential')) {
      parts[0] += ` with ${formatX(spreadOut.parallelism!)} as much CPU time as wall time: JavaScript ran on several cores at once (Node has no GIL)`;
    }
  } else if (lead?.model === 'asyncio') {
    parts[0] += ' on one thread: a task that waits holds no thread';
  }
  const lightest = ok.reduce((a, b) => (b.peakRssBytes < a.peakRssBytes ? b : a));
  for (const r of ok) {
    if (group.includes(r)) continue;
    let part = `${r.model} ${formatX(r.speedup)}`;
    if (PARALLEL.includes(r.model) && r.startupMs !== null && r.startupMs > 0.2 * r.wallMs) {
      part += ` (${formatMs(r.startupMs)} of it starting workers)`;
    }
    if (kind === 'cpu' && r.model === 'asyncio' && r.speedup < 1.2) {
      part += ' (one event loop computes one thing at a time)';
    } else if (r !== lightest && r.peakRssBytes > 1.5 * lightest.peakRssBytes) {
      part += ` for ${formatX(r.peakRssBytes / lightest.peakRssBytes)} the memory of ${lightest.model}`;
    }
    parts.push(part);
  }
  let text = parts.length === 1 ? `${parts[0]}.` : `${parts[0]}; ${parts.slice(1).join(', ')}.`;
  // A compute loop alone on a core shows CPU/wall ≈ 1: less means other programs took turns.
  if (kind === 'cpu') text += busyNote(ok, sequentialRun, host);
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
): string {
  const share = sequential?.parallelism;
  if (share != null && share < 0.85) {
    return ` (The machine was busy: the sequential run got ${share.toFixed(1)} of a core.)`;
  }
  const pools = others.filter((r) => PARALLEL.includes(r.model));
  const spread = Math.max(0, ...pools.map((r) => r.parallelism ?? 0));
  if (pools.length > 0 && host.cpus > 1 && spread < 1.3 && host.loadAverage >= 0.75) {
    return ` (The load average was ${host.loadAverage.toFixed(1)} on ${host.cpus} cores when it started: other programs held the cores the pools needed.)`;
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
export function resultRows(workload: WorkloadResult): string[][] {
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
  const rows = workload.results.map((r) =>
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

/** The seeds' "applicable scenarios" row (seeds 000/001), for the models they cover. */
const SEEDS_SAY: Record<ModelName, string> = {
  sequential: dash,
  asyncio: 'high-concurrency I/O',
  threads: 'I/O-bound (GIL)',
  processes: 'CPU-bound',
  distributed: dash,
};

/** The seeds' summary table (seed 000's "core differences"), filled with measured numbers. */
export function summaryRows(report: CompareReport): string[][] {
  const models: ModelName[] = ['processes', 'threads', 'asyncio', 'distributed'];
  const cpu = report.workloads.find((w) => w.kind === 'cpu');
  const io = report.workloads.find((w) => w.kind === 'io');
  const shown = models.filter((m) =>
    report.workloads.some((w) => w.results.some((r) => r.model === m && r.status === 'ok')),
  );
  const pick = (w: WorkloadResult | undefined, m: ModelName) =>
    w?.results.find((r) => r.model === m && r.status === 'ok');
  const x = (r: ModelResult | undefined) =>
    r?.speedup == null ? dash : `${formatX(r.speedup)} sequential`;
  // The conclusions' rule: only models clearly ahead of the rest, sequential included.
  const bestAt = (m: ModelName): string => {
    const wins = report.workloads.filter((w) => {
      const names = fastestModels(w.results);
      return names !== null && names.includes(m) && !names.includes('sequential');
    });
    return wins.length === 0 ? dash : wins.map((w) => w.title).join(', ');
  };
  return [
    ['characteristic (measured)', ...shown],
    ['CPU-bound speed-up', ...shown.map((m) => x(pick(cpu, m)))],
    [
      'CPU time / wall (CPU-bound)',
      ...shown.map((m) => pick(cpu, m)?.parallelism?.toFixed(1) ?? dash),
    ],
    ['I/O-bound speed-up', ...shown.map((m) => x(pick(io, m)))],
    [
      'peak memory (I/O-bound)',
      ...shown.map((m) => {
        const r = pick(io, m);
        return r?.peakRssBytes == null ? dash : formatMB(r.peakRssBytes);
      }),
    ],
    ['the seeds say (Python): for', ...shown.map((m) => SEEDS_SAY[m])],
    ['measured here: clearly fastest at', ...shown.map(bestAt)],
  ];
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
  const { machine } = report;
  const lines = [
    `concur compare — ${machine.cpus} CPU cores (load average ${machine.loadAverage.toFixed(1)} at the start), Node ${machine.node}, ${machine.platform}/${machine.arch}, ${report.options.workers} workers per pool, ${report.options.repeat} ${report.options.repeat === 1 ? 'run' : 'runs'} per model`,
  ];
  if (machine.loadAverage > machine.cpus) lines.push(`  ${noisyNote(machine)}`);
  for (const { model, how } of report.workloads[0]?.results ?? []) {
    lines.push(`  ${model}: ${how}`);
  }
  for (const workload of report.workloads) {
    lines.push('', `${workload.title}: ${workload.description}`);
    lines.push(...textTable(resultRows(workload)).map((l) => `  ${l}`));
    lines.push(`  (${tableNote(report.options.repeat)})`);
    for (const r of workload.results) {
      if (r.status !== 'ok')
        lines.push(`  (${r.model} ${r.status === 'failed' ? 'failed' : 'skipped'}: ${r.reason})`);
    }
    lines.push(
      ...(width === null
        ? [`  → ${workload.conclusion}`]
        : wrap(workload.conclusion, width, '  → ', '    ')),
    );
  }
  lines.push('', "The seeds' summary table, measured on this machine:");
  lines.push(...textTable(summaryRows(report)).map((l) => `  ${l}`));
  return lines;
}

/** What a load above the core count means for the figures. */
export function noisyNote(host: CompareReport['machine']): string {
  return `The load average (${host.loadAverage.toFixed(1)}) is above the ${host.cpus} cores: other programs are competing for them, so the figures will be noisy (--wait-quiet waits for a calmer machine).`;
}

/** The machine the numbers come from. */
export function machine(): CompareReport['machine'] {
  return {
    cpus: availableParallelism(),
    loadAverage: loadavg()[0]!,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
}
