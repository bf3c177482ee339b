/**
 * What the browser entries of `concur-ts`, `concur-ts/futures` and `concur-ts/asyncio` put
 * in place of the parts that need worker threads or child processes: the same names, so a
 * program written for Node bundles for the browser unchanged, and each throws an
 * `UnsupportedRuntimeError` at the call (never at import) that says what to do instead.
 * docs/browsers.md has the plan for threads over Web Workers.
 *
 * @module
 */
import { unsupported } from './support.js';

const WORKAROUND =
  'Run this part on Node, Bun or Deno; in a browser keep the work on the page with concur-ts/asyncio (threads over Web Workers are planned: docs/browsers.md).';

function needsWorkers(what: string, feature: string): never {
  throw unsupported(feature, `${what} needs them and a browser has no ${feature}`, WORKAROUND);
}

/** In a browser: throws `UnsupportedRuntimeError` (no worker threads). */
export class ThreadPoolExecutor {
  constructor(_options?: unknown) {
    needsWorkers('ThreadPoolExecutor', 'worker threads (node:worker_threads)');
  }
}

/** In a browser: throws `UnsupportedRuntimeError` (no child processes). */
export class ProcessPoolExecutor {
  constructor(_options?: unknown) {
    needsWorkers('ProcessPoolExecutor', 'child processes (node:child_process)');
  }
}

/** In a browser: throws `UnsupportedRuntimeError` (no worker threads). */
export function toThread(_task: unknown, ..._args: unknown[]): never {
  return needsWorkers('toThread()', 'worker threads (node:worker_threads)');
}

/** In a browser there is no default executor to shut down. */
export async function shutdownDefaultExecutor(): Promise<void> {}

/** In a browser the page is never a concur worker. */
export function isWorker(): boolean {
  return false;
}
