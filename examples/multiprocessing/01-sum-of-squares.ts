/**
 * Four processes each compute a big sum of squares at the same time; the parent waits for
 * all of them and prints the total time.
 *
 * Mirrors seeds 000/001 (`000_6aef720855712969.txt`), "parallel calculation of sum of
 * squares":
 *
 *   def calculate_square(number):
 *       total = 0
 *       for n in range(number):
 *           total += n ** 2
 *       print(f"Calculation results:{total}")
 *   numbers = [10_000_000, 10_000_000, 10_000_000, 10_000_000]
 *   for num in numbers:
 *       p = multiprocessing.Process(target=calculate_square, args=(num,))
 *       processes.append(p)
 *       p.start()
 *   for p in processes:
 *       p.join()
 *   print(f"Total time consumption:{time.time() - start_time:.2f}Second")
 *
 * Node has no GIL, so worker threads would compute in parallel too (and start faster);
 * processes buy isolation: a child that crashes or runs out of memory takes nothing else
 * with it. No `if __name__ == "__main__"` guard is needed: a child imports only the task's
 * module (tasks.ts), never this script.
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/multiprocessing/01-sum-of-squares.js
 */
import { pathToFileURL } from 'node:url';

import { Process } from 'concur-ts/multiprocessing';

import { calculateSquare } from './tasks.js';

export interface Options {
  /** Collect the parent's lines without printing them; the children stay silent. */
  quiet?: boolean;
  /** The numbers, one process each (default four times 10 000 000). */
  numbers?: number[];
}

export interface Result {
  lines: string[];
  /** Each child's pid. */
  pids: number[];
  /** Each child's exit code. */
  exitcodes: (number | null)[];
  elapsedMs: number;
}

export async function main(options: Options = {}): Promise<Result> {
  const quiet = options.quiet === true;
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (!quiet) console.log(line);
  };
  const numbers = options.numbers ?? [10_000_000, 10_000_000, 10_000_000, 10_000_000];

  const start = performance.now();
  const processes: Process[] = [];
  for (const num of numbers) {
    const p = new Process({ target: calculateSquare, args: [num, quiet] });
    processes.push(p);
    p.start(); // returns at once; the child computes on its own
  }
  for (const p of processes) await p.join(); // until that child has ended
  const elapsedMs = performance.now() - start;
  print(`Total time consumption: ${(elapsedMs / 1000).toFixed(2)} seconds`);

  return {
    lines,
    pids: processes.map((p) => p.pid!),
    exitcodes: processes.map((p) => p.exitcode),
    elapsedMs,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
