/**
 * `concur compare`: the seeds' workloads under every model, measured here, one run at a
 * time in a fresh process (runs.ts), then reported as text, JSON, a trace and HTML.
 *
 * Ctrl-C (SIGINT) kills the current run's process group — its threads and pool processes
 * with it — closes the local server and exits 130.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';

import { htmlReport } from './html.js';
import { waitQuiet } from './load.js';
import { MODELS, type Model, type ModelName } from './models.js';
import { progress, tookMs, type Overall } from './progress.js';
import {
  finishWorkload,
  machine,
  modelResult,
  noisyNote,
  repeatResult,
  textReport,
  type CompareReport,
  type ModelResult,
  type RepeatResult,
} from './report.js';
import { startRun, type RunHandle, type RunMeasure } from './runs.js';
import { repeatOrder } from './spread.js';
import { startLatencyServer, type LatencyServer } from './server.js';
import { traceOf, type TracedRun } from './trace.js';
import { jobCount, WORKLOAD_TITLES, type Workload } from './workloads.js';

export interface CompareOptions {
  version: string;
  /** Each of the four sums of squares adds n² for n below this. */
  cpuN: number;
  ioRequests: number;
  ioLatencyMs: number;
  workers: number;
  /** Runs per model, in alternating order (A B C D, D C B A, …). */
  repeat: number;
  /** With a number, wait up to that many ms for the load to drop below the core count. */
  waitQuietMs: number | null;
  /** The models to run (default: all; distributed only with a connection). */
  models: readonly ModelName[];
  connection: string | null;
  json: boolean;
  trace: string | null;
  html: string | null;
  /** The terminal's width the conclusions wrap to, or null (not a terminal: one line each). */
  width: number | null;
  /** How progress shows: a live bar, plain lines, or not at all. */
  progress: 'bar' | 'lines' | 'quiet';
  write(line: string): void;
}

/** Thrown inside the run loop once Ctrl-C stopped the command. */
class Interrupted extends Error {}

export const INTERRUPTED_EXIT_CODE = 130;
const USAGE_EXIT_CODE = 2;

/** A model's result from its runs: failed if any run failed, skipped if it could not run. */
function resultOf(
  model: Model,
  unavailable: string | null,
  failure: string | undefined,
  runs: ReadonlyMap<ModelName, { measures: RunMeasure[]; repeats: RepeatResult[] }>,
): ModelResult {
  if (unavailable !== null)
    return modelResult(model, { status: 'unavailable', reason: unavailable });
  if (failure !== undefined) return modelResult(model, { status: 'failed', reason: failure });
  return modelResult(model, runs.get(model.name)!);
}

/**
 * The time left, from the runs so far: `plan` lists every run to come, by model and
 * workload; each is guessed to take as long as that model's earlier repeats on that
 * workload, or, before its first, as long as the average run so far.
 */
function estimator(plan: readonly string[]) {
  const took = new Map<string, number[]>();
  let left = [...plan];
  let started = 0;
  let runs = plan.length;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    /** The run of `key` starts (the plan's next): where it stands. */
    next(key: string): Overall {
      started++;
      const index = left.indexOf(key);
      if (index >= 0) left.splice(index, 1);
      const all = [...took.values()].flat();
      if (all.length === 0) return { run: started, runs, leftMs: null };
      const guess = (k: string) => mean(took.get(k) ?? all);
      const leftMs = guess(key) + left.reduce((sum, k) => sum + guess(k), 0);
      return { run: started, runs, leftMs };
    },
    took(key: string, ms: number) {
      took.set(key, [...(took.get(key) ?? []), ms]);
    },
    /** `key` failed: its remaining repeats will not run. */
    drop(key: string) {
      runs -= left.filter((k) => k === key).length;
      left = left.filter((k) => k !== key);
    },
  };
}

/** Runs the comparison; resolves to the exit code. */
export async function compare(options: CompareOptions): Promise<number> {
  const show = progress(options.progress);
  let current: RunHandle | null = null;
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    current?.kill();
  };
  process.on('SIGINT', onSigint);
  let server: LatencyServer | null = null;
  try {
    // A report file that cannot be written fails now, not after the whole run.
    for (const [option, file] of [
      ['--trace', options.trace],
      ['--html', options.html],
    ] as const) {
      if (file === null) continue;
      try {
        await writeFile(file, '');
      } catch (error) {
        process.stderr.write(
          `concur: cannot write the ${option} file: ${(error as Error).message}\n`,
        );
        return USAGE_EXIT_CODE;
      }
    }
    if (options.waitQuietMs !== null) {
      show.note(`concur compare: ${(await waitQuiet(options.waitQuietMs)).message}`);
    }
    const host = machine();
    if (host.loadAverage > host.cpus) show.note(`concur compare: ${noisyNote(host)}`);
    else {
      show.note(
        `concur compare: load average ${host.loadAverage.toFixed(1)} on ${host.cpus} cores`,
      );
    }
    server = await startLatencyServer(options.ioLatencyMs);
    const workloads: Workload[] = [
      { kind: 'cpu', n: options.cpuN, tasks: 4 },
      { kind: 'io', url: server.url, requests: options.ioRequests, latencyMs: options.ioLatencyMs },
    ];
    const traced: TracedRun[] = [];
    const report: CompareReport = {
      schemaVersion: 1,
      command: 'concur compare',
      version: options.version,
      machine: host,
      options: {
        cpuN: options.cpuN,
        ioRequests: options.ioRequests,
        ioLatencyMs: options.ioLatencyMs,
        workers: options.workers,
        repeat: options.repeat,
      },
      workloads: [],
    };
    const chosen = MODELS.filter((m) => options.models.includes(m.name));
    const available = new Map<ModelName, string | null>();
    for (const model of chosen) {
      available.set(model.name, await model.unavailable({ connection: options.connection }));
    }
    const runnable = chosen.filter((m) => available.get(m.name) === null);
    const eta = estimator(
      workloads.flatMap((w) =>
        Array.from({ length: options.repeat * runnable.length }, (_, i) => {
          const model = runnable[i % runnable.length]!;
          return `${model.name} · ${WORKLOAD_TITLES[w.kind]}`;
        }),
      ),
    );
    for (const workload of workloads) {
      const title = WORKLOAD_TITLES[workload.kind];
      const runs = new Map<ModelName, { measures: RunMeasure[]; repeats: RepeatResult[] }>(
        runnable.map((m) => [m.name, { measures: [], repeats: [] }]),
      );
      const failures = new Map<ModelName, string>();
      let order = 0;
      for (let repeat = 0; repeat < options.repeat; repeat++) {
        for (const model of repeatOrder(runnable, repeat)) {
          if (failures.has(model.name)) continue;
          const label =
            options.repeat === 1
              ? `${model.name} · ${title}`
              : `${model.name} · ${title} #${repeat + 1}`;
          const key = `${model.name} · ${title}`;
          show.start(label, jobCount(workload), eta.next(key));
          if (interrupted) throw new Interrupted();
          current = startRun(
            {
              model: model.name,
              workload,
              workers: options.workers,
              connection: options.connection,
            },
            () => show.tick(),
          );
          const startedAt = performance.now();
          try {
            const measure = await current.result;
            eta.took(key, performance.now() - startedAt);
            show.end(tookMs(measure.wallMs));
            const mine = runs.get(model.name)!;
            mine.measures.push(measure);
            mine.repeats.push(repeatResult(measure, order));
          } catch (error) {
            if (interrupted) throw new Interrupted();
            const reason = error instanceof Error ? error.message : String(error);
            show.end(`failed: ${reason}`);
            // Its other repeats would fail alike; the estimate no longer counts them.
            failures.set(model.name, reason);
            eta.drop(key);
          } finally {
            current = null;
          }
          order++;
        }
      }
      const results: ModelResult[] = chosen.map((model) =>
        resultOf(model, available.get(model.name) ?? null, failures.get(model.name), runs),
      );
      for (const model of chosen) {
        const reason = available.get(model.name);
        if (reason != null) show.skip(`${model.name} · ${title}`, reason);
      }
      // The timeline and trace show each model's median run: the one the table stands for.
      for (const model of runnable) {
        const measures = runs.get(model.name)!.measures;
        if (failures.has(model.name) || measures.length === 0) continue;
        const byWall = [...measures].sort((a, b) => a.wallMs - b.wallMs);
        traced.push({
          model: model.name,
          workload: title,
          task: workload.kind === 'cpu' ? 'sumSquares' : 'fetchPage',
          measure: byWall[Math.floor((byWall.length - 1) / 2)]!,
        });
      }
      report.workloads.push(finishWorkload(workload, results, report.machine));
    }
    if (interrupted) throw new Interrupted();
    if (options.trace !== null) {
      await writeFile(options.trace, `${JSON.stringify(traceOf(traced))}\n`);
    }
    if (options.html !== null) await writeFile(options.html, htmlReport(report, traced));
    if (options.json) options.write(JSON.stringify(report, null, 2));
    else for (const line of textReport(report, options.width)) options.write(line);
    const failed = report.workloads.some((w) => w.results.some((r) => r.status === 'failed'));
    return failed ? 1 : 0;
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    process.stderr.write('\nconcur compare: interrupted; every worker stopped\n');
    return INTERRUPTED_EXIT_CODE;
  } finally {
    show.close();
    process.off('SIGINT', onSigint);
    await server?.close();
  }
}
