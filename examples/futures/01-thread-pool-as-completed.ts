/**
 * A pool of threads downloads several pages; results are handled as each finishes.
 *
 * Mirrors seed 004 (`004_53add79d7037f66c.txt`), "concurrent.futures — a unified approach
 * for I/O and CPU tasks":
 *
 *   with concurrent.futures.ThreadPoolExecutor(max_workers=5) as executor:
 *       future_to_url = {executor.submit(download_image, url): url for url in urls}
 *       for future in concurrent.futures.as_completed(future_to_url):
 *           url = future_to_url[future]
 *           try:
 *               length = future.result()
 *               print(f"Downloaded {url}, length: {length}")
 *           except Exception as e:
 *               print(f"Error downloading {url}: {e}")
 *   ...
 *   with concurrent.futures.ProcessPoolExecutor(max_workers=4) as executor:
 *       future_to_num = {executor.submit(calculate_factorial, num): num for num in numbers}
 *       for future in concurrent.futures.as_completed(future_to_num): ...
 *
 * The pages come from a local server this program starts (127.0.0.1, a free port); one
 * url is missing on purpose, to show the error branch. The seed sends the CPU-bound
 * factorials to a process pool because of Python's GIL; Node's threads run JavaScript in
 * parallel, so here a thread pool does both halves.
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/futures/01-thread-pool-as-completed.js
 */
import { pathToFileURL } from 'node:url';

import { asCompleted, ThreadPoolExecutor, type Future } from 'concur-ts/futures';

import { startPageServer } from '../asyncio/page-server.js';
import { calculateFactorial, downloadImage } from './tasks.js';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
}

export interface Result {
  lines: string[];
  /** Length per url that downloaded, or the error message. */
  downloads: Map<string, number | string>;
  /** The order the downloads finished in. */
  completionOrder: string[];
  factorials: Map<number, bigint>;
}

const PAGES = [
  { path: '/www.python.org', latencyMs: 150, size: 50_123 },
  { path: '/github.com', latencyMs: 50, size: 80_456 },
  { path: '/example.com', latencyMs: 100, size: 1_256 },
];

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  const server = await startPageServer(PAGES);
  const urls = [...PAGES.map((page) => server.url(page.path)), server.url('/missing.png')];
  const downloads = new Map<string, number | string>();
  const completionOrder: string[] = [];
  const factorials = new Map<number, bigint>();
  try {
    // --- ThreadPoolExecutor for I/O-bound tasks ---
    {
      await using executor = new ThreadPoolExecutor({ maxWorkers: 5 });
      const futureToUrl = new Map<Future<number>, string>(
        urls.map((url) => [executor.submit(downloadImage, url), url]),
      );
      // The loop receives the futures; TypeScript types for-await elements as the awaited
      // result (asCompleted's typing caveat), hence the cast.
      for await (const done of asCompleted(futureToUrl.keys()) as AsyncIterable<unknown>) {
        const future = done as Future<number>;
        const url = futureToUrl.get(future)!;
        completionOrder.push(url);
        try {
          const length = future.result();
          downloads.set(url, length);
          print(`Downloaded ${url}, length: ${length}`);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          downloads.set(url, message);
          print(`Error downloading ${url}: ${message}`);
        }
      }
    }
    print('-'.repeat(20));
    // --- and for CPU-bound tasks: in Node, threads compute in parallel ---
    {
      await using executor = new ThreadPoolExecutor({ maxWorkers: 4 });
      const numbers = [35, 36, 37];
      const futureToNum = new Map<Future<bigint>, number>(
        numbers.map((n) => [executor.submit(calculateFactorial, n), n]),
      );
      for await (const done of asCompleted(futureToNum.keys()) as AsyncIterable<unknown>) {
        const future = done as Future<bigint>;
        const num = futureToNum.get(future)!;
        try {
          const fact = future.result();
          factorials.set(num, fact);
          print(`Factorial of ${num} is ${fact}`);
        } catch (error) {
          print(`Error calculating factorial of ${num}: ${String(error)}`);
        }
      }
    }
  } finally {
    await server.close();
  }
  return { lines, downloads, completionOrder, factorials };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
