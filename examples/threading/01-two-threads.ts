/**
 * Two threads that each "work" (block) for a while: they run at the same time, so the
 * total is the longest of the two, not their sum.
 *
 * Mirrors seed 002 (`002_796e0f5a144ccd70.txt`), "2. Multithreading":
 *
 *   def thread_task(name, duration):
 *       print(f"Thread {name} (PID: {os.getpid()}) started, taking {duration} seconds...")
 *       time.sleep(duration)
 *       print(f"Thread {name} (PID: {os.getpid()}) ended")
 *   t1 = threading.Thread(target=thread_task, args=("Thread A", 2))
 *   t2 = threading.Thread(target=thread_task, args=("Thread B", 3))
 *   t1.start(); t2.start(); t1.join(); t2.join()
 *   print(f"--- Multithreading example ended, total time: {end_time - start_time:.2f} seconds ---")
 *
 * Scaled down: 2 s and 3 s → 200 ms and 300 ms. Both threads print the same PID (one
 * process) and different idents. Unlike Python's threads, Node's worker threads also run
 * JavaScript in parallel — no GIL — so the total would be the longest task even if the
 * threads computed instead of sleeping.
 *
 * One addition: Python's `start()` has its thread running at once, but a Node worker
 * thread takes tens of milliseconds to boot, and hundreds on a busy machine — Thread B
 * could do all its 300 ms of work before Thread A had even started, and the two would not
 * overlap at all. So each thread, once started, waits at a `Barrier` of both before its
 * work: they work at the same time because they both exist, not because they happened to
 * boot close together.
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/threading/01-two-threads.js
 */
import { pathToFileURL } from 'node:url';

import { Barrier, Thread } from 'concur-ts/threading';

import { threadTask } from './tasks.js';

export interface Options {
  /** Collect the main thread's lines without printing them; the threads stay silent. */
  quiet?: boolean;
  /** How long each thread works, in ms (default 200 and 300). */
  durationsMs?: [number, number];
}

export interface Result {
  lines: string[];
  /** Each thread's ident (its `threadId`). */
  idents: number[];
  /** When each thread started and when it ended its work, in ms from the start: `[start, end]`. */
  intervals: [number, number][];
  elapsedMs: number;
}

export async function main(options: Options = {}): Promise<Result> {
  const quiet = options.quiet === true;
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (!quiet) console.log(line);
  };
  const [durationA, durationB] = options.durationsMs ?? [200, 300];
  // Each thread records when it started and ended, in memory both threads share.
  const times = new Float64Array(new SharedArrayBuffer(4 * Float64Array.BYTES_PER_ELEMENT));

  print('--- Starting multithreading example ---');
  const start = performance.timeOrigin + performance.now();
  const together = new Barrier(2);
  const t1 = new Thread({
    target: threadTask,
    args: ['Thread A', durationA, together, times, 0, quiet],
  });
  const t2 = new Thread({
    target: threadTask,
    args: ['Thread B', durationB, together, times, 1, quiet],
  });
  t1.start();
  t2.start();
  await t1.join();
  await t2.join();
  const elapsedMs = performance.timeOrigin + performance.now() - start;
  print(
    `--- Multithreading example ended, total time: ${(elapsedMs / 1000).toFixed(2)} seconds ---`,
  );

  return {
    lines,
    idents: [t1.ident!, t2.ident!],
    intervals: [
      [times[0]! - start, times[1]! - start],
      [times[2]! - start, times[3]! - start],
    ],
    elapsedMs,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
