/**
 * `concur`: Python's concurrency toolkit for TypeScript on Node.js.
 *
 * The root re-exports the most used names; each model has its own subpath named after
 * Python's module: `concur-ts/asyncio`, `concur-ts/threading`, `concur-ts/futures`,
 * `concur-ts/testing`. Work that crosses to another thread is named with `defineTask`.
 *
 * @module concur-ts
 */

export * from './portable.js';
export { ThreadPoolExecutor, ProcessPoolExecutor, isWorker, taskSignal } from './futures/index.js';
