/**
 * The names of `concur-ts/futures` that every runtime gets, browsers included; the Node
 * entry (index.ts) adds the pools, `taskSignal` and `isWorker`, the browser entry
 * (index.browser.ts) stand-ins.
 *
 * @module
 */ export { Future, isFuture, type DoneCallback } from './Future.js';
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
export { transfer, Transfer, type Transferable, type Untransfer } from './transfer.js';
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
export type { ThreadPoolExecutorOptions } from './ThreadPoolExecutor.js';
export type { ProcessPoolExecutorOptions } from './ProcessPoolExecutor.js';
