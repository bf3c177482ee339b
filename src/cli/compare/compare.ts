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
import { MODELS, type ModelName } from './models.js';
import { progress, tookMs } from './progress.js';
import {
  finishWorkload,
  machine,
  modelResult,
  textReport,
  type CompareReport,
  type ModelResult,
} from './report.js';
import { startRun, type RunHandle } from './runs.js';
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
  /** The models to run (default: all; distributed only with a connection). */
  models: readonly ModelName[];
  connection: string | null;
  json: boolean;
  trace: string | null;
  html: string | null;
  /** How progress shows: a live bar, plain lines, or not at all. */
  progress: 'bar' | 'lines' | 'quiet';
  write(line: string): void;
}

/** Thrown inside the run loop once Ctrl-C stopped the command. */
class Interrupted extends Error {}

export const INTERRUPTED_EXIT_CODE = 130;
const USAGE_EXIT_CODE = 2;

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
    server = await startLatencyServer(options.ioLatencyMs);
    const workloads: Workload[] = [
      { kind: 'cpu', n: options.cpuN, tasks: 4 },
      { kind: 'io', url: server.url, requests: options.ioRequests, latencyMs: options.ioLatencyMs },
    ];
    const traced: TracedRun[] = [];
    const report: CompareReport = {
      command: 'concur compare',
      version: options.version,
      machine: machine(),
      options: {
        cpuN: options.cpuN,
        ioRequests: options.ioRequests,
        ioLatencyMs: options.ioLatencyMs,
        workers: options.workers,
      },
      workloads: [],
    };
    for (const workload of workloads) {
      const title = WORKLOAD_TITLES[workload.kind];
      const results: ModelResult[] = [];
      for (const model of MODELS.filter((m) => options.models.includes(m.name))) {
        const label = `${model.name} · ${title}`;
        const reason = await model.unavailable({ connection: options.connection });
        if (reason !== null) {
          show.skip(label, reason);
          results.push(modelResult(model, { status: 'unavailable', reason }));
          continue;
        }
        show.start(label, jobCount(workload));
        if (interrupted) throw new Interrupted();
        current = startRun(
          { model: model.name, workload, workers: options.workers, connection: options.connection },
          () => show.tick(),
        );
        try {
          const measure = await current.result;
          show.end(tookMs(measure.wallMs));
          results.push(modelResult(model, { measure }));
          traced.push({
            model: model.name,
            workload: title,
            task: workload.kind === 'cpu' ? 'sumSquares' : 'fetchPage',
            measure,
          });
        } catch (error) {
          if (interrupted) throw new Interrupted();
          const reason = error instanceof Error ? error.message : String(error);
          show.end(`failed: ${reason}`);
          results.push(modelResult(model, { status: 'failed', reason }));
        } finally {
          current = null;
        }
      }
      report.workloads.push(finishWorkload(workload, results, report.machine));
    }
    if (interrupted) throw new Interrupted();
    if (options.trace !== null) {
      await writeFile(options.trace, `${JSON.stringify(traceOf(traced))}\n`);
    }
    if (options.html !== null) await writeFile(options.html, htmlReport(report, traced));
    if (options.json) options.write(JSON.stringify(report, null, 2));
    else for (const line of textReport(report)) options.write(line);
    const failed = report.workloads.some((w) => w.results.some((r) => r.status === 'failed'));
    return failed ? 1 : 0;
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    process.stderr.write('\nconcur compare: interrupted; every worker stopped\n');
    return INTERRUPTED_EXIT_CODE;
  } finally {
    process.off('SIGINT', onSigint);
    await server?.close();
  }
}
