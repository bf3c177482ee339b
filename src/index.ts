/**
 * `concur`: Python's concurrency toolkit for TypeScript on Node.js.
 *
 * The root re-exports the most used names; each model has its own subpath named after
 * Python's module: `concur-ts/asyncio`, `concur-ts/threading`, `concur-ts/futures`,
 * `concur-ts/testing`. Work that crosses to another thread is named with `defineTask`.
 *
 * @module concur-ts
 */
export {
  run,
  createTask,
  Task,
  currentTask,
  sleep,
  gather,
  waitFor,
  timeout,
  shield,
  TaskGroup,
  Lock,
  Event,
  Semaphore,
  Queue,
} from './asyncio/index.js';
export {
  Future,
  wait,
  asCompleted,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  ThreadPoolExecutor,
  ProcessPoolExecutor,
  defineTask,
  isWorker,
  taskSignal,
  transfer,
} from './futures/index.js';
export {
  ConcurError,
  CancelledError,
  TimeoutError,
  InvalidStateError,
  BrokenExecutor,
  BootstrapError,
  WorkerCrashedError,
  WorkerLostError,
  TaskLostError,
  ConnectionLostError,
  AuthenticationError,
  MissingDependencyError,
  UnsupportedRuntimeError,
  TaskModuleNotFoundError,
  RemoteError,
  SerializationError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  BrokenBarrierError,
  BrokenResourceError,
  EOFError,
  ExceptionGroup,
  type SerializedError,
  type WorkerExit,
} from './errors.js';
