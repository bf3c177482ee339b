/**
 * `concur compare`: the tutorials' workloads under every model, measured here — Node's
 * models, then CPython's on the same jobs when a `python3` is found — one run at a time in
 * a fresh process (runs.ts, python.ts), then reported as text, JSON, a trace and HTML.
 *
 * Ctrl-C (SIGINT) kills the current run's process group — its threads and pool processes
 * with it — closes the local servers and exits 130.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';

import { htmlReport } from './html.js';
import { busyCores, waitQuiet } from './load.js';
import { MODELS, type ModelName } from './models.js';
import { progress, tookMs, type Overall } from './progress.js';
import {
  findPython,
  PYTHON_MODELS,
  pythonWorkload,
  startPythonRun,
  type PythonFound,
} from './python.js';
import {
  machine,
  modelResult,
  repeatResult,
  type CompareReport,
  type CompareSizes,
  type RepeatResult,
  type Runtime,
  type SideResult,
} from './report.js';
import { textReport } from './text.js';
import { finishSide, finishWorkload, loadText, noIdleCore, noisyNote } from './verdicts.js';
import { startRun, type RunHandle, type RunMeasure } from './runs.js';
import { repeatOrder } from './spread.js';
import { startLatencyServer, type LatencyServer } from './server.js';
import { traceOf, type TracedRun } from './trace.js';
import { jobCount, WORKLOAD_TITLES, type Workload, type WorkloadKind } from './workloads.js';

export interface CompareOptions extends CompareSizes {
  version: string;
  /** The command line, for the reports. */
  argv: readonly string[];
  /** With a number, wait up to that many ms for the load to drop below the core count. */
  waitQuietMs: number | null;
  /** The models to run (default: all; distributed only with a connection). */
  models: readonly ModelName[];
  connection: string | null;
  /** The Python interpreter: false for none, null for `python3` on the PATH. */
  python: string | null | false;
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

/** One runtime's models and how a run of one starts. */
interface Side {
  runtime: Runtime;
  models: readonly { name: string; how: string; kinds: readonly WorkloadKind[] }[];
  /** Why a model cannot run here, or null. */
  unavailable: ReadonlyMap<string, string | null>;
  /** The workload as this runtime runs it. */
  workload(workload: Workload): Workload;
  start(model: string, workload: Workload, onProgress: () => void): RunHandle;
}

/** What the runs of one side on one workload gave. */
interface Measured {
  side: SideResult;
  traced: TracedRun[];
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
  const servers: LatencyServer[] = [];
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
    const startedAt = new Date().toISOString();
    const host = machine(await busyCores());
    if (noIdleCore(host)) show.note(`concur compare: ${noisyNote(host)}`);
    else show.note(`concur compare: ${loadText(host)} on ${host.cpus} cores`);
    const python: PythonFound =
      options.python === false
        ? { status: 'skipped', reason: '--no-python' }
        : await findPython(options.python);
    if (python.status === 'skipped' && options.python !== false) {
      show.note(`concur compare: the Python rows are skipped: ${python.reason}`);
    }
    const ioServer = await startLatencyServer(options.ioLatencyMs);
    servers.push(ioServer);
    const mixedServer = await startLatencyServer(options.mixedLatencyMs);
    servers.push(mixedServer);
    const workloads: Workload[] = [
      { kind: 'cpu', n: options.cpuN, tasks: 4 },
      {
        kind: 'io',
        url: ioServer.url,
        requests: options.ioRequests,
        latencyMs: options.ioLatencyMs,
      },
      {
        kind: 'mixed',
        url: mixedServer.url,
        pages: options.mixedPages,
        latencyMs: options.mixedLatencyMs,
        rounds: options.mixedRounds,
      },
    ];
    const chosen = MODELS.filter((m) => options.models.includes(m.name));
    const unavailable = new Map<string, string | null>();
    for (const model of chosen) {
      unavailable.set(model.name, await model.unavailable({ connection: options.connection }));
    }
    const sides: Side[] = [
      {
        runtime: 'node',
        models: chosen,
        unavailable,
        workload: (w) => w,
        start: (model, workload, onProgress) =>
          startRun(
            {
              model: model as ModelName,
              workload,
              workers: options.workers,
              connection: options.connection,
            },
            onProgress,
          ),
      },
    ];
    if (python.status === 'ok') {
      sides.push({
        runtime: 'python',
        models: PYTHON_MODELS,
        unavailable: new Map(),
        workload: (w) => pythonWorkload(w, options.pythonScale),
        start: (model, workload, onProgress) =>
          startPythonRun(
            python.executable,
            { model, workload, workers: options.workers },
            onProgress,
          ),
      });
    }
    const report: CompareReport = {
      schemaVersion: 1,
      command: 'concur compare',
      version: options.version,
      startedAt,
      argv: [...options.argv],
      machine: host,
      options: {
        cpuN: options.cpuN,
        ioRequests: options.ioRequests,
        ioLatencyMs: options.ioLatencyMs,
        mixedPages: options.mixedPages,
        mixedLatencyMs: options.mixedLatencyMs,
        mixedRounds: options.mixedRounds,
        workers: options.workers,
        repeat: options.repeat,
        pythonScale: options.pythonScale,
      },
      python,
      workloads: [],
    };
    const runnable = (side: Side, workload: Workload) =>
      side.models.filter(
        (m) => m.kinds.includes(workload.kind) && side.unavailable.get(m.name) == null,
      );
    const keyOf = (side: Side, model: string, workload: Workload) =>
      `${side.runtime === 'python' ? 'Python ' : ''}${model} · ${WORKLOAD_TITLES[workload.kind]}`;
    const eta = estimator(
      workloads.flatMap((w) =>
        sides.flatMap((side) =>
          runnable(side, w).flatMap((m) =>
            Array<string>(options.repeat).fill(keyOf(side, m.name, w)),
          ),
        ),
      ),
    );

    /** Every run of one side's models on `workload`, `options.repeat` times each. */
    const measureSide = async (side: Side, workload: Workload): Promise<Measured> => {
      const models = side.models.filter((m) => m.kinds.includes(workload.kind));
      const toRun = runnable(side, workload);
      const runs = new Map<string, { measures: RunMeasure[]; repeats: RepeatResult[] }>(
        toRun.map((m) => [m.name, { measures: [], repeats: [] }]),
      );
      const failures = new Map<string, string>();
      let order = 0;
      for (let repeat = 0; repeat < options.repeat; repeat++) {
        for (const model of repeatOrder(toRun, repeat)) {
          if (failures.has(model.name)) continue;
          const key = keyOf(side, model.name, workload);
          const label = options.repeat === 1 ? key : `${key} #${repeat + 1}`;
          show.start(label, jobCount(workload), eta.next(key));
          if (interrupted) throw new Interrupted();
          current = side.start(model.name, workload, () => show.tick());
          const runStart = performance.now();
          try {
            const measure = await current.result;
            eta.took(key, performance.now() - runStart);
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
      for (const model of models) {
        const reason = side.unavailable.get(model.name);
        if (reason != null) show.skip(keyOf(side, model.name, workload), reason);
      }
      const results = models.map((model) => {
        const reason = side.unavailable.get(model.name);
        if (reason != null) return modelResult(model, { status: 'unavailable', reason });
        const failure = failures.get(model.name);
        if (failure !== undefined) return modelResult(model, { status: 'failed', reason: failure });
        return modelResult(model, runs.get(model.name)!);
      });
      // The timeline and trace show each model's median run: the one the table stands for.
      const traced: TracedRun[] = [];
      for (const model of toRun) {
        const measures = runs.get(model.name)!.measures;
        if (failures.has(model.name) || measures.length === 0) continue;
        const byWall = [...measures].sort((a, b) => a.wallMs - b.wallMs);
        traced.push({
          runtime: side.runtime,
          model: model.name,
          workload: WORKLOAD_TITLES[workload.kind],
          task: TASK_NAMES[workload.kind],
          measure: byWall[Math.floor((byWall.length - 1) / 2)]!,
        });
      }
      return { side: finishSide(workload, results, host, side.runtime), traced };
    };

    const traced: TracedRun[] = [];
    for (const workload of workloads) {
      const [node, python] = [
        await measureSide(sides[0]!, workload),
        sides[1] === undefined ? null : await measureSide(sides[1], sides[1].workload(workload)),
      ];
      traced.push(...node.traced, ...(python?.traced ?? []));
      report.workloads.push(finishWorkload(workload, node.side, python?.side ?? null));
    }
    if (interrupted) throw new Interrupted();
    if (options.trace !== null) {
      await writeFile(options.trace, `${JSON.stringify(traceOf(traced))}\n`);
    }
    if (options.html !== null) await writeFile(options.html, htmlReport(report, traced));
    if (options.json) options.write(JSON.stringify(report, null, 2));
    else for (const line of textReport(report, options.width)) options.write(line);
    const failed = report.workloads.some((w) =>
      [...w.results, ...(w.python?.results ?? [])].some((r) => r.status === 'failed'),
    );
    return failed ? 1 : 0;
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    process.stderr.write('\nconcur compare: interrupted; every worker stopped\n');
    return INTERRUPTED_EXIT_CODE;
  } finally {
    show.close();
    process.off('SIGINT', onSigint);
    await Promise.all(servers.map((s) => s.close()));
  }
}

/** The task each workload's slices are named after in the trace. */
const TASK_NAMES = { cpu: 'sumSquares', io: 'fetchPage', mixed: 'fetchAndDigest' } as const;
