/**
 * The browser entry of `concur-ts/asyncio` (package.json's `browser` condition): the same names as the
 * Node entry, with the parts that need worker threads or child processes replaced by ones
 * that throw `UnsupportedRuntimeError` when called. See docs/browsers.md.
 *
 * @module
 */

export * from './portable.js';
export { toThread, shutdownDefaultExecutor } from '../internal/runtime/browserStandIns.js';
