/**
 * `concur-ts/threading`: Python's `threading` and `queue` primitives for worker threads.
 * They live in `SharedArrayBuffer`s and really block across threads: pass one to a
 * worker (a `Thread` or pool task argument; or, with raw `worker_threads`, `workerData` /
 * `postMessage` through `encodeShared` / `decodeShared`, calling `markOwnerDead` on the
 * worker's exit) and both sides use the same lock, event or queue.
 *
 * Every blocking call is async (`acquire()`, `wait()`, `get()`, `put()`, `join()`) and
 * has a blocking `…Sync` twin for worker threads, which refuses to run on the main
 * thread unless given `{ allowMainThread: true }`. Durations are milliseconds; `-1` or
 * `undefined` means no limit.
 *
 * Python equivalent: `threading` (Lock, RLock, Condition, Semaphore, BoundedSemaphore,
 * Event, Barrier, Thread, Timer), `queue` (Queue, LifoQueue, PriorityQueue, SimpleQueue) and
 * `multiprocessing.Value`/`Array`. See the README's Python → concur table.
 *
 * @module concur-ts/threading
 */
export { Lock, type LockStatistics, type AcquireSyncOptions } from './Lock.js';
export { RLock, type RLockStatistics } from './RLock.js';
export { Condition, type ConditionStatistics } from './Condition.js';
export { Semaphore, type SemaphoreStatistics } from './Semaphore.js';
export { BoundedSemaphore } from './BoundedSemaphore.js';
export { Event, type EventStatistics } from './Event.js';
export {
  Barrier,
  type BarrierOptions,
  type BarrierState,
  type BarrierStatistics,
} from './Barrier.js';
export { Value, type SharedCellOptions } from './Value.js';
export { SharedArray, SharedArray as Array } from './Array.js';
export {
  Queue,
  type QueueOptions,
  type QueueWaitOptions,
  type QueueSyncOptions,
  type QueueStatistics,
} from './Queue.js';
export { LifoQueue } from './LifoQueue.js';
export { PriorityQueue } from './PriorityQueue.js';
export { SimpleQueue, type SimpleQueueOptions } from './SimpleQueue.js';
export type { AcquireOptions, SyncOptions } from '../internal/shm/futex.js';
// For raw `worker_threads` (your own `Worker`, `workerData`, `MessagePort`): what concur's
// `Thread` and pools do for you — carry primitives across, and break the locks of a dead
// thread. A deliberate public API, documented in the README.
export { encodeShared, decodeShared, type SharedState } from '../internal/shm/shareable.js';
export { markOwnerDead } from '../internal/shm/owners.js';
export type { ElementType, ElementOf, TypeName, TypeCode } from '../internal/shm/typeCodes.js';
export {
  BrokenBarrierError,
  BrokenResourceError,
  InvalidStateError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  UnsupportedRuntimeError,
} from '../errors.js';
export { Thread, type ThreadOptions } from './Thread.js';
export { Timer, type TimerOptions } from './Timer.js';
export { currentThread, mainThread, enumerate, activeCount } from './currentThread.js';
export { setExcepthook, type ExceptHook, type ExceptHookArgs } from './excepthook.js';
