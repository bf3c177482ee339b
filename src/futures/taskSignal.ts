/**
 * `taskSignal()`: the `AbortSignal` of the task that is running.
 *
 * @module
 */
import { InvalidStateError } from '../errors.js';
import { asyncioSignal } from '../internal/runtime/asyncioSignal.js';
import { runningTaskSignal } from '../internal/worker/workerRuntime.js';

/**
 * The `AbortSignal` of the running task: inside a pool task, the signal the pool aborts
 * when the task's future is cancelled or its `taskTimeout` expires; inside an asyncio
 * task, `task.signal`.
 *
 * In a pool task, call it **synchronously at the start of the task function — before its
 * first `await`** — and keep the signal: after an `await` the runtime can no longer tell
 * which task is asking (tracking that across awaits would need `AsyncLocalStorage`, which
 * on Node 20 slows every promise in the worker). The signal's `reason` is a
 * `CancelledError` or a `TimeoutError`.
 *
 * Python equivalent: none — Python cannot cancel a running `concurrent.futures` task.
 *
 * @throws {InvalidStateError} outside a running task (or after its first `await`).
 *
 * @example
 * ```ts
 * export const crawl = defineTask(import.meta.url, async function crawl(url: string) {
 *   const signal = taskSignal(); // first thing, before any await
 *   const response = await fetch(url, { signal });
 *   return response.status;
 * });
 * ```
 */
export function taskSignal(): AbortSignal {
  const signal = runningTaskSignal() ?? asyncioSignal();
  if (signal !== null) return signal;
  throw new InvalidStateError(
    'taskSignal() was called outside a running task: call it synchronously at the start of the task function (before its first await) and keep the signal',
  );
}
