/**
 * The general template: worker coroutines, an orchestrator that gathers them, `run()`.
 *
 * Mirrors seed 002 (`002_796e0f5a144ccd70.txt`), "7. General Template for Coroutines":
 *
 *   async def async_worker_task(task_id, simulate_duration):
 *       print(f"[Task {task_id}] Starting execution, expected duration {simulate_duration} seconds...")
 *       await asyncio.sleep(simulate_duration)
 *       print(f"[Task {task_id}] Execution complete.")
 *       return f"Task {task_id} completed, took {simulate_duration} seconds."
 *   async def main_async_orchestrator():
 *       task_configurations = [(1, random.randint(1, 4)), (2, random.randint(2, 5)),
 *                              (3, random.randint(1, 3)), (4, random.randint(3, 6))]
 *       coroutine_objects = [async_worker_task(i, d) for i, d in task_configurations]
 *       results = await asyncio.gather(*coroutine_objects)
 *   asyncio.run(main_async_orchestrator())
 *
 * Scaled down: 1 s → 100 ms, so the four tasks take 100–600 ms; pass `seed` to get the
 * same draw each run. A Python coroutine object does nothing until it is scheduled, but
 * calling a JavaScript async function starts it at once: the twin of a coroutine object is
 * a function not yet called, and `createTask` schedules it, as `gather` does in Python.
 *
 * Run: npm run build && node dist/examples/asyncio/05-general-template.js
 */
import { pathToFileURL } from 'node:url';

import { createTask, gather, getRunningLoop, run, sleep } from 'concur-ts/asyncio';

import { makeRandint } from './random.js';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
  /** Seed for the random durations (default: a different draw each run). */
  seed?: number;
}

export interface Result {
  lines: string[];
  results: string[];
  /** Each task's duration in ms, by task id order (task 1 first). */
  durationsMs: number[];
  elapsedMs: number;
}

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  const randint = makeRandint(options.seed);

  // Step 1: an independent asynchronous task.
  async function asyncWorkerTask(taskId: number, simulateDurationMs: number): Promise<string> {
    print(`[Task ${taskId}] Starting execution, expected duration ${simulateDurationMs} ms...`);
    await sleep(simulateDurationMs); // yields to the loop, like waiting for I/O
    print(`[Task ${taskId}] Execution complete.`);
    return `Task ${taskId} completed, took ${simulateDurationMs} ms.`;
  }

  // Step 2: the orchestrator, which creates and schedules the tasks.
  async function mainAsyncOrchestrator(): Promise<Omit<Result, 'lines'>> {
    print('Main orchestrator: Asynchronous process starting');
    const start = getRunningLoop().time();
    const taskConfigurations: [number, number][] = [
      [1, randint(1, 4) * 100],
      [2, randint(2, 5) * 100],
      [3, randint(1, 3) * 100],
      [4, randint(3, 6) * 100],
    ];
    // Step 3: the "coroutine objects" — functions that have not started yet.
    const coroutineObjects: (() => Promise<string>)[] = [];
    for (const [taskId, durationMs] of taskConfigurations) {
      coroutineObjects.push(() => asyncWorkerTask(taskId, durationMs));
    }
    print(`Main orchestrator: ${coroutineObjects.length} coroutine objects created.`);
    // Step 4: run them concurrently and wait for all of them.
    print('Main orchestrator: Running tasks concurrently using gather()...');
    const results = await gather(coroutineObjects.map((fn) => createTask(fn)));
    print('Main orchestrator: All concurrent tasks have completed.');
    print('Main orchestrator: The results of all tasks are as follows:');
    for (const result of results) print(`- ${result}`);
    const elapsedMs = getRunningLoop().time() - start;
    print(`Main orchestrator: Asynchronous process ended. Total time: ${elapsedMs.toFixed(0)} ms`);
    return { results, durationsMs: taskConfigurations.map(([, d]) => d), elapsedMs };
  }

  // Step 5: the entry point.
  print('Program starting');
  const outcome = await run(mainAsyncOrchestrator);
  print('Program has fully exited.');
  return { lines, ...outcome };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
