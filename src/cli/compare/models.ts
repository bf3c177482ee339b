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
import type { Future } from '../../internal/loop/Future.js';
import { DistributedExecutor, runWorker } from '../../distributed/index.js';
import { ProcessPoolExecutor, ThreadPoolExecutor } from '../../futures/index.js';
import type { Sample } from './tasks.js';
import type { WorkloadKind } from './workloads.js';

/** One unit of work, runnable in place or on an executor. */
export interface Job {
  call(): Sample | Promise<Sample>;
  submit(executor: Executor): Future<Sample>;
  /** Waits here, on this thread's event loop, then computes on `executor` (mixed work only). */
  split?(executor: Executor): Promise<Sample>;
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
  /** The workloads it runs. */
  kinds: readonly WorkloadKind[];
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
  'asyncio+threads',
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

const EVERY: readonly WorkloadKind[] = ['cpu', 'io', 'mixed'];
/** A pool of processes or of remote workers gains nothing on the mixed work that threads do not. */
const SEPARATE: readonly WorkloadKind[] = ['cpu', 'io'];

/** The workload tasks, for the distributed workers to import. */
const TASKS = fileURLToPath(new URL('./tasks.js', import.meta.url));

/** Every model, in the order of the report. */
export const MODELS: readonly Model[] = [
  {
    name: 'sequential',
    kinds: EVERY,
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
    kinds: EVERY,
    how: 'one task per job on one event loop, gathered (concur-ts/asyncio)',
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
    kinds: EVERY,
    how: 'ThreadPoolExecutor: worker threads of this process (concur-ts/futures)',
    unavailable: async () => null,
    run: (jobs, { workers, onDone }) =>
      runOn(new ThreadPoolExecutor({ maxWorkers: workers }), jobs, onDone),
  },
  {
    name: 'processes',
    kinds: SEPARATE,
    how: 'ProcessPoolExecutor: child processes (concur-ts/futures)',
    unavailable: async () => null,
    run: (jobs, { workers, onDone }) =>
      runOn(new ProcessPoolExecutor({ maxWorkers: workers }), jobs, onDone),
  },
  {
    name: 'distributed',
    kinds: SEPARATE,
    how: 'DistributedExecutor: every task through Redis to a worker this run starts (concur-ts/distributed)',
    unavailable: async ({ connection }) =>
      connection === null ? 'needs --connection redis://…' : null,
    async run(jobs, { workers, connection, onDone }) {
      if (connection === null) throw new Error('the distributed model needs a connection');
      // A queue of its own, so that no other worker takes these jobs and none are left over.
      const queue = `concur-compare-${process.pid}`;
      const worker = await runWorker({
        connection,
        queue,
        tasks: [TASKS],
        concurrency: workers,
        handleSignals: false,
      });
      try {
        return await runOn(new DistributedExecutor({ connection, queue }), jobs, onDone);
      } finally {
        await worker.close();
      }
    },
  },
  {
    name: 'asyncio+threads',
    how: 'one asyncio task per job waits on the event loop, then hands its computing to a ThreadPoolExecutor',
    kinds: ['mixed'],
    unavailable: async () => null,
    async run(jobs, { workers, onDone }) {
      const pool = new ThreadPoolExecutor({ maxWorkers: workers });
      let failed = true;
      try {
        const samples = await run(() =>
          gather(
            jobs.map((job) =>
              createTask(async () => {
                const sample = await job.split!(pool);
                onDone();
                return sample;
              }),
            ),
          ),
        );
        failed = false;
        return samples;
      } finally {
        await pool.shutdown({ wait: true, cancelFutures: failed });
      }
    },
  },
];
