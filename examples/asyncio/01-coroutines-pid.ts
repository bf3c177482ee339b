/**
 * Two coroutines in one process: same PID, total time ≈ the longest, not the sum.
 *
 * Mirrors seed 002 (`002_796e0f5a144ccd70.txt`), "3. Coroutines - Using asyncio":
 *
 *   async def async_task(name, duration):
 *       print(f"Coroutine {name} (PID: {os.getpid()}) started, taking {duration} seconds...")
 *       await asyncio.sleep(duration)
 *       print(f"Coroutine {name} (PID: {os.getpid()}) ended")
 *   async def main():
 *       task1 = async_task("Coroutine A", 2); task2 = async_task("Coroutine B", 3)
 *       await asyncio.gather(task1, task2)
 *   asyncio.run(main())
 *
 * Scaled down: 1 second in the seed is 100 ms here (2 s → 200 ms, 3 s → 300 ms).
 * Calling a JavaScript async function starts it at once, so the twin of Python's
 * not-yet-started coroutine object is a function handed to `createTask`.
 *
 * Run: npm run build && node dist/examples/asyncio/01-coroutines-pid.js
 */
import { pathToFileURL } from 'node:url';

import { createTask, gather, getRunningLoop, run, sleep } from 'concur-ts/asyncio';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
}

export interface Result {
  lines: string[];
  /** The PID each coroutine printed, in start order. */
  pids: number[];
  durationsMs: number[];
  elapsedMs: number;
}

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  const pids: number[] = [];
  const [durationA, durationB] = [200, 300];

  async function asyncTask(name: string, durationMs: number): Promise<void> {
    pids.push(process.pid);
    print(`${name} (PID: ${process.pid}) started, taking ${durationMs} ms...`);
    await sleep(durationMs); // the coroutine yields control to the loop here
    print(`${name} (PID: ${process.pid}) ended`);
  }

  const elapsedMs = await run(async () => {
    print('--- Starting coroutine example ---');
    const start = getRunningLoop().time();
    const task1 = createTask(() => asyncTask('Coroutine A', durationA));
    const task2 = createTask(() => asyncTask('Coroutine B', durationB));
    await gather([task1, task2]);
    const elapsed = getRunningLoop().time() - start;
    print(`--- Coroutine example ended, total time: ${elapsed.toFixed(0)} ms ---`);
    return elapsed;
  });
  return { lines, pids, durationsMs: [durationA, durationB], elapsedMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
