/**
 * What `concur compare` found, as data (`--json`), as text tables (the seeds' summary
 * table, measured) and as one-line conclusions drawn from the numbers.
 *
 * @module
 */
import { availableParallelism, loadavg } from 'node:os';

import type { ModelName } from './models.js';
import type { RunMeasure } from './runs.js';
import type { Sample } from './tasks.js';
import { describeWorkload, WORKLOAD_TITLES, type Workload } from './workloads.js';

/** One model on one workload. Numbers are null when the model did not run. */
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
  options: { cpuN: number; ioRequests: number; ioLatencyMs: number; workers: number };
  workloads: WorkloadResult[];
}

/** The thread or process a sample ran on, as a track name. */
export function workerOf(sample: Sample, runnerPid: number): string {
  if (sample.pid !== runnerPid) return `process ${sample.pid}`;
  return sample.thread === 0 ? 'main thread' : `thread ${sample.thread}`;
}

/** A model's result from its run (or from why it did not run). */
export function modelResult(
  model: { name: ModelName; how: string },
  outcome: { measure: RunMeasure } | { status: 'unavailable' | 'failed'; reason: string },
): ModelResult {
  if (!('measure' in outcome)) {
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
    };
  }
  const { measure } = outcome;
  return {
    model: model.name,
    how: model.how,
    status: 'ok',
    reason: null,
    wallMs: measure.wallMs,
    speedup: null,
    cpuMs: measure.cpuMs,
    parallelism: measure.cpuMs / measure.wallMs,
    startupMs: Math.max(0, Math.min(...measure.samples.map((s) => s.start)) - measure.startedAt),
    peakRssBytes: measure.peakRssBytes,
    workers: new Set(measure.samples.map((s) => workerOf(s, measure.pid))).size,
    tasks: measure.samples.length,
    answers: [...new Set(measure.samples.map((s) => s.value))],
  };
}

type Measured = ModelResult & { wallMs: number; speedup: number; peakRssBytes: number };

function measured(results: readonly ModelResult[]): Measured[] {
  return results.filter((r): r is Measured => r.status === 'ok' && r.speedup !== null);
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

/** One sentence from the numbers: who won, by how much, and why in Node's terms. */
function conclude(
  kind: Workload['kind'],
  results: readonly ModelResult[],
  host: CompareReport['machine'],
): string {
  const all = measured(results);
  const ok = all.filter((r) => r.model !== 'sequential');
  if (ok.length === 0) return 'nothing to compare: only the sequential run finished';
  const fastest = all.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  // Within 5% of sequential is a tie, and a tie goes to the simplest model.
  const sequentialRun = all.find((r) => r.model === 'sequential');
  const best =
    sequentialRun !== undefined && fastest.wallMs * 1.05 >= sequentialRun.wallMs
      ? sequentialRun
      : fastest;
  const parts = [
    best.model !== 'sequential'
      ? `${best.model} was fastest, ${formatX(best.speedup)} sequential`
      : ok.some((r) => PARALLEL.includes(r.model))
        ? 'nothing beat sequential by 5%: at this size, starting workers costs more than they save'
        : 'nothing beat sequential by 5%',
  ];
  if (kind === 'cpu') {
    if (PARALLEL.includes(best.model) && (best.parallelism ?? 0) > 1.3) {
      parts[0] += ` with ${formatX(best.parallelism!)} as much CPU time as wall time: JavaScript ran on several cores at once (Node has no GIL)`;
    }
  } else if (best.model === 'asyncio') {
    parts[0] += ' on one thread: a task that waits holds no thread';
  }
  const lightest = ok.reduce((a, b) => (b.peakRssBytes < a.peakRssBytes ? b : a));
  for (const r of ok) {
    if (r === best) continue;
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

/** The per-workload table rows (header first). */
export function resultRows(workload: WorkloadResult): string[][] {
  const header = [
    'model',
    'wall',
    'speed-up',
    'CPU time',
    'CPU/wall',
    'peak memory',
    'workers',
    'first task at',
  ];
  const rows = workload.results.map((r) =>
    r.status !== 'ok'
      ? [r.model, r.status === 'failed' ? 'failed' : 'skipped', dash, dash, dash, dash, dash, dash]
      : [
          r.model,
          formatMs(r.wallMs!),
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
  const bestAt = (m: ModelName): string => {
    const wins = report.workloads.filter((w) => {
      const ok = measured(w.results);
      const fastest = Math.min(...ok.map((r) => r.wallMs));
      const mine = ok.find((r) => r.model === m);
      return mine !== undefined && mine.wallMs <= fastest * 1.1;
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
    ['measured here: fastest (±10%) at', ...shown.map(bestAt)],
  ];
}

/** The whole text report. */
export function textReport(report: CompareReport): string[] {
  const { machine } = report;
  const lines = [
    `concur compare — ${machine.cpus} CPU cores (load average ${machine.loadAverage.toFixed(1)} at the start), Node ${machine.node}, ${machine.platform}/${machine.arch}, ${report.options.workers} workers per pool`,
  ];
  for (const { model, how } of report.workloads[0]?.results ?? []) {
    lines.push(`  ${model}: ${how}`);
  }
  for (const workload of report.workloads) {
    lines.push('', `${workload.title}: ${workload.description}`);
    lines.push(...textTable(resultRows(workload)).map((l) => `  ${l}`));
    for (const r of workload.results) {
      if (r.status !== 'ok')
        lines.push(`  (${r.model} ${r.status === 'failed' ? 'failed' : 'skipped'}: ${r.reason})`);
    }
    lines.push(`  → ${workload.conclusion}`);
  }
  lines.push('', "The seeds' summary table, measured on this machine:");
  lines.push(...textTable(summaryRows(report)).map((l) => `  ${l}`));
  return lines;
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
