/**
 * `toThread(task, ...args)`: run a task on a worker thread and await it.
 *
 * @module
 */
import type { TaskFn, TaskResult } from '../futures/Executor.js';
import { Future } from '../internal/loop/Future.js';
import type { ThreadPoolExecutor } from '../futures/ThreadPoolExecutor.js';
import { taskNumber } from '../internal/worker/taskRef.js';

// The pool engine is loaded on the first toThread, not with concur/asyncio: a program that
// never calls it does not pay for it at start-up (it doubled the modules the import loads).
let Pool: typeof ThreadPoolExecutor | null = null;
let loading: Promise<typeof ThreadPoolExecutor> | null = null;
let defaultExecutor: ThreadPoolExecutor | null = null;

function executor(pool: typeof ThreadPoolExecutor): ThreadPoolExecutor {
  return (defaultExecutor ??= new pool({ threadNamePrefix: 'asyncio' }));
}

/**
 * `toThread` while the pool engine loads: a future that follows the pool's once it has
 * one (a cancel reaches the running task, as it would directly).
 */
function submitOnceLoaded<F extends TaskFn>(task: F, args: Parameters<F>): Future<TaskResult<F>> {
  const outer = new Future<TaskResult<F>>();
  let inner: Future<TaskResult<F>> | null = null;
  outer.addDoneCallback(() => {
    if (outer.cancelled()) inner?.cancel();
  });
  loading ??= import('../futures/ThreadPoolExecutor.js').then((m) => (Pool = m.ThreadPoolExecutor));
  void loading.then(
    (pool) => {
      if (outer.done()) return; // cancelled meanwhile
      try {
        inner = executor(pool).submit(task, ...args);
      } catch (error) {
        outer.setException(error);
        return;
      }
      inner.addDoneCallback((done) => {
        if (outer.done()) return;
        if (done.cancelled()) {
          outer.cancel();
          return;
        }
        let value: TaskResult<F>;
        try {
          value = done.result();
        } catch (error) {
          outer.setException(error);
          return;
        }
        outer.setResult(value);
      });
    },
    (error: unknown) => {
      if (!outer.done()) outer.setException(error);
    },
  );
  return outer;
}

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
  if (Pool !== null) return executor(Pool).submit(task, ...args);
  taskNumber(task, true); // a task that is not one fails here, at the call, as in submit
  return submitOnceLoaded(task, args);
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
