/**
 * `concur-ts/task` in a browser: the same names; `isWorker()` is false (no workers) and
 * `taskSignal()` finds the running asyncio task's signal.
 *
 * @module
 */
export { defineTask, type DefineTaskOptions, type TaskRef } from '../internal/worker/taskRef.js';
export { isWorker } from '../internal/runtime/browserStandIns.js';
export { taskSignal } from '../futures/taskSignal.browser.js';
export { transfer, Transfer, type Transferable, type Untransfer } from '../futures/transfer.js';
