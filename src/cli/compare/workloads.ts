/**
 * The three workloads of `concur compare`: what they are, their jobs, how to describe them.
 *
 * @module
 */
import type { Job } from './models.js';
import { digestPage, fetchAndDigest, fetchBody, fetchPage, sumSquares } from './tasks.js';

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

/**
 * The seeds' general template: fetch `pages` pages (each answered after `latencyMs`), then
 * compute on each (a digest of its bytes, `rounds` times over). The best answer combines
 * models: an event loop for the waits, a pool for the computing.
 */
export interface MixedWorkload {
  kind: 'mixed';
  url: string;
  pages: number;
  latencyMs: number;
  rounds: number;
}

export type Workload = CpuWorkload | IoWorkload | MixedWorkload;
export type WorkloadKind = Workload['kind'];

export const WORKLOAD_TITLES = {
  cpu: 'CPU-bound',
  io: 'I/O-bound',
  mixed: 'fetch, then compute',
} as const;

/** One line saying what the workload does. */
export function describeWorkload(workload: Workload): string {
  switch (workload.kind) {
    case 'cpu':
      return `${workload.tasks} × sum of n² for n < ${workload.n.toLocaleString('en-US')} (the tutorials' multiprocessing example)`;
    case 'io':
      return `${workload.requests} HTTP requests to a local server answering after ${workload.latencyMs} ms (the tutorials' asyncio example)`;
    case 'mixed':
      return `${workload.pages} pages fetched from a local server answering after ${workload.latencyMs} ms, each then digested ${workload.rounds.toLocaleString('en-US')} times over (the tutorials' general template: wait, then compute)`;
  }
}

/** The jobs of a workload: the same tasks whichever model runs them. */
export function jobsOf(workload: Workload): Job[] {
  if (workload.kind === 'cpu') {
    return Array.from({ length: workload.tasks }, () => ({
      call: () => sumSquares(workload.n),
      submit: (executor) => executor.submit(sumSquares, workload.n),
    }));
  }
  if (workload.kind === 'io') {
    return Array.from({ length: workload.requests }, (_, i) => {
      const url = `${workload.url}/page/${i}`;
      return { call: () => fetchPage(url), submit: (executor) => executor.submit(fetchPage, url) };
    });
  }
  const { rounds } = workload;
  return Array.from({ length: workload.pages }, (_, i) => {
    const url = `${workload.url}/page/${i}`;
    return {
      call: () => fetchAndDigest(url, rounds),
      submit: (executor) => executor.submit(fetchAndDigest, url, rounds),
      split: async (executor) => await executor.submit(digestPage, await fetchBody(url), rounds),
    };
  });
}

/** How many jobs a workload has (for progress before the runner starts). */
export function jobCount(workload: Workload): number {
  switch (workload.kind) {
    case 'cpu':
      return workload.tasks;
    case 'io':
      return workload.requests;
    case 'mixed':
      return workload.pages;
  }
}
