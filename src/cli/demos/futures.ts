/**
 * `concur demo futures`: the seed's concurrent.futures example, live (see demo.ts).
 *
 * @module
 */
import { demo, runDemos, type Demo, type Print } from './demo.js';

/** The futures demos, in the order of `examples/futures/`. */
export const futuresDemos: readonly Demo[] = [
  demo<{
    downloads: Map<string, number | string>;
    completionOrder: string[];
    factorials: Map<number, bigint>;
  }>('futures', {
    title: 'ThreadPoolExecutor and asCompleted: downloads, then factorials',
    seed: '004 "Concurrent Futures"',
    example: '01-thread-pool-as-completed',
    summary: ({ downloads, completionOrder, factorials }) => {
      const failed = [...downloads.values()].filter((v) => typeof v === 'string').length;
      const path = (url: string) => new URL(url).pathname;
      return [
        `asCompleted handed back the futures as they finished: ${completionOrder.map(path).join(', ')}`,
        `${downloads.size - failed} downloads succeeded, ${failed} took the error branch (future.result() threw)`,
        `${factorials.size} factorials, exact (BigInt), on the same kind of pool: ` +
          "Node's threads compute in parallel, so no process pool is needed for them",
      ];
    },
  }),
];

/** Runs every futures demo, writing each line with `write`. */
export async function runFuturesDemos(seed: number, write: Print): Promise<void> {
  const intro = [`concur demo futures — the seed's concurrent.futures example, live`];
  await runDemos(intro, futuresDemos, seed, write);
}
