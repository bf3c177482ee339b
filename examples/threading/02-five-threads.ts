/**
 * Five threads, each running the same small task.
 *
 * Mirrors seed 003 (`003_5b7f025d98274957.txt`), "1. python Multi-threading":
 *
 *   def task(i):
 *       print(f"Task {i} is running...")
 *   threads = []
 *   for i in range(5):
 *       thread = threading.Thread(target=task, args=(i,))
 *       threads.append(thread)
 *   for thread in threads:
 *       thread.start()
 *   for thread in threads:
 *       thread.join()
 *
 * The five lines come in whatever order the threads get there, as in Python.
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/threading/02-five-threads.js
 */
import { pathToFileURL } from 'node:url';

import { Thread } from 'concur-ts/threading';

import { task } from './tasks.js';

export interface Options {
  /** The threads stay silent. */
  quiet?: boolean;
}

export interface Result {
  /** Each thread's ident, in start order. */
  idents: number[];
  /** The ident of the thread that ran task i, as the task itself recorded it. */
  ranOn: number[];
}

export async function main(options: Options = {}): Promise<Result> {
  const quiet = options.quiet === true;
  const ran = new Int32Array(new SharedArrayBuffer(5 * Int32Array.BYTES_PER_ELEMENT));
  const threads: Thread[] = [];
  for (let i = 0; i < 5; i++) {
    threads.push(new Thread({ target: task, args: [i, ran, quiet] }));
  }
  for (const thread of threads) thread.start();
  for (const thread of threads) await thread.join();
  return { idents: threads.map((t) => t.ident!), ranOn: [...ran] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
