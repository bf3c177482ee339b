/**
 * The wire protocol between a pool (or a `Thread`) and its worker, shared by every
 * transport. Every message is a flat array whose first element is its kind: flat arrays of
 * numbers and the arguments themselves clone several times faster than arrays of small
 * objects.
 *
 *   main ─► worker   [RUN, defs | null, id, ctl, argc, ...args, id, ctl, argc, ...args, …]
 *                    [ABORT, id, reason]                 reason: ABORT_CANCEL | ABORT_TIMEOUT
 *                    [STOP]                              flush, drain stdio, exit
 *                    [INIT, initializer, single, concurrency, loader]   (processes) first
 *   worker ─► main   [READY]                             after the initializer ran
 *                    [INIT_FAILED, SerializedError]
 *                    [RESULTS, id, status, value, id, status, value, …]
 *                    [STARTED, count, exact?]            (processes) see below
 *                    [FATAL, SerializedError]            (processes) an uncaught error
 *
 * `id` is the main side's slot for the task; `ctl` is `taskNumber << CTL_SHIFT | flags`;
 * `defs` is `[taskNumber, TaskDef, …]` for the task numbers the worker has not been told
 * yet. Tasks start in the order they arrive, one after the other (workerRuntime.ts); the
 * worker counts them in a shared progress cell (see `WorkerChannel.started`) so that after
 * a crash the main side knows which never began. A worker process has no shared memory:
 * before it starts the first task of a batch it sends STARTED with the number of tasks it
 * has received (an upper bound of those that will have started); before a CTL_FLUSH task,
 * the exact count including it; and the exact count when it exits ([STARTED, count, true]
 * for the exact ones).
 *
 * @module
 */

export const RUN = 0;
export const ABORT = 1;
export const READY = 2;
export const INIT_FAILED = 3;
export const RESULTS = 4;
/** Main → worker: finish up (flush results and stdio) and exit. */
export const STOP = 5;
/** Worker process → main: how many tasks have (or are about to have) started. */
export const STARTED = 6;
/** Main → worker process: the first message, with the initializer. */
export const INIT = 7;
/** Worker process → main: the uncaught error that is about to end it. */
export const FATAL = 8;

/** `ctl` flag: the arguments hold shareable state (`decodeShared` them). */
export const CTL_SHARED = 1;
/** `ctl` flag: the result is not wanted (a `Thread` target); send `undefined`. */
export const CTL_DISCARD = 2;
/**
 * `ctl` flag: the arguments are `arity, values` — a chunk of calls whose arguments follow
 * one another in `values`, `arity` per call; run the task on each and answer the list of
 * results (`Executor.map` with a `chunksize`).
 */
export const CTL_CHUNK = 4;
/**
 * `ctl` flag: a task of another kind than the one sent before it, of unknown length: the
 * worker sends the results it holds before starting it, and tells exactly where it is
 * (`WorkerEndpoint.started`), so that neither waits for it.
 */
export const CTL_FLUSH = 8;
export const CTL_SHIFT = 4;

/** Result status: `value` is the result. */
export const ST_OK = 0;
/** Result status: `value` is the result and holds shareable state. */
export const ST_OK_SHARED = 1;
/** Result status: `value` is a `SerializedError`. */
export const ST_ERROR = 2;
/** Result status: `value` is a thrown non-error value, as itself. */
export const ST_THROWN = 3;
/** Result status: the task was aborted before it started and did not run. */
export const ST_SKIPPED = 4;
/** Result status: `value` is `[LocalErrorKind, message, SerializedError | undefined]`. */
export const ST_LOCAL = 5;

/** Why the runtime, not the task, failed a task (rebuilt as a local error class). */
export const LOCAL_SERIALIZATION = 0;
export const LOCAL_UNKNOWN_TASK = 1;
export const LOCAL_NOT_SELF_CONTAINED = 2;
/** The task's module started workers while a worker imported it (bootstrap.ts). */
export const LOCAL_BOOTSTRAP = 3;

export const ABORT_CANCEL = 0;
export const ABORT_TIMEOUT = 1;
