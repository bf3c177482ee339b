/**
 * `concur-ts/task` — what a module of tasks needs, and nothing more: `defineTask`,
 * `isWorker`, `taskSignal` and `transfer`.
 *
 * Every worker imports the modules of the tasks it runs, and with them what they import.
 * A module that defines tasks and imports them from here loads, in each worker, only what
 * the worker runs anyway — not the pools, futures or the event loop that `concur-ts` and
 * `concur-ts/futures` bring (a worker thread reads and compiles about 50 KB before its
 * first task instead of 170 KB). The names are the same objects as those of `concur-ts`
 * and `concur-ts/futures`.
 *
 * @example
 * ```ts
 * // tasks.ts
 * import { defineTask } from 'concur-ts/task';
 * export const square = defineTask(import.meta.url, function square(n: number) {
 *   return n * n;
 * });
 * ```
 *
 * @module concur-ts/task
 */
export { defineTask, type DefineTaskOptions, type TaskRef } from '../internal/worker/taskRef.js';
export { isWorker } from '../futures/isWorker.js';
export { taskSignal } from '../futures/taskSignal.js';
export { transfer, Transfer, type Transferable, type Untransfer } from '../futures/transfer.js';
