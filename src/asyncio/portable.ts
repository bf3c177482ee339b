/**
 * The names of `concur-ts/asyncio` that every runtime gets, browsers included; the Node
 * entry (index.ts) adds `toThread`, the browser entry (index.browser.ts) a stand-in.
 *
 * @module
 */ export { run } from './run.js';
export {
  Task,
  createTask,
  currentTask,
  allTasks,
  type TaskFunction,
  type TaskOptions,
} from './Task.js';
export { sleep } from './sleep.js';
export { gather, type GatherOptions, type GatherResults, type GatherSettled } from './gather.js';
export { waitFor, type WaitForTarget } from './waitFor.js';
export { timeout, timeoutAt, Timeout } from './timeout.js';
export { shield } from './shield.js';
export { TaskGroup } from './TaskGroup.js';
export { Lock, type LockStatistics } from './Lock.js';
export { Event, type EventStatistics } from './Event.js';
export { Condition, type ConditionStatistics } from './Condition.js';
export { Semaphore, type SemaphoreStatistics } from './Semaphore.js';
export { BoundedSemaphore, type BoundedSemaphoreStatistics } from './BoundedSemaphore.js';
export { Barrier, type BarrierState, type BarrierStatistics } from './Barrier.js';
export { Queue, type QueueOptions, type QueueStatistics } from './Queue.js';
export { PriorityQueue, type PriorityQueueOptions } from './PriorityQueue.js';
export { LifoQueue } from './LifoQueue.js';
export {
  getRunningLoop,
  type Loop,
  type Handle,
  type ExceptionContext,
  type ExceptionHandler,
} from './loop.js';
export { Future, isFuture } from '../futures/Future.js';
export { ensureFuture } from '../futures/ensureFuture.js';
export { wait } from './wait.js';
export {
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  type ReturnWhen,
  type WaitOptions,
  type WaitResult,
} from '../futures/wait.js';
export {
  asCompleted,
  AsCompletedIterator,
  type AsCompletedOptions,
} from '../futures/asCompleted.js';
export {
  CancelledError,
  TimeoutError,
  InvalidStateError,
  ExceptionGroup,
  BrokenBarrierError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
} from '../errors.js';
