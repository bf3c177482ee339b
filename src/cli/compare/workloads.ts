/**
 * The two workloads of `concur compare`: what they are, their jobs, how to describe them.
 *
 * @module
 */
import type { Job } from './models.js';
import { fetchPage, sumSquares } from './tasks.js';

/** The seeds' four sums of squares (seed 000 §1), each of the numbers below `n`. */
export interface CpuWorkload {
  kind: 'cpu';
  n: number;
  tasks: number;
}

/** `requests` GETs to the local server, each answered after `latencyMs`. */
export interface IoWorkload {
  kind: 'io';
  url: string;
  requests: number;
  latencyMs: number;
}

export type Workload = CpuWorkload | IoWorkload;

export const WORKLOAD_TITLES = { cpu: 'CPU-bound', io: 'I/O-bound' } as const;

/** One line saying what the workload does. */
export function describeWorkload(workload: Workload): string {
  return workload.kind === 'cpu'
    ? `${workload.tasks} × sum of n² for n < ${workload.n.toLocaleString('en-US')} (seeds 000/001, multiprocessing)`
    : `${workload.requests} HTTP requests to a local server answering after ${workload.latencyMs} ms (seeds 000/001, asyncio)`;
}

/** The jobs of a workload: the same tasks whichever model runs them. */
export function jobsOf(workload: Workload): Job[] {
  if (workload.kind === 'cpu') {
    return Array.from({ length: workload.tasks }, () => ({
      call: () => sumSquares(workload.n),
      submit: (executor) => executor.submit(sumSquares, workload.n),
    }));
  }
  return Array.from({ length: workload.requests }, (_, i) => {
    const url = `${workload.url}/page/${i}`;
    return { call: () => fetchPage(url), submit: (executor) => executor.submit(fetchPage, url) };
  });
}

/** How many jobs a workload has (for progress before the runner starts). */
export function jobCount(workload: Workload): number {
  return workload.kind === 'cpu' ? workload.tasks : workload.requests;
}
