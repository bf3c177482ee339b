/**
 * Python's bootstrapping check: a worker that is importing a task's module must not start
 * workers of its own. A task defined in the program's entry file makes every worker import
 * that file; if its top level creates a pool, a `Thread` or a `Process`, each worker would
 * start more workers, without end (Python refuses the same with a `RuntimeError` asking
 * for `if __name__ == "__main__":`).
 *
 *   WorkerRuntime.define ── beginTaskImport ── import(module) ── endTaskImport ──► task
 *                                                 │ top level: new ThreadPoolExecutor()
 *                                                 ▼
 *                            refuseWhileImporting ── throws BootstrapError (remembered)
 *
 * The import then fails (or, if the module swallowed the error or hit it in a promise it
 * did not await, the import's end finds it remembered), and the task fails with it.
 *
 * @module
 */
import { BootstrapError } from '../../errors.js';
import { nodeBuiltin } from '../runtime/support.js';

const { isMainThread } = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

interface BootstrapState {
  /** True in a thread or process concur started to run tasks. */
  worker: boolean;
  /** Task module imports under way in this thread. */
  importing: number;
  /** The last task whose module import began, for the message. */
  module: string;
  name: string;
  /** The refusal raised during the imports under way, if any. */
  refused: BootstrapError | null;
  /** The bundle this worker started from, if it started from one (beginEntryLoad). */
  entry: string | null;
  /** Whether that bundle's evaluation ended. */
  entryDone: boolean;
}

// Off a global symbol, like the task registry: a second copy of concur loaded by the task
// module must see the same state.
const stateKey = Symbol.for('concur.bootstrap');
const state: BootstrapState = ((globalThis as Record<symbol, unknown>)[stateKey] ??= {
  worker: false,
  importing: 0,
  module: '',
  name: '',
  refused: null,
  entry: null,
  entryDone: false,
}) as BootstrapState;

/** Marks this thread or process as a concur worker (`isWorker()` is true from now on). */
export function markWorker(): void {
  state.worker = true;
}

/** True in a thread or process concur started to run tasks. */
export function inWorker(): boolean {
  return state.worker;
}

/**
 * A worker started from a bundle that holds both concur and the program (`url`, the
 * worker's entry) begins evaluating it: this is a worker from now on, and until
 * `endEntryLoad()` the program's top level must not start workers. Idempotent.
 */
export function beginEntryLoad(url: string): void {
  state.worker = true;
  if (state.entry === null) {
    state.entry = url;
    state.importing++;
    state.module = url;
    state.name = '';
  }
}

/** The bundle evaluated: the refusal raised meanwhile, or `null` (also with no bundle). */
export function endEntryLoad(): BootstrapError | null {
  if (state.entry === null || state.entryDone) return null;
  state.entryDone = true;
  return endTaskImport();
}

/** A worker begins importing the module of task `name`. */
export function beginTaskImport(module: string, name: string): void {
  state.importing++;
  state.module = module;
  state.name = name;
}

/**
 * An import begun with `beginTaskImport` settled: the refusal raised while it (or an
 * import overlapping it) ran, or `null`.
 */
export function endTaskImport(): BootstrapError | null {
  const refused = state.refused;
  if (--state.importing === 0) state.refused = null;
  return refused;
}

/**
 * Throws a `BootstrapError` if this worker is importing a task module: `what` ("a
 * ThreadPoolExecutor", "a Thread", …) would start workers at import time.
 */
export function refuseWhileImporting(what: string): void {
  if (state.importing === 0 || !state.worker) return;
  const where = isMainThread ? 'a worker process' : 'a worker thread';
  const guard = isMainThread
    ? '`if (!isWorker()) { … }` (isWorker from concur)'
    : '`if (isMainThread) { … }` (isMainThread from node:worker_threads), or `if (!isWorker()) { … }` (isWorker from concur)';
  const loading =
    state.name === ''
      ? `while it loaded ${state.module}, the bundle it runs (a bundled program's workers start from the bundle itself)`
      : `while it imported ${state.module} to run task ${JSON.stringify(state.name)}`;
  const error = new BootstrapError(
    `${what} was created in ${where} ${loading}: that module starts workers at its top level, so every worker would start more, without end. Guard the module's top-level work so that it runs only in the main program: ${guard} — as Python guards it with if __name__ == "__main__":`,
  );
  state.refused ??= error;
  throw error;
}
