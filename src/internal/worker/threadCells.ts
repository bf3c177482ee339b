/**
 * What a concur worker thread receives at start (`workerData.concur`), shared by the
 * thread channel (main side) and the worker bootstrap.
 *
 * @module
 */
import type { MessagePort } from 'node:worker_threads';

import type { LoaderPlan } from './loaderPlan.js';
import type { TaskDef } from './taskRef.js';

/** `cells` layout (Int32 indices). */
export const CELL_WAKE = 0;
export const CELL_STARTED = 1;
/** Set by the main side when it terminates the thread or sees it exit (owners.ts). */
export const CELL_TERMINATED = 2;
export const CELLS = 3;

/** The `workerData` a concur worker thread receives. */
export interface ThreadWorkerData {
  concur: {
    /** The task port (the main side keeps its twin). */
    port: MessagePort;
    /** Shared Int32 cells: WAKE (bumped by the main side), STARTED (tasks begun), TERMINATED. */
    cells: SharedArrayBuffer;
    /** The thread's name (`currentThread().name`). */
    name: string;
    /** Whether the thread is a daemon (`currentThread().daemon`). */
    daemon: boolean;
    /** The initializer: its task number and definition, and its arguments. */
    initializer: [num: number, def: TaskDef, args: unknown[]] | null;
    /** How many tasks may run at once. */
    concurrency: number;
    /** How to load TypeScript task modules as the parent does (loaderPlan.ts). */
    loader: LoaderPlan;
    /** The module URL the thread's own tasks are known by, if not its own (seaEntry.ts). */
    alias: string | null;
  };
}
