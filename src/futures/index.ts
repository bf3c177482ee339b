/**
 * `concur/futures`: one `Future` for every backend, and the functions that wait on them.
 *
 * Python equivalent: `concurrent.futures` (and the future half of `asyncio`). The thread
 * and process pools (`ThreadPoolExecutor`, `ProcessPoolExecutor`) join this module with
 * their issues.
 *
 * @module
 */
export { Future, isFuture, type DoneCallback } from './Future.js';
export { ensureFuture, isAwaitable } from './ensureFuture.js';
export {
  wait,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  type ReturnWhen,
  type WaitOptions,
  type WaitResult,
} from './wait.js';
export { asCompleted, AsCompletedIterator, type AsCompletedOptions } from './asCompleted.js';
export {
  CancelledError,
  TimeoutError,
  InvalidStateError,
  BrokenExecutor,
  WorkerCrashedError,
  RemoteError,
} from '../errors.js';
