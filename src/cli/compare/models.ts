/**
 * The concurrency models `concur compare` measures, one entry each: how it runs a list of
 * jobs and, when it cannot run here, why. Adding a model is adding an entry; every
 * report (table, JSON, trace, HTML) reads the list.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';

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

/** What the distributed model uses of `concur/distributed`. */
interface DistributedModule {
  DistributedExecutor: ExecutorClass;
  runWorker(options: {
    connection: string;
    queue: string;
    tasks: string[];
    concurrency: number;
    handleSignals: boolean;
  }): Promise<{ close(): Promise<void> }>;
}

/**
 * A module that may not be in this build (the process pool and the distributed executor
 * land separately): loaded by URL so that the command builds without them.
 */
async function optionalModule(specifier: string): Promise<Record<string, unknown> | null> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
}

const FUTURES = new URL('../../futures/index.js', import.meta.url).href;
const DISTRIBUTED = new URL('../../distributed/index.js', import.meta.url).href;
/** The workload tasks, for the distributed workers to import. */
const TASKS = fileURLToPath(new URL('./tasks.js', import.meta.url));

async function processPool(): Promise<ExecutorClass | null> {
  const found = (await optionalModule(FUTURES))?.['ProcessPoolExecutor'];
  return typeof found === 'function' ? (found as ExecutorClass) : null;
}

async function distributed(): Promise<DistributedModule | null> {
  const module = await optionalModule(DISTRIBUTED);
  return typeof module?.['DistributedExecutor'] === 'function' &&
    typeof module['runWorker'] === 'function'
    ? (module as unknown as DistributedModule)
    : null;
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
      (await processPool()) === null
        ? 'ProcessPoolExecutor is not in this build of concur yet'
        : null,
    async run(jobs, { workers, onDone }) {
      const ProcessPoolExecutor = await processPool();
      if (ProcessPoolExecutor === null) throw new Error('ProcessPoolExecutor is not in this build');
      return runOn(new ProcessPoolExecutor({ maxWorkers: workers }), jobs, onDone);
    },
  },
  {
    name: 'distributed',
    how: 'DistributedExecutor: every task through Redis to a worker this run starts (concur/distributed)',
    async unavailable({ connection }) {
      if (connection === null) return 'needs --connection redis://…';
      return (await distributed()) === null
        ? 'DistributedExecutor is not in this build of concur yet'
        : null;
    },
    async run(jobs, { workers, connection, onDone }) {
      const module = await distributed();
      if (module === null || connection === null) throw new Error('no distributed executor');
      // A queue of its own, so that no other worker takes these jobs and none are left over.
      const queue = `concur-compare-${process.pid}`;
      const worker = await module.runWorker({
        connection,
        queue,
        tasks: [TASKS],
        concurrency: workers,
        handleSignals: false,
      });
      try {
        return await runOn(new module.DistributedExecutor({ connection, queue }), jobs, onDone);
      } finally {
        await worker.close();
      }
    },
  },
];
