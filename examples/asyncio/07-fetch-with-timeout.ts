/**
 * Fetch pages concurrently, each under a timeout; a page that fails counts as 0.
 *
 * Mirrors seed 004 (`004_53add79d7037f66c.txt`), "Example: Fetching web pages (I/O-bound
 * with asyncio)":
 *
 *   async def fetch_url(session, url):
 *       print(f"Fetching {url}...")
 *       try:
 *           async with session.get(url, timeout=10) as response:
 *               data = await response.text()
 *               print(f"Finished fetching {url}, length: {len(data)}")
 *               return len(data)
 *       except Exception as e:
 *           print(f"Error fetching {url}: {e}")
 *           return 0
 *   async def main():
 *       urls = ["https://www.python.org", "https://github.com", "https://www.wikipedia.org"]
 *       async with aiohttp.ClientSession() as session:
 *           tasks = [fetch_url(session, url) for url in urls]
 *           results = await asyncio.gather(*tasks)
 *       print(f"Total lengths: {results}")
 *
 * Never the internet: a local server (127.0.0.1, a free port) serves the three pages after
 * 100–200 ms, plus a fourth, deliberately slow page so that the `except` branch runs too.
 * The seed's 10 s timeout is 500 ms here. The timeout is concur's `timeout()`: it cancels
 * the task, which aborts `task.signal` and with it the request. Python's `except Exception`
 * does not catch `CancelledError`; a JavaScript `catch` catches everything, so it re-throws
 * `CancelledError` to keep the task cancellable.
 *
 * Run: npm run build && node dist/examples/asyncio/07-fetch-with-timeout.js
 */
import { pathToFileURL } from 'node:url';

import {
  CancelledError,
  createTask,
  currentTask,
  gather,
  getRunningLoop,
  run,
  timeout,
} from 'concur-ts/asyncio';

import { startPageServer } from './page-server.js';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
}

export interface Result {
  lines: string[];
  /** The length of each page in url order; 0 for a page that failed. */
  results: number[];
  /** The error each page failed with (`null` when it arrived), in url order. */
  errors: unknown[];
  /** The most requests the server held at the same time (4: all at once). */
  maxInFlight: number;
  /** Each fetch's time limit, in ms. */
  timeoutMs: number;
  elapsedMs: number;
}

const TIMEOUT_MS = 500;
const PAGES = [
  { path: '/www.python.org', latencyMs: 150, size: 5120 },
  { path: '/github.com', latencyMs: 200, size: 8312 },
  { path: '/www.wikipedia.org', latencyMs: 100, size: 3944 },
  { path: '/slow.example.com', latencyMs: 60_000, size: 100 },
];

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  const errors = PAGES.map((): unknown => null);

  async function fetchUrl(url: string, index: number): Promise<number> {
    print(`Fetching ${url}...`);
    try {
      const data = await timeout(TIMEOUT_MS, async () => {
        // The task's signal aborts the request when the timeout cancels the task.
        const response = await fetch(url, { signal: currentTask()!.signal });
        return await response.text(); // pauses here until the body has arrived
      });
      print(`Finished fetching ${url}, length: ${data.length}`);
      return data.length;
    } catch (error) {
      if (error instanceof CancelledError) throw error; // not ours to swallow
      errors[index] = error;
      print(`Error fetching ${url}: ${String(error)}`);
      return 0;
    }
  }

  const server = await startPageServer(PAGES);
  try {
    const urls = PAGES.map((page) => server.url(page.path));
    const start = getRunningLoop().time();
    const results = await run(async () => {
      // gather runs the fetches concurrently; each is a task, as gather makes in Python.
      const tasks = urls.map((url, i) => createTask(() => fetchUrl(url, i)));
      return await gather(tasks);
    });
    const elapsedMs = getRunningLoop().time() - start;
    print(`Total lengths: [${results.join(', ')}]`);
    return {
      lines,
      results,
      errors,
      maxInFlight: server.maxInFlight(),
      timeoutMs: TIMEOUT_MS,
      elapsedMs,
    };
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
