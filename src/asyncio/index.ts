/**
 * `concur-ts/asyncio`: single-thread tasks with asyncio's semantics.
 *
 * Python equivalent: `asyncio`. Names are Python's in camelCase; durations are in
 * milliseconds. See the README's Python → concur table for every difference.
 *
 * @module concur-ts/asyncio
 */

export * from './portable.js';
export { toThread, shutdownDefaultExecutor } from './toThread.js';
