/**
 * A pool of four worker processes squares eight numbers with `Pool.map`; the results come
 * back in input order, whatever order the workers printed in.
 *
 * Mirrors seed 004 (`004_53add79d7037f66c.txt`), "Example: Calculating squares of numbers
 * (CPU-bound)":
 *
 *   def calculate_square(number):
 *       result = number * number
 *       print(f"The square of {number} is {result}")
 *       return result
 *   if __name__ == "__main__":
 *       numbers = [1, 2, 3, 4, 5, 6, 7, 8]
 *       with multiprocessing.Pool(processes=4) as pool:
 *           results = pool.map(calculate_square, numbers)
 *       print(f"Final results: {results}")
 *
 * `await using` ends the pool with the block, like Python's `with` — but gracefully (close,
 * then join: queued work finishes), where Python's `with Pool()` terminates. No
 * `if __name__ == "__main__"` guard is needed: a worker imports only the task's module
 * (pool-tasks.ts), never this script.
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/multiprocessing/03-pool-map-squares.js
 */
import { pathToFileURL } from 'node:url';

import { Pool } from 'concur-ts/multiprocessing';

import { calculateSquare } from './pool-tasks.js';

export async function main(): Promise<number[]> {
  const numbers = [1, 2, 3, 4, 5, 6, 7, 8];
  let results: number[];
  {
    // Create a pool of worker processes.
    await using pool = new Pool({ processes: 4 });
    // pool.map distributes the work across the processes.
    results = await pool.map(calculateSquare, numbers);
  }
  console.log(`Final results: [${results.join(', ')}]`);
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
