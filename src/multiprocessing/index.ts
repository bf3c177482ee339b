/**
 * `concur/multiprocessing`: functions in child processes.
 *
 * A `Process` runs a task (`defineTask`) or a self-contained function in a fresh child
 * process (`child_process.fork`), with its arguments structured-cloned. Children never
 * outlive their parent: a parent that exits, crashes or is killed takes them with it.
 *
 * Python equivalent: `multiprocessing` with the `spawn` start method. See the README's
 * Python → concur table.
 *
 * @module
 */
export { Process, type ProcessOptions } from './Process.js';
export { currentProcess, parentProcess, activeChildren, cpuCount } from './currentProcess.js';
export { Pool, type PoolOptions, type MapAsyncOptions } from './Pool.js';
export { AsyncResult, type AsyncCallbacks } from './AsyncResult.js';
export { InvalidStateError, SerializationError } from '../errors.js';
