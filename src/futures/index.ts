/**
 * `concur-ts/futures`: one `Future` for every backend, and the functions that wait on them.
 *
 * Python equivalent: `concurrent.futures` (and the future half of `asyncio`), with
 * `ThreadPoolExecutor` on worker threads. Tasks are defined with `defineTask`.
 *
 * @module concur-ts/futures
 */

export * from './portable.js';
export { ThreadPoolExecutor } from './ThreadPoolExecutor.js';
export { ProcessPoolExecutor } from './ProcessPoolExecutor.js';
export { taskSignal } from './taskSignal.js';
export { isWorker } from './isWorker.js';
