/**
 * `toThread(task, ...args)`: run a task on a worker thread and await it.
 *
 * @module
 */
import type { TaskFn, TaskResult } from '../futures/Executor.js';
import type { Future } from '../futures/Future.js';
import { ThreadPoolExecutor } from '../futures/ThreadPoolExecutor.js';

let defaultExecutor: ThreadPoolExecutor | null = null;

/**
 * Runs `task(...args)` on a worker thread of a default `ThreadPoolExecutor` (made on first
 * use) and returns its future, so that a blocking or CPU-heavy call does not stall the
 * event loop.
 *
 * Python equivalent: `asyncio.to_thread(func, *args)`. Differences: the task is a task
 * reference (`defineTask`) or a self-contained function, its arguments and result are
 * structured-cloned, and it runs truly in parallel (Node has no GIL). The default pool's
 * idle workers never keep the process alive; `shutdownDefaultExecutor()` stops them.
 *
 * Cancellation: cancelling the awaiting task cancels the future, which aborts the task's
 * `taskSignal()` (Python's thread would run on).
 *
 * @throws {TypeError} `task` is not a task.
 *
 * @example
 * ```ts
 * const digest = await toThread(hashFile, '/tmp/big.iso');
 * ```
 */
export function toThread<F extends TaskFn>(task: F, ...args: Parameters<F>): Future<TaskResult<F>> {
  defaultExecutor ??= new ThreadPoolExecutor({ threadNamePrefix: 'asyncio' });
  return defaultExecutor.submit(task, ...args);
}

/**
 * Shuts down the executor `toThread` uses, waiting for its work; the next `toThread`
 * makes a new one. Python equivalent: `loop.shutdown_default_executor()`.
 */
export async function shutdownDefaultExecutor(): Promise<void> {
  const executor = defaultExecutor;
  defaultExecutor = null;
  if (executor !== null) await executor.shutdown({ wait: true });
}
