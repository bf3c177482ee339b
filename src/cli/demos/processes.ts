/**
 * `concur demo processes`: the seeds' multiprocessing examples, live — every program in
 * `dist/examples/multiprocessing/` in file order (see demo.ts). The `→` lines are read
 * from the facts the examples share: the PIDs they ran on and how long they took.
 *
 * @module
 */
import { readdirSync } from 'node:fs';

import { demo, examplesDir, overlapLine, runDemos, type Demo, type Print } from './demo.js';

/** Facts a multiprocessing example may return; each `→` line needs only some of them. */
interface ProcessFacts {
  pids?: number[];
  durationsMs?: number[];
  elapsedMs?: number;
}

function summary({ pids, durationsMs, elapsedMs }: ProcessFacts): string[] {
  const lines: string[] = [];
  if (pids !== undefined && pids.length > 0) {
    const distinct = new Set(pids).size;
    lines.push(
      distinct === pids.length
        ? `${distinct} processes, ${distinct} different PIDs (${pids.join(', ')}), none of them ours (${process.pid})`
        : `PIDs ${pids.join(', ')} (ours: ${process.pid})`,
    );
  }
  if (elapsedMs !== undefined && durationsMs !== undefined && durationsMs.length > 1) {
    lines.push(overlapLine(elapsedMs, durationsMs));
  } else if (elapsedMs !== undefined) {
    lines.push(`total ${elapsedMs.toFixed(0)} ms`);
  }
  return lines;
}

/** Title of an example from its file name: `01-sum-squares` → "sum squares". */
const titleOf = (name: string): string => name.replace(/^\d+-/, '').replace(/-/g, ' ');

/** The multiprocessing demos found in the build, or null when there are none yet. */
export function processDemos(): Demo[] | null {
  let names: string[];
  try {
    names = readdirSync(examplesDir('multiprocessing'));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
  const examples = names
    .filter((name) => /^\d\d-.*\.js$/.test(name))
    .sort()
    .map((name) => name.replace(/\.js$/, ''));
  if (examples.length === 0) return null;
  return examples.map((example) =>
    demo<ProcessFacts>('multiprocessing', {
      title: titleOf(example),
      seed: '000–003 multiprocessing',
      example,
      live: true,
      summary,
    }),
  );
}

/** Runs every multiprocessing demo; false when none is built. */
export async function runProcessDemos(seed: number, write: Print): Promise<boolean> {
  const demos = processDemos();
  if (demos === null) return false;
  const intro = [
    `concur demo processes — the seeds' multiprocessing examples, live (child processes)`,
  ];
  await runDemos(intro, demos, seed, write);
  return true;
}
