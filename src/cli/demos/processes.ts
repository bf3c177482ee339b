/**
 * `concur demo processes`: the seeds' multiprocessing examples, live — every program in
 * `dist/examples/multiprocessing/` in file order (see demo.ts); the children print straight
 * to the terminal. The examples this module knows get their own `→` lines; any other is
 * summed up from the facts they share: the PIDs they ran on and the total time.
 *
 * @module
 */
import { readdirSync } from 'node:fs';

import { demo, examplesDir, ms, type Demo, runDemos, type Print } from './demo.js';

/** What a multiprocessing example returns; every field is optional to the summaries. */
interface ProcessFacts {
  pids?: number[];
  exitcodes?: (number | null)[];
  elapsedMs?: number;
}

function pidLine(pids: readonly number[]): string {
  const distinct = new Set(pids).size;
  return distinct === pids.length && !pids.includes(process.pid)
    ? `${distinct} processes, ${distinct} different PIDs (${pids.join(', ')}), none of them ours (${process.pid}): each has its own memory`
    : `PIDs ${pids.join(', ')} (ours: ${process.pid})`;
}

function exitLine(exitcodes: readonly (number | null)[]): string {
  return exitcodes.every((code) => code === 0)
    ? 'every child exited with code 0'
    : `exit codes ${exitcodes.join(', ')}`;
}

/** Title, seed and `→` lines of the examples this module knows. */
const KNOWN: Record<
  string,
  { title: string; seed: string; summary: (f: ProcessFacts) => string[] }
> = {
  '01-sum-of-squares': {
    title: 'Four processes, four sums of squares at the same time',
    seed: '000/001 §1 "multiprocessing"',
    summary: ({ pids = [], exitcodes = [], elapsedMs = 0 }) => [
      pidLine(pids),
      exitLine(exitcodes),
      `total ${ms(elapsedMs)}, process start-up included; Node's threads would compute in ` +
        'parallel too (no GIL) and start faster — processes buy isolation',
    ],
  },
  '02-two-processes': {
    title: 'Two processes, each with its own PID',
    seed: '002 §1 "Multiprocessing"',
    summary: ({ pids = [], elapsedMs = 0 }) => [
      pidLine(pids),
      `total ${ms(elapsedMs)}: close to the longer task (300 ms) plus starting two processes, ` +
        'not the sum (500 ms)',
    ],
  },
  '03-pool-map-squares': {
    title: 'A pool of four processes squares eight numbers (Pool.map)',
    seed: '004 "multiprocessing.Pool"',
    // This example returns the results themselves.
    summary: (facts) =>
      Array.isArray(facts)
        ? [
            `map returned the squares in input order (${facts.join(', ')}), ` +
              'whatever order the workers printed in',
          ]
        : [],
  },
};

function genericSummary({ pids, exitcodes, elapsedMs }: ProcessFacts): string[] {
  const lines: string[] = [];
  if (pids !== undefined && pids.length > 0) lines.push(pidLine(pids));
  if (exitcodes !== undefined && exitcodes.length > 0) lines.push(exitLine(exitcodes));
  if (elapsedMs !== undefined) lines.push(`total ${ms(elapsedMs)}`);
  return lines;
}

/** Title of an example from its file name: `03-pool-map` → "pool map". */
const titleOf = (name: string): string => name.replace(/^\d+-/, '').replace(/-/g, ' ');

/** The multiprocessing demos, one per example built in `examples/multiprocessing`. */
export function processDemos(): Demo[] {
  return readdirSync(examplesDir('multiprocessing'))
    .filter((name) => /^\d\d-.*\.js$/.test(name))
    .sort()
    .map((name) => name.replace(/\.js$/, ''))
    .map((example) => {
      const known = KNOWN[example];
      return demo<ProcessFacts>('multiprocessing', {
        title: known?.title ?? titleOf(example),
        seed: known?.seed ?? '000–003 multiprocessing',
        example,
        live: true,
        summary: known?.summary ?? genericSummary,
      });
    });
}

/** Runs every multiprocessing demo. */
export async function runProcessDemos(seed: number, write: Print): Promise<void> {
  const demos = processDemos();
  const intro = [
    `concur demo processes — the seeds' multiprocessing examples, live (child processes)`,
    '(durations scaled down: 1 s in the seeds → 100 ms)',
  ];
  await runDemos(intro, demos, seed, write);
}
