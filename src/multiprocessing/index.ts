/**
 * `concur-ts/multiprocessing`: Python's `multiprocessing` for Node processes.
 *
 * A `Process` runs a task (`defineTask`) or a self-contained function in a fresh child
 * process (`child_process.fork`), with its arguments structured-cloned; a `Pool` runs many
 * on worker processes. Children never outlive their parent: a parent that exits, crashes
 * or is killed takes them with it.
 *
 * The queues, pipes, locks and managers here work across any set of processes,
 * grandchildren included: the process that creates one serves it (on a private unix
 * socket, started on first use) and hands the others a small `{ address, id }` state
 * when the object is passed to them (as a `Process` argument, a `Queue` item, or
 * `encodeShared` over any IPC channel). Every call that may involve another process is
 * async. When the creating process exits, other processes' calls reject with
 * `BrokenResourceError` (pipes: `EOFError`) — never a hang.
 *
 * Python equivalent: `multiprocessing` with the `spawn` start method. See the README's
 * Python → concur table.
 *
 * @module concur-ts/multiprocessing
 */
export { Process, type ProcessOptions } from './Process.js';
export { currentProcess, parentProcess, activeChildren, cpuCount } from './currentProcess.js';
export { Pool, type PoolOptions, type MapAsyncOptions } from './Pool.js';
export { AsyncResult, type AsyncCallbacks } from './AsyncResult.js';
export { Queue } from './Queue.js';
export { SimpleQueue } from './SimpleQueue.js';
export { JoinableQueue } from './JoinableQueue.js';
export type { QueueWaitOptions, QueueStatistics } from '../internal/ipc/queueHandle.js';
export { Pipe, Connection, wait } from './Pipe.js';
export { Lock, type LockStatistics } from './Lock.js';
export { RLock } from './RLock.js';
export { Semaphore, type SemaphoreStatistics } from './Semaphore.js';
export { BoundedSemaphore } from './BoundedSemaphore.js';
export { Condition, type ConditionStatistics } from './Condition.js';
export { Event, type EventStatistics } from './Event.js';
export { Barrier, type BarrierOptions, type BarrierStatistics } from './Barrier.js';
export { Manager } from './Manager.js';
export { DictProxy } from './DictProxy.js';
export { ListProxy } from './ListProxy.js';
export { NamespaceProxy } from './NamespaceProxy.js';
export type { DictKey } from '../internal/ipc/managerCores.js';
export type { AcquireOptions } from '../internal/shm/futex.js';
export { encodeShared, decodeShared, type SharedState } from '../internal/shm/shareable.js';
export {
  BrokenBarrierError,
  BrokenResourceError,
  EOFError,
  InvalidStateError,
  QueueEmpty,
  QueueEmpty as Empty,
  QueueFull,
  QueueFull as Full,
  SerializationError,
  TimeoutError,
  UnsupportedRuntimeError,
} from '../errors.js';
