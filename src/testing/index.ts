/**
 * `concur-ts/testing`: deterministic time and leak checks for tests of concurrent code.
 *
 * @module concur-ts/testing
 */
export { VirtualClock, type VirtualClockOptions } from './VirtualClock.js';
export { leakReport, describeLeaks, type LeakReport } from './leaks.js';
export { captureExceptions, type CapturedExceptions } from './captureExceptions.js';
