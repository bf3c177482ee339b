import { inWorker } from '../internal/worker/bootstrap.js';

/**
 * Whether this code runs in a worker concur started — a pool's worker thread or process,
 * a `Thread` or a `Process` — rather than in the main program: the guard for a module
 * that defines tasks and also does the program's work.
 *
 * Every worker imports the module of the tasks it runs. If that module is your entry
 * file, its top-level work (creating a pool, submitting tasks) would run again in each
 * worker; concur refuses that with a {@link BootstrapError}. Put that work under
 * `if (!isWorker())`. In a thread, `isMainThread` from `node:worker_threads` works too;
 * in a worker process it is `true`, so processes need `isWorker()`. A program bundled into
 * one file (or a single executable) is its own task module: its workers start from the
 * bundle, so its main code always needs this guard.
 *
 * Python equivalent: `if __name__ == "__main__":` (a spawned child imports the main
 * module under another name); also `multiprocessing.parent_process() is not None`.
 *
 * @example
 * ```ts
 * // main.ts: defines a task and runs the program
 * import { defineTask, isWorker, ProcessPoolExecutor } from 'concur-ts';
 *
 * export const square = defineTask(import.meta.url, function square(n: number) {
 *   return n * n;
 * });
 *
 * if (!isWorker()) {
 *   await using pool = new ProcessPoolExecutor();
 *   console.log(await pool.submit(square, 3)); // 9
 * }
 * ```
 */
export function isWorker(): boolean {
  return inWorker();
}
