/**
 * Two processes that each "work" (wait) for a while: they run at the same time, each with
 * its own PID, so the total is close to the longest of the two.
 *
 * Mirrors seed 002 (`002_796e0f5a144ccd70.txt`), "3. Multiprocessing":
 *
 *   def process_task(name, duration):
 *       print(f"Process {name} (PID: {os.getpid()}) started, taking {duration} seconds...")
 *       time.sleep(duration)
 *       print(f"Process {name} (PID: {os.getpid()}) ended")
 *   p1 = multiprocessing.Process(target=process_task, args=("Process A", 2))
 *   p2 = multiprocessing.Process(target=process_task, args=("Process B", 3))
 *   p1.start(); p2.start(); p1.join(); p2.join()
 *   print(f"--- Multiprocessing example ended, total time: {end_time - start_time:.2f} seconds ---")
 *
 * Scaled down: 2 s and 3 s → 200 ms and 300 ms. Starting a Node process takes tens of
 * milliseconds, which the total includes.
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/multiprocessing/02-two-processes.js
 */
import { pathToFileURL } from 'node:url';

import { Process } from 'concur-ts/multiprocessing';

import { processTask } from './tasks.js';

export interface Options {
  /** Collect the parent's lines without printing them; the children stay silent. */
  quiet?: boolean;
  /** How long each process works, in ms (default 200 and 300). */
  durationsMs?: [number, number];
}

export interface Result {
  lines: string[];
  /** Each child's pid. */
  pids: number[];
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
  const [durationA, durationB] = options.durationsMs ?? [200, 300];

  print('--- Starting multiprocessing example ---');
  const start = performance.now();
  const p1 = new Process({ target: processTask, args: ['Process A', durationA, quiet] });
  const p2 = new Process({ target: processTask, args: ['Process B', durationB, quiet] });
  p1.start();
  p2.start();
  await p1.join();
  await p2.join();
  const elapsedMs = performance.now() - start;
  print(
    `--- Multiprocessing example ended, total time: ${(elapsedMs / 1000).toFixed(2)} seconds ---`,
  );
  return { lines, pids: [p1.pid!, p2.pid!], exitcodes: [p1.exitcode, p2.exitcode], elapsedMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
