/**
 * `concur-ts/futures`: one `Future` for every backend, and the functions that wait on them.
 *
 * Python equivalent: `concurrent.futures` (and the future half of `asyncio`), with
 * `ThreadPoolExecutor` on worker threads. Tasks are defined with `defineTask`.
 *
 * @module concur-ts/futures
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
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from './ThreadPoolExecutor.js';
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from './ProcessPoolExecutor.js';
export { transfer, Transfer, type Transferable, type Untransfer } from './transfer.js';
export { taskSignal } from './taskSignal.js';
export { isWorker } from './isWorker.js';
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
