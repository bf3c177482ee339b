/**
 * The concurrency models `concur compare` measures, one entry each: how it runs a list of
 * jobs and, when it cannot run here, why. Adding a model is adding an entry; every
 * report (table, JSON, trace, HTML) reads the list.
 *
 * @module
 */
import { createTask, gather, run } from '../../asyncio/index.js';
import type { Executor } from '../../futures/Executor.js';
import type { Future } from '../../futures/Future.js';
import { ThreadPoolExecutor } from '../../futures/index.js';
import type { Sample } from './tasks.js';

/** One unit of work, runnable in place or on an executor. */
export interface Job {
  call(): Sample | Promise<Sample>;
  submit(executor: Executor): Future<Sample>;
}

export interface RunOptions {
  /** Pool size of the models that have one. */
  workers: number;
  /** Redis URL of the distributed model. */
  connection: string | null;
  /** Called as each job finishes (progress). */
  onDone: () => void;
}

export interface Model {
  name: ModelName;
  /** How it runs the jobs, for the report. */
  how: string;
  /** Why the model cannot run here, or null when it can. */
  unavailable(options: { connection: string | null }): Promise<string | null>;
  run(jobs: readonly Job[], options: RunOptions): Promise<Sample[]>;
}

export const MODEL_NAMES = [
  'sequential',
  'asyncio',
  'threads',
  'processes',
  'distributed',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Runs every job on `executor`, then shuts it down (cancelling what is left on failure). */
async function runOn(executor: Executor, jobs: readonly Job[], onDone: () => void) {
  let failed = true;
  try {
    const futures = jobs.map((job) => job.submit(executor));
    for (const future of futures) future.addDoneCallback(onDone);
    const samples = await Promise.all(futures);
    failed = false;
    return samples;
  } finally {
    await executor.shutdown({ wait: true, cancelFutures: failed });
  }
}

type ExecutorClass = new (options: Record<string, unknown>) => Executor;

/**
 * An executor class that may not be in this build (the process pool and the distributed
 * executor land separately): looked up by name so the command builds without them.
 */
async function optionalExecutor(specifier: string, name: string): Promise<ExecutorClass | null> {
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
  const found = module[name];
  return typeof found === 'function' ? (found as ExecutorClass) : null;
}

const FUTURES = new URL('../../futures/index.js', import.meta.url).href;
const DISTRIBUTED = new URL('../../distributed/index.js', import.meta.url).href;

async function executorModel(
  specifier: string,
  className: string,
  options: (run: RunOptions) => Record<string, unknown>,
  jobs: readonly Job[],
  run: RunOptions,
): Promise<Sample[]> {
  const Class = await optionalExecutor(specifier, className);
  if (Class === null) throw new Error(`${className} is not in this build of concur`);
  return runOn(new Class(options(run)), jobs, run.onDone);
}

/** Every model, in the order of the report. */
export const MODELS: readonly Model[] = [
  {
    name: 'sequential',
    how: 'one job after the other on the main thread',
    unavailable: async () => null,
    async run(jobs, { onDone }) {
      const samples: Sample[] = [];
      for (const job of jobs) {
        samples.push(await job.call());
        onDone();
      }
      return samples;
    },
  },
  {
    name: 'asyncio',
    how: 'one task per job on one event loop, gathered (concur/asyncio)',
    unavailable: async () => null,
    run: (jobs, { onDone }) =>
      run(() =>
        gather(
          jobs.map((job) =>
            createTask(async () => {
              const sample = await job.call();
              onDone();
              return sample;
            }),
          ),
        ),
      ),
  },
  {
    name: 'threads',
    how: 'ThreadPoolExecutor: worker threads of this process (concur/futures)',
    unavailable: async () => null,
    run: (jobs, { workers, onDone }) =>
      runOn(new ThreadPoolExecutor({ maxWorkers: workers }), jobs, onDone),
  },
  {
    name: 'processes',
    how: 'ProcessPoolExecutor: child processes (concur/futures)',
    unavailable: async () =>
      (await optionalExecutor(FUTURES, 'ProcessPoolExecutor')) === null
        ? 'ProcessPoolExecutor is not in this build of concur yet'
        : null,
    run: (jobs, run) =>
      executorModel(FUTURES, 'ProcessPoolExecutor', (o) => ({ maxWorkers: o.workers }), jobs, run),
  },
  {
    name: 'distributed',
    how: 'DistributedExecutor: workers on Redis (concur/distributed)',
    async unavailable({ connection }) {
      if (connection === null) return 'needs --connection redis://…';
      return (await optionalExecutor(DISTRIBUTED, 'DistributedExecutor')) === null
        ? 'DistributedExecutor is not in this build of concur yet'
        : null;
    },
    run: (jobs, run) =>
      executorModel(
        DISTRIBUTED,
        'DistributedExecutor',
        (o) => ({ connection: o.connection }),
        jobs,
        run,
      ),
  },
];
