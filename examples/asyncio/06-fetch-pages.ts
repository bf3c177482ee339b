/**
 * Fetch several web pages at once: one task per page, `gather` for all of them.
 *
 * Mirrors seeds 000 (`000_6aef720855712969.txt`) and 001 (`001_ed30d2c97e1f6a44.txt`, the
 * same tutorial in Chinese, whose code survived intact), "asyncio (coroutine)":
 *
 *   async def fetch_page(url):
 *       async with aiohttp.ClientSession() as session:
 *           async with session.get(url) as response:
 *               return await response.text()
 *   async def main():
 *       urls = ["https://www.baidu.com", "https://www.taobao.com", "https://www.jd.com"]
 *       tasks = [fetch_page(url) for url in urls]
 *       pages = await asyncio.gather(*tasks)
 *       for url, content in zip(urls, pages):
 *           print(f"{url} → length:{len(content)}")
 *   asyncio.run(main())
 *
 * Never the internet: the program starts a local server (127.0.0.1, a free port) that
 * serves a copy of each page after 100–200 ms, and closes it at the end. Node's `fetch`
 * needs no session: it shares one connection pool, which plays aiohttp's ClientSession.
 *
 * Run: npm run build && node dist/examples/asyncio/06-fetch-pages.js
 */
import { pathToFileURL } from 'node:url';

import { createTask, gather, getRunningLoop, run } from 'concur-ts/asyncio';

import { startPageServer } from './page-server.js';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
}

export interface Result {
  lines: string[];
  /** Each page's length, in url order. */
  lengths: number[];
  /** Each page's delay on the local server, in ms. */
  latenciesMs: number[];
  /** The most requests the server held at the same time (3: all at once). */
  maxInFlight: number;
  elapsedMs: number;
}

const PAGES = [
  { path: '/www.baidu.com', latencyMs: 150, size: 2381 },
  { path: '/www.taobao.com', latencyMs: 100, size: 4750 },
  { path: '/www.jd.com', latencyMs: 200, size: 3302 },
];

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };

  async function fetchPage(url: string): Promise<string> {
    const response = await fetch(url); // make a request
    return await response.text(); // wait for the body without blocking the loop
  }

  const server = await startPageServer(PAGES);
  try {
    const urls = PAGES.map((page) => server.url(page.path));
    const start = getRunningLoop().time();
    const pages = await run(async () => {
      const tasks = urls.map((url) => createTask(() => fetchPage(url)));
      const pages = await gather(tasks); // all requests are in flight together
      urls.forEach((url, i) => print(`${url} → length:${pages[i]!.length}`));
      return pages;
    });
    const elapsedMs = getRunningLoop().time() - start;
    print(`total time: ${elapsedMs.toFixed(0)} ms`);
    return {
      lines,
      lengths: pages.map((page) => page.length),
      latenciesMs: PAGES.map((page) => page.latencyMs),
      maxInFlight: server.maxInFlight(),
      elapsedMs,
    };
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
