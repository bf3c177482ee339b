/**
 * `currentThread`, `mainThread`, `enumerate`, `activeCount`: which threads exist.
 *
 * @module
 */
import { nodeBuiltin } from '../internal/runtime/support.js';

import type { ThreadWorkerData } from '../internal/worker/threadCells.js';
import { externalThread, inherited, liveThreads, type Thread } from './Thread.js';

const { isMainThread, threadId, workerData } =
  nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

let main: Thread | null = null;
let self: Thread | null = null;

/**
 * The main thread's `Thread` object (`name` `'MainThread'`, `ident` 0).
 *
 * Python equivalent: `threading.main_thread()`.
 */
export function mainThread(): Thread {
  return (main ??= externalThread('MainThread', 0, false));
}

/**
 * The `Thread` object of the thread running this code: the main thread, a `Thread`'s
 * worker (with that thread's name) or a pool worker (`ThreadPoolExecutor-0_1`). In a
 * worker thread concur did not start it is named `Dummy-<threadId>`, like Python's
 * `_DummyThread`.
 *
 * Python equivalent: `threading.current_thread()`.
 */
export function currentThread(): Thread {
  if (isMainThread) return mainThread();
  if (self === null) {
    const data = (workerData as Partial<ThreadWorkerData> | null)?.concur;
    self =
      data === undefined
        ? externalThread(`Dummy-${threadId}`, threadId, true)
        : externalThread(data.name, threadId, data.daemon);
    inherited.daemon = self.daemon;
  }
  return self;
}

/**
 * The threads alive that this thread knows: the main thread, the current thread, and the
 * `Thread`s started from this thread that have not ended.
 *
 * Python equivalent: `threading.enumerate()`. Difference: every worker has its own heap,
 * so a thread sees only the threads it started (plus the main and current thread), and
 * pool workers are not listed.
 */
export function enumerate(): Thread[] {
  const out = [mainThread()];
  const current = currentThread();
  if (current !== out[0]) out.push(current);
  return out.concat(liveThreads());
}

/** `enumerate().length`. Python equivalent: `threading.active_count()`. */
export function activeCount(): number {
  return enumerate().length;
}

if (!isMainThread) currentThread(); // in a worker: set the daemon flag new threads inherit
