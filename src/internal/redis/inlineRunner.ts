/**
 * How a distributed worker started with `pool: 'none'` runs a job: its calls on the
 * worker's own event loop, all at once, with a `taskSignal()` made only if a task asks
 * for it. The pool kinds submit the calls to a local pool instead (DistributedWorker.ts).
 *
 * @module
 */
import { CancelledError } from '../../errors.js';
import type { TaskFunction } from '../worker/taskRef.js';
import { callWithSignal } from '../worker/workerRuntime.js';

/**
 * The values of `calls`, awaited in order: the first to fail (by position, as a chunk's
 * calls would fail one after another) rejects it.
 */
export async function awaitAll(calls: readonly PromiseLike<unknown>[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const call of calls) values.push(await call);
  return values;
}

/**
 * Runs a job's calls on this event loop (`pool: 'none'`), all at once. `cancel(msg)`
 * aborts their `taskSignal()` (made only if a task asks for it) and rejects `results` with
 * a `CancelledError` at once: there is no thread to stop, so a task that ignores the
 * signal runs on and its outcome is dropped.
 */
export function runInline(
  fn: TaskFunction,
  calls: readonly unknown[][],
): { results: Promise<unknown[]>; cancel: (msg: string | undefined) => void } {
  let controller: AbortController | null = null;
  let reason: CancelledError | null = null;
  let rejectCancelled!: (error: CancelledError) => void;
  const cancelled = new Promise<never>((_, reject) => {
    rejectCancelled = reject;
  });
  const signal = (): AbortSignal => {
    if (controller === null) {
      controller = new AbortController();
      if (reason !== null) controller.abort(reason);
    }
    return controller.signal;
  };
  const runs = calls.map((args) => {
    // A throw inside the executor rejects the promise, like an async task's rejection.
    const run = new Promise<unknown>((resolve) =>
      resolve(callWithSignal(signal, () => fn(...args))),
    );
    // Observed by awaitAll in order; marked handled now so that a later call failing
    // first (or after a cancel) is not an unhandled rejection meanwhile.
    run.catch(() => undefined);
    return run;
  });
  return {
    results: Promise.race([awaitAll(runs), cancelled]),
    cancel(msg) {
      if (reason !== null) return;
      reason = new CancelledError(msg ?? 'the task was cancelled');
      controller?.abort(reason);
      rejectCancelled(reason);
    },
  };
}
