/**
 * The browser entry of `concur-ts` (package.json's `browser` condition): the same names as the
 * Node entry, with the parts that need worker threads or child processes replaced by ones
 * that throw `UnsupportedRuntimeError` when called. See docs/browsers.md.
 *
 * @module
 */

export * from './portable.js';
export {
  ThreadPoolExecutor,
  ProcessPoolExecutor,
  isWorker,
  taskSignal,
} from './futures/index.browser.js';
