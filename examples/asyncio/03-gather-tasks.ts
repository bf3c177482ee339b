/**
 * Start several tasks with `createTask`, then wait for all of them with `gather`.
 *
 * Mirrors seed 002 (`002_796e0f5a144ccd70.txt`), "Combining asyncio.gather() with
 * create_task()":
 *
 *   async def download_page(url):
 *       print(f"Starting download: {url}")
 *       await asyncio.sleep(random.randint(1, 3))  # Simulate download time
 *       print(f"Download complete: {url}")
 *       return f"Content of {url[:20]}..."
 *   async def main_with_gather():
 *       tasks = [asyncio.create_task(download_page(url)) for url in ["url1", "url2", "url3"]]
 *       results = await asyncio.gather(*tasks)
 *
 * Scaled down: 1–3 s → 100–300 ms. Pass `seed` to get the same "random" durations each run.
 *
 * Run: npm run build && node dist/examples/asyncio/03-gather-tasks.js
 */
import { pathToFileURL } from 'node:url';

import { createTask, gather, getRunningLoop, run, sleep, type Task } from 'concur-ts/asyncio';

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
  /** The download time of each url, in input order. */
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
  const durationsMs: number[] = [];

  async function downloadPage(url: string): Promise<string> {
    const durationMs = randint(1, 3) * 100;
    durationsMs.push(durationMs);
    print(`Starting download: ${url} (${durationMs} ms)`);
    await sleep(durationMs); // simulate download time
    print(`Download complete: ${url}`);
    return `Content of ${url.slice(0, 20)}...`;
  }

  async function mainWithGather(): Promise<string[]> {
    const urls = ['url1', 'url2', 'url3'];
    print('main_with_gather: Preparing to create tasks');
    const tasks: Task<string>[] = [];
    for (const url of urls) {
      // Like asyncio.create_task(download_page(url)): scheduled now, started soon.
      tasks.push(createTask(() => downloadPage(url)));
    }
    print('main_with_gather: All tasks have been created');
    // While main waits here, the loop switches between the tasks.
    const results = await gather(tasks);
    print('main_with_gather: All tasks have completed');
    for (const result of results) print(`Result: ${result}`);
    return results;
  }

  const start = getRunningLoop().time();
  const results = await run(mainWithGather);
  const elapsedMs = getRunningLoop().time() - start;
  print(`total time: ${elapsedMs.toFixed(0)} ms`);
  return { lines, results, durationsMs, elapsedMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
