/**
 * The browser entry of `concur-ts` (package.json's `browser` condition): the same names as the
 * Node entry, with the parts that need worker threads or child processes replaced by ones
 * that throw `UnsupportedRuntimeError` when called. See docs/browsers.md.
 *
 * @module
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
} from './asyncio/index.browser.js';
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
} from './futures/index.browser.js';
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
