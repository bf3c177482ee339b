/**
 * `concur/threading`: threads, and (with the shared-memory primitives) the tools to
 * coordinate them.
 *
 * Python equivalent: `threading`. Names are Python's in camelCase; durations are in
 * milliseconds. Threads are `worker_threads`: they run in parallel (Node has no GIL) and
 * share only what is shared explicitly.
 *
 * @module
 */
export { Thread, type ThreadOptions } from './Thread.js';
export { currentThread, mainThread, enumerate, activeCount } from './currentThread.js';
export { setExcepthook, type ExceptHook, type ExceptHookArgs } from './excepthook.js';
