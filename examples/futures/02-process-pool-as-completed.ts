/**
 * A pool of processes computes factorials; each result is handled as it finishes.
 *
 * Mirrors the second half of seed 004 (`004_53add79d7037f66c.txt`), "concurrent.futures —
 * a unified approach for I/O and CPU tasks":
 *
 *   numbers = [35, 36, 37]
 *   with concurrent.futures.ProcessPoolExecutor(max_workers=4) as executor:
 *       future_to_num = {executor.submit(calculate_factorial, num): num for num in numbers}
 *       for future in concurrent.futures.as_completed(future_to_num):
 *           num = future_to_num[future]
 *           try:
 *               fact = future.result()
 *               print(f"Factorial of {num} is {fact}")
 *           except Exception as e:
 *               print(f"Error calculating factorial of {num}: {e}")
 *
 * The factorials are BigInts (35! does not fit a double); they cross back from the child
 * processes by structured clone. `await using` drains the pool at the end of the block,
 * as Python's `with` calls `shutdown(wait=True)`.
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/futures/02-process-pool-as-completed.js
 */
import { pathToFileURL } from 'node:url';

import { asCompleted, ProcessPoolExecutor, type Future } from 'concur-ts/futures';

import { calculateFactorial } from './tasks.js';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
  /** The numbers (default 35, 36, 37). */
  numbers?: number[];
}

export interface Result {
  lines: string[];
  factorials: Map<number, bigint>;
  /** The order the futures completed in (their numbers). */
  completionOrder: number[];
}

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  const numbers = options.numbers ?? [35, 36, 37];
  const factorials = new Map<number, bigint>();
  const completionOrder: number[] = [];
  {
    await using executor = new ProcessPoolExecutor({ maxWorkers: 4 });
    const futureToNum = new Map<Future<bigint>, number>(
      numbers.map((num) => [executor.submit(calculateFactorial, num), num]),
    );
    for await (const done of asCompleted(futureToNum.keys()) as AsyncIterable<unknown>) {
      // asCompleted yields the futures themselves; TypeScript may type a for-await
      // variable as the awaited value instead (depending on what else it checked first).
      const future = done as Future<bigint>;
      const num = futureToNum.get(future)!;
      completionOrder.push(num);
      try {
        const fact = future.result();
        factorials.set(num, fact);
        print(`Factorial of ${num} is ${fact}`);
      } catch (error) {
        print(`Error calculating factorial of ${num}: ${String(error)}`);
      }
    }
  }
  return { lines, factorials, completionOrder };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
