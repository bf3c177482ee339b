/**
 * The code the multiprocessing examples run in their child processes. A child imports the
 * task's module afresh, so the tasks live apart from the examples' entry scripts (whose
 * top level starts the example).
 */
import { defineTask } from 'concur-ts';

/**
 * The sum of the squares of 0 … n−1, exact (a BigInt: for n = 10⁷ it is far beyond 2⁵³).
 * Squares are summed as doubles in runs of 50 (each run stays below 2⁵³), then added up
 * as BigInts.
 */
export function sumOfSquares(n: number): bigint {
  let total = 0n;
  for (let start = 0; start < n; start += 50) {
    let run = 0;
    const end = Math.min(start + 50, n);
    for (let i = start; i < end; i++) run += i * i;
    total += BigInt(run);
  }
  return total;
}

/** Seed 000/001's `calculate_square`: compute and print the sum of squares below `number`. */
export const calculateSquare = defineTask(
  import.meta.url,
  function calculateSquare(number: number, quiet: boolean): void {
    const total = sumOfSquares(number);
    if (!quiet) console.log(`Calculation results: ${total}`);
  },
);

/**
 * Seed 002's `process_task`: announce with this process's PID, wait `durationMs` (the
 * seed's `time.sleep`), announce the end.
 */
export const processTask = defineTask(
  import.meta.url,
  async function processTask(name: string, durationMs: number, quiet: boolean): Promise<void> {
    const say = (line: string): void => {
      if (!quiet) console.log(line);
    };
    say(`Process ${name} (PID: ${process.pid}) started, taking ${durationMs} ms...`);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    say(`Process ${name} (PID: ${process.pid}) ended`);
  },
);
