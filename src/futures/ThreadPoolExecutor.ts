/**
 * `ThreadPoolExecutor`: tasks on a pool of `worker_threads`.
 *
 * @module
 */
import type { ResourceLimits } from 'node:worker_threads';

import { PoolExecutor, poolConfig, type PoolExecutorOptions } from './PoolExecutor.js';
import { checkThreadsCanStart, openThreadChannel } from '../internal/worker/threadChannel.js';
import { argRangeError, argTypeError, show } from '../internal/base/validate.js';
import { checkHeapLimitsSupported } from '../internal/runtime/support.js';

/** Options of {@link ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions extends PoolExecutorOptions {
  /**
   * Heap limits of each worker (Node's `ResourceLimits`, in MB); a worker that exceeds them
   * fails its tasks with `WorkerCrashedError`. Each field must be a finite number at least
   * as large as a worker needs to start: `maxOldGenerationSizeMb` >= 16,
   * `maxYoungGenerationSizeMb` >= 0.5, `codeRangeSizeMb` >= 1, `stackSizeMb` >= 1.
   */
  resourceLimits?: ResourceLimits;
  /** Prefix of the workers' thread names (default `ThreadPoolExecutor-N`). */
  threadNamePrefix?: string;
}

let poolCount = 0;

/**
 * The smallest value of each `resourceLimits` field, in MB. Below them a worker dies
 * before it can say it is ready: of out-of-memory for a tiny old generation (it needs
 * about 8 MB to load its runtime), of a stack overflow in Node's bootstrap for a tiny
 * stack (which takes the whole process down with it).
 */
const RESOURCE_MINIMUMS: Readonly<Record<keyof ResourceLimits, number>> = {
  maxOldGenerationSizeMb: 16,
  maxYoungGenerationSizeMb: 0.5,
  codeRangeSizeMb: 1,
  stackSizeMb: 1,
};

function checkResourceLimits(limits: unknown): ResourceLimits | undefined {
  if (limits === undefined) return undefined;
  if (typeof limits !== 'object' || limits === null) {
    throw argTypeError(`resourceLimits must be an object, got ${show(limits)}`);
  }
  const fields = Object.keys(RESOURCE_MINIMUMS);
  for (const [key, value] of Object.entries(limits)) {
    const minimum = RESOURCE_MINIMUMS[key as keyof ResourceLimits] as number | undefined;
    if (minimum === undefined) {
      throw argTypeError(
        `resourceLimits has no field ${show(key)}; the fields are ${fields.join(', ')}`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'number') {
      throw argTypeError(`resourceLimits.${key} must be a number of megabytes, got ${show(value)}`);
    }
    if (!Number.isFinite(value) || value < minimum) {
      throw argRangeError(
        `resourceLimits.${key} must be at least ${minimum} (MB): a worker with less dies ` +
          `before it can run a task (leave the field out for Node's default); got ${value}`,
      );
    }
  }
  return limits;
}

/**
 * An executor that runs tasks on a pool of worker threads — in parallel on every core,
 * since Node has no GIL.
 *
 * Python equivalent: `concurrent.futures.ThreadPoolExecutor` (closer still: 3.14's
 * `InterpreterPoolExecutor`, whose workers, like ours, share no objects). Differences:
 * - tasks are code references (`defineTask`) or self-contained functions, and arguments
 *   and results are structured-cloned (concur's threading primitives arrive shared);
 * - a worker that crashes, calls `process.exit` or runs out of memory fails only the
 *   task it was running, with `WorkerCrashedError`, and is replaced; the tasks queued
 *   behind it are requeued (one that had finished, its result not yet sent, runs again);
 * - `future.cancel()` also reaches a running task (see *Cancellation*); `taskTimeout`;
 * - `maxWorkers` defaults to the number of cores, not `cores + 4`;
 * - a task counts as running (`future.running()`) from when it is sent to a worker, which
 *   may hold a few tiny tasks at once; it runs them one after the other, so that
 *   `maxWorkers` bounds what runs at once, async tasks included, as in Python
 *   (`concurrentTasksPerWorker` allows more).
 *
 * Speed: tasks are queued on this thread and sent to workers in batches (one message for
 * up to 512 tasks), so hundreds of thousands of tiny tasks per second pass through; an
 * idle worker picks up a single task in a few microseconds (an `Atomics` wake-up).
 *
 * Cancellation: `future.cancel()` on a queued task cancels it. On a running task the
 * future ends cancelled at once and the signal the task got from `taskSignal()` is
 * aborted; if the task has not finished `cancelGraceMs` later, its worker is terminated
 * and replaced, and the tasks queued behind it are requeued.
 *
 * Lifetime: idle workers never keep the process alive; work in flight does, as Python
 * waits for pending futures at exit.
 *
 * @throws {RangeError} `maxWorkers` below 1 (with the value), a negative duration, a
 * `resourceLimits` field too small for a worker to start.
 * @throws {TypeError} an option of the wrong kind, an unknown `resourceLimits` field.
 * @throws {UnsupportedRuntimeError} `resourceLimits` on Bun, whose workers ignore them, and
 * on Deno, which does not report a worker that runs out of memory; in a program bundled as
 * CommonJS, or by a bundler that wrote build-time paths for `import.meta.url`: its workers
 * have no file to start from.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor, asCompleted } from 'concur-ts/futures';
 * import { fetchLength } from './tasks.js';
 *
 * await using pool = new ThreadPoolExecutor({ maxWorkers: 5 });
 * const futures = urls.map((url) => pool.submit(fetchLength, url));
 * for await (const f of asCompleted(futures)) console.log(await f);
 * ```
 */
export class ThreadPoolExecutor extends PoolExecutor {
  constructor(options: ThreadPoolExecutorOptions = {}) {
    const config = poolConfig('ThreadPoolExecutor', options);
    const resourceLimits = checkResourceLimits(options.resourceLimits);
    if (resourceLimits !== undefined) checkHeapLimitsSupported();
    const prefix = options.threadNamePrefix ?? `ThreadPoolExecutor-${poolCount++}`;
    if (typeof prefix !== 'string') {
      throw argTypeError(`threadNamePrefix must be a string, got ${show(prefix)}`);
    }
    checkThreadsCanStart();
    super({
      ...config,
      allowSource: true,
      namePrefix: prefix,
      resourceLimits,
      open: openThreadChannel,
    });
  }
}
