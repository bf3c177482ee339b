/**
 * The browser entry of `concur-ts/futures` (package.json's `browser` condition): the same names as the
 * Node entry, with the parts that need worker threads or child processes replaced by ones
 * that throw `UnsupportedRuntimeError` when called. See docs/browsers.md.
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
  Executor,
  type ExecutorStatistics,
  type MapIterables,
  type MapOptions,
  type ShutdownOptions,
  type SubmitOptions,
  type TaskFn,
  type TaskResult,
} from './Executor.js';
export type { ThreadPoolExecutorOptions } from './ThreadPoolExecutor.js';
export type { ProcessPoolExecutorOptions } from './ProcessPoolExecutor.js';
export {
  ThreadPoolExecutor,
  ProcessPoolExecutor,
  isWorker,
} from '../internal/runtime/browserStandIns.js';
export { transfer, Transfer, type Transferable, type Untransfer } from './transfer.js';
export { taskSignal } from './taskSignal.browser.js';
export { defineTask, type DefineTaskOptions, type TaskRef } from '../internal/worker/taskRef.js';
export {
  CancelledError,
  TimeoutError,
  InvalidStateError,
  BrokenExecutor,
  BootstrapError,
  WorkerCrashedError,
  RemoteError,
  SerializationError,
  UnsupportedRuntimeError,
} from '../errors.js';
