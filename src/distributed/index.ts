/**
 * `concur-ts/distributed`: the `Executor` contract across machines, on BullMQ and Redis
 * (optional peer dependencies `bullmq` and `ioredis`, loaded only when this subpath is
 * used), and the worker that runs the tasks (`runWorker`, `concur worker`).
 *
 * Python equivalent: none in the standard library — `concurrent.futures` across machines,
 * as Dask's `ClientExecutor` or Ray's `Pool` provide it; workers run registered task names
 * only, as Celery's do.
 *
 * @module concur-ts/distributed
 */
export {
  DistributedExecutor,
  type DistributedExecutorOptions,
  type KeepFinished,
} from './DistributedExecutor.js';
export { DistributedWorker, type WorkerStatistics } from './DistributedWorker.js';
export { runWorker, type RunWorkerOptions } from './runWorker.js';
export type { RedisConnection, RedisConnectionOptions } from '../internal/redis/connection.js';
export { defineTask, type DefineTaskOptions, type TaskRef } from '../internal/worker/taskRef.js';
export { taskSignal } from '../futures/taskSignal.js';
export {
  AuthenticationError,
  CancelledError,
  ConnectionLostError,
  InvalidStateError,
  MissingDependencyError,
  RemoteError,
  SerializationError,
  TaskLostError,
  TaskModuleNotFoundError,
  TimeoutError,
  WorkerLostError,
} from '../errors.js';
