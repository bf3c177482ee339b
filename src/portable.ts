/**
 * The names of `concur-ts` that every runtime gets, browsers included; the Node entry
 * (index.ts) adds the pools, `taskSignal` and `isWorker`, the browser entry
 * (index.browser.ts) stand-ins.
 *
 * @module
 */ export {
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
} from './asyncio/portable.js';
export {
  Future,
  wait,
  asCompleted,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  defineTask,
  transfer,
} from './futures/portable.js';
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
