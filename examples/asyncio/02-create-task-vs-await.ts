/**
 * `createTask` versus a direct `await`: waiting in series versus running side by side.
 *
 * Mirrors seed 002 (`002_796e0f5a144ccd70.txt`), "6. Using create_task with Coroutines",
 * "asyncio.create_task() vs Direct await":
 *
 *   async def main():                          async def main():
 *       print("main start")                        print("main start")
 *       await some_async_function()                task = asyncio.create_task(some_async_function())
 *       print("main end")                          print("some_async_function has been scheduled ...")
 *                                                  await task
 *                                                  print("task completed, main end")
 *   async def some_async_function():
 *       print("some_async_function start"); await asyncio.sleep(2); print("some_async_function end")
 *
 * Scaled down: 2 s → 200 ms. One addition makes the seed's "main continues executing" visible:
 * in both versions main has 100 ms of work of its own. With a direct `await` it can only start
 * once the awaited call is over (≈ 300 ms in all); with a task it overlaps (≈ 200 ms).
 *
 * Run: npm run build && node dist/examples/asyncio/02-create-task-vs-await.js
 */
import { pathToFileURL } from 'node:url';

import { createTask, getRunningLoop, run, sleep } from 'concur-ts/asyncio';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
}

export interface Version {
  lines: string[];
  elapsedMs: number;
}

export interface Result {
  lines: string[];
  /** Direct `await`: main waits, then works. */
  serial: Version;
  /** `createTask`: main works while the task sleeps. */
  concurrent: Version;
  /** The task's sleep and main's own work, in ms. */
  taskMs: number;
  workMs: number;
}

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  const taskMs = 200;
  const workMs = 100;

  async function someAsyncFunction(): Promise<void> {
    print('some_async_function start');
    await sleep(taskMs);
    print('some_async_function end');
  }

  async function mainOwnWork(): Promise<void> {
    print(`main continues executing: its own work (${workMs} ms)`);
    await sleep(workMs);
    print('main: own work done');
  }

  // Direct await: main pauses until someAsyncFunction() is over — serial waiting.
  async function mainWithAwait(): Promise<void> {
    print('main start');
    await someAsyncFunction();
    await mainOwnWork();
    print('main end');
  }

  // createTask: the call is scheduled and main goes on; it waits for the task at the end.
  async function mainWithCreateTask(): Promise<void> {
    print('main start');
    const task = createTask(() => someAsyncFunction());
    print('some_async_function has been scheduled as a Task, main continues executing');
    await mainOwnWork();
    await task; // main must not end before the task does
    print('task completed, main end');
  }

  async function timed(title: string, fn: () => Promise<void>): Promise<Version> {
    print(title);
    const first = lines.length;
    const start = getRunningLoop().time();
    await run(fn);
    const elapsedMs = getRunningLoop().time() - start;
    const own = lines.slice(first);
    print(`total time: ${elapsedMs.toFixed(0)} ms`);
    return { lines: own, elapsedMs };
  }

  const serial = await timed('== Direct await ==', mainWithAwait);
  const concurrent = await timed('== asyncio.create_task() → createTask() ==', mainWithCreateTask);
  return { lines, serial, concurrent, taskMs, workMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
