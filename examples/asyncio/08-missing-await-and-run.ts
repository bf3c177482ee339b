/**
 * What happens without `run()` or without `await` — where JavaScript differs from Python.
 *
 * Mirrors seed 002 (`002_796e0f5a144ccd70.txt`), "5. Coroutines with async await asyncio",
 * "What happens if asyncio, await, and async are not written?":
 *
 *   async def my_app():
 *       print("I am an asynchronous application")
 *       await asyncio.sleep(1)
 *       print("I should have finished running")
 *   # my_app()                 # returns a coroutine object, nothing is printed
 *   # print("Program ends")    # runs at once
 *   asyncio.run(my_app())      # the correct approach
 *
 * In Python an async function called without `await`/`asyncio.run` does nothing at all. In
 * JavaScript it starts at once and runs unwatched: its first line prints immediately, the
 * rest after the program has moved on, and nobody waits for it or sees its errors. A
 * missing `await` in front of `sleep()` means no waiting (concur's `sleep` starts its timer
 * when called; Python's coroutine never runs and warns "coroutine was never awaited").
 * The `no-floating-promises` lint rule catches both mistakes; `void` marks them on purpose
 * here. Scaled down: 1 s → 100 ms.
 *
 * Run: npm run build && node dist/examples/asyncio/08-missing-await-and-run.js
 */
import { pathToFileURL } from 'node:url';

import { getRunningLoop, run, sleep } from 'concur-ts/asyncio';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
}

export interface Result {
  lines: string[];
  /** How long the code after a `sleep(100)` without `await` waited (0), and with it. */
  withoutAwaitMs: number;
  withAwaitMs: number;
}

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  const time = (): number => getRunningLoop().time();

  async function myApp(): Promise<void> {
    print('I am an asynchronous application');
    await sleep(100);
    print('I should have finished running');
  }

  print('-- myApp() called without run() or await --');
  const unwatched = myApp(); // JavaScript: the body has already started
  print('Program ends');
  await unwatched; // only so that this demo ends tidily

  print('-- the correct approach: await run(myApp) --');
  await run(myApp);
  print('Program ends');

  print('-- a missing await --');
  const { withoutAwaitMs, withAwaitMs } = await run(async () => {
    let start = time();
    void sleep(100); // BUG on purpose: without await, nothing waits
    const withoutAwaitMs = time() - start;
    print(`after sleep(100) without await: ${withoutAwaitMs.toFixed(0)} ms later`);
    start = time();
    await sleep(100);
    const withAwaitMs = time() - start;
    print(`after await sleep(100): ${withAwaitMs.toFixed(0)} ms later`);
    return { withoutAwaitMs, withAwaitMs };
  });
  return { lines, withoutAwaitMs, withAwaitMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
