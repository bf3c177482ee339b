/**
 * What `concur compare` found, as data: the shape of its JSON report (docs/compare-json.md)
 * and the results each run adds to it. The conclusions drawn from the numbers are in
 * verdicts.ts, the terminal's tables in text.ts.
 *
 * @module
 */
import { availableParallelism, cpus, loadavg } from 'node:os';

import type { PythonFound } from './python.js';
import type { RunMeasure } from './runs.js';
import { spreadOf, type Spread } from './spread.js';
import type { Sample } from './tasks.js';
import type { Workload } from './workloads.js';

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

export type Runtime = 'node' | 'python';

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
