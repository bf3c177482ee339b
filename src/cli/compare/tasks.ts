/**
 * The workloads of `concur compare`, as tasks every model can run: called directly
 * (sequential, asyncio), sent to a thread or process pool by reference, or run by a
 * distributed worker that loads this module (`concur worker --tasks <this file>`).
 *
 * Each task returns a {@link Sample}: its value plus where and when it ran, and the
 * resource counters of the process it ran in, so the runner can add up what child
 * processes used (Node cannot read a child's usage from the parent).
 *
 * @module
 */
import { threadId } from 'node:worker_threads';

import { defineTask } from '../../futures/index.js';

/** What one task did, where and when. Times are ms since the epoch (fractional). */
export interface Sample {
  /** The task's answer, as text (a sum that outgrows a double, or a body length). */
  value: string;
  pid: number;
  /** `threadId` of the thread that ran it (0: a process's main thread). */
  thread: number;
  start: number;
  end: number;
  /** The process's CPU time so far (user + system), µs: cumulative, not this task's. */
  processCpuUs: number;
  /** The process's peak resident set so far, KiB. */
  processMaxRssKiB: number;
}

/** A wall-clock reading comparable across threads and processes. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

function sample(value: string, start: number): Sample {
  const end = now();
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
  return {
    value,
    pid: process.pid,
    thread: threadId,
    start,
    end,
    processCpuUs: userCPUTime + systemCPUTime,
    processMaxRssKiB: maxRSS,
  };
}

/** Numbers per block: within one, the running sums of lo and lo² stay exact in a double. */
const BLOCK = 65_536;

/**
 * Seeds 000/001's `calculate_square`: the sum of n² for n below `number`, exact. Python's
 * integers never overflow; a double stops being exact past 2^53 (the seeds' sum is near
 * 2^68). So the loop runs over blocks of n = base + lo and adds only lo and lo², which stay
 * exact, and each block is folded into a BigInt: Σ(base + lo)² = count·base² +
 * 2·base·Σlo + Σlo². The loop does the same work per number as Python's.
 */
export function sumOfSquares(number: number): bigint {
  let total = 0n;
  for (let base = 0; base < number; base += BLOCK) {
    const count = Math.min(BLOCK, number - base);
    let sumLo = 0;
    let sumLoSquared = 0;
    for (let lo = 0; lo < count; lo++) {
      sumLo += lo;
      sumLoSquared += lo * lo;
    }
    const b = BigInt(base);
    total += BigInt(count) * b * b + 2n * b * BigInt(sumLo) + BigInt(sumLoSquared);
  }
  return total;
}

/** The CPU-bound task: one of the seeds' four sums of squares. */
export const sumSquares = defineTask(import.meta.url, function sumSquares(number: number): Sample {
  const start = now();
  return sample(String(sumOfSquares(number)), start);
});

/** The I/O-bound task: one request to the local server; the value is the body's length. */
export const fetchPage = defineTask(
  import.meta.url,
  async function fetchPage(url: string): Promise<Sample> {
    const start = now();
    const body = await fetchBody(url);
    return sample(String(body.length), start);
  },
);

/** The body of one page of the local server. */
export async function fetchBody(url: string): Promise<string> {
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${url}`);
  return body;
}

/**
 * The mixed workload's computing: 32-bit FNV-1a over the page's characters, `rounds` times
 * over, as a number. The Python side computes the same digest of the same bytes.
 */
export function digest(body: string, rounds: number): number {
  let hash = 0x811c9dc5;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < body.length; i++) {
      hash = Math.imul(hash ^ body.charCodeAt(i), 0x01000193) >>> 0;
    }
  }
  return hash;
}

/** The mixed workload's computing alone, for a pool (the page was fetched elsewhere). */
export const digestPage = defineTask(
  import.meta.url,
  function digestPage(body: string, rounds: number): Sample {
    const start = now();
    return sample(String(digest(body, rounds)), start);
  },
);

/** The mixed workload's job whole: fetch a page, then digest it, on the same thread. */
export const fetchAndDigest = defineTask(
  import.meta.url,
  async function fetchAndDigest(url: string, rounds: number): Promise<Sample> {
    const start = now();
    const body = await fetchBody(url);
    return sample(String(digest(body, rounds)), start);
  },
);
