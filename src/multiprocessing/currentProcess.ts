/**
 * `currentProcess`, `parentProcess`, `activeChildren`, `cpuCount`: which processes exist.
 *
 * @module
 */
import { osBuiltin } from '../internal/runtime/support.js';

import { identity } from '../internal/worker/processInfo.js';
import { externalProcess, liveProcesses, type Process } from './Process.js';

let self: Process | null = null;
let parent: Process | null | undefined;

/**
 * The `Process` object of this process: `MainProcess` in the program node started, else
 * the child's name (`Process-1`, a pool worker's `ProcessPoolExecutor-0_1`).
 *
 * Python equivalent: `multiprocessing.current_process()`.
 */
export function currentProcess(): Process {
  return (self ??= externalProcess(identity.name, process.pid, identity.daemon));
}

/**
 * The `Process` object of the process that started this one, or `null` in the main
 * process (or in a process concur did not start).
 *
 * Python equivalent: `multiprocessing.parent_process()`.
 */
export function parentProcess(): Process | null {
  if (parent === undefined) {
    parent =
      identity.parentPid === null
        ? null
        : externalProcess(identity.parentName ?? 'MainProcess', identity.parentPid, false);
  }
  return parent;
}

/**
 * The `Process`es started from this process that have not ended yet.
 *
 * Python equivalent: `multiprocessing.active_children()`. Difference: the workers of a
 * `ProcessPoolExecutor` are not listed.
 */
export function activeChildren(): Process[] {
  return liveProcesses();
}

/**
 * The number of CPUs this process may use (`os.availableParallelism()`).
 *
 * Python equivalent: `multiprocessing.cpu_count()` (closer: `os.process_cpu_count()`).
 */
export function cpuCount(): number {
  return osBuiltin().availableParallelism();
}
