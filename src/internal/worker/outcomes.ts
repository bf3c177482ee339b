/**
 * What a worker's answer means on the caller's side, for the statuses other than a plain
 * result (protocol.ts): shared by the pool and `Thread`.
 *
 * @module
 */
import { osBuiltin } from '../runtime/support.js';
import { inspect } from '../runtime/inspect.js';

import {
  BootstrapError,
  BrokenExecutor,
  SerializationError,
  TimeoutError,
  WorkerCrashedError,
  type SerializedError,
} from '../../errors.js';
import { deserializeError } from './codec.js';
import {
  LOCAL_BOOTSTRAP,
  LOCAL_NOT_SELF_CONTAINED,
  LOCAL_SERIALIZATION,
  ST_ERROR,
  ST_LOCAL,
  ST_THROWN,
} from './protocol.js';
import { DEF_REF, taskDef } from './taskRef.js';
import { argTypeError } from '../base/validate.js';

/** A readable name for task number `num` in messages. */
export function taskLabel(num: number): string {
  const def = taskDef(num);
  return def[0] === DEF_REF ? `task ${JSON.stringify(def[2])}` : 'the function sent by source';
}

/**
 * The error (or thrown value) a failed answer carries: a `RemoteError` for an error the
 * task threw, the value itself for a thrown non-error, and a local error class when the
 * runtime could not run or answer the task (`SerializationError`, a `ReferenceError` for a
 * by-source function that is not self-contained, a `TypeError` for an unknown task, a
 * `BootstrapError` for a module that starts workers at import).
 */
export function failureOf(status: number, value: unknown, num: number): unknown {
  if (status === ST_ERROR) return deserializeError(value as SerializedError);
  if (status === ST_THROWN) return value;
  if (status !== ST_LOCAL) throw new Error(`not a failure status: ${status}`);
  const [kind, text, cause] = value as [number, string, SerializedError | undefined];
  const options = cause === undefined ? undefined : { cause: deserializeError(cause) };
  if (kind === LOCAL_SERIALIZATION) {
    return new SerializationError(`${taskLabel(num)}: ${text}`, options);
  }
  if (kind === LOCAL_BOOTSTRAP) return new BootstrapError(text);
  if (kind === LOCAL_NOT_SELF_CONTAINED) {
    return Object.assign(new ReferenceError(text, options), {
      code: 'ERR_CONCUR_NOT_SELF_CONTAINED',
    });
  }
  const error = argTypeError(text);
  Object.assign(error, { code: 'ERR_CONCUR_UNKNOWN_TASK' });
  if (options !== undefined) error.cause = options.cause;
  return error;
}

/** How a worker ended: its exit code or signal, and what it was (thread or process). */
export interface WorkerEnd {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  kind: 'thread' | 'process';
}

/** "exited with code 3", "was killed by signal SIGKILL (9)". */
export function describeEnd(end: WorkerEnd): string {
  if (end.signal !== null) {
    const number = osBuiltin().constants.signals[end.signal];
    return `was killed by signal ${end.signal}${number === undefined ? '' : ` (${number})`}`;
  }
  return `exited with code ${end.exitCode}`;
}

/**
 * The `WorkerCrashedError` of task number `num`, whose worker ended as `end` — killed by
 * `error` if any, or ended by its pool for `reason`.
 */
export function crashError(
  num: number,
  end: WorkerEnd,
  error: unknown,
  reason: string | null,
): WorkerCrashedError {
  const worker = `the worker ${end.kind} running it`;
  let how: string;
  if (reason !== null) how = reason;
  else if ((error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    how = `${worker} ran out of memory (resourceLimits) and ${describeEnd(end)}`;
  } else if (error !== undefined) {
    how = `${worker} died of an uncaught error (${inspect(error, { depth: 0 }).split('\n')[0]}) and ${describeEnd(end)}`;
  } else if (end.signal !== null) {
    how = `${worker} ${describeEnd(end)}`;
  } else {
    how = `${worker} ${describeEnd(end)} (process.exit() or a crash)`;
  }
  return new WorkerCrashedError(
    `${taskLabel(num)} did not finish: ${how}. The pool replaced the worker; other tasks are unaffected`,
    { exitCode: end.exitCode, signal: end.signal },
    error === undefined ? undefined : { cause: error },
  );
}

/** The `TimeoutError` of task number `num`, which ran past the pool's `taskTimeout`. */
export function taskTimeoutError(num: number, taskTimeout: number): TimeoutError {
  return new TimeoutError(
    `${taskLabel(num)} did not finish within the taskTimeout of ${taskTimeout} ms`,
  );
}

/** The error that breaks a pool (`kind`: "ThreadPoolExecutor") whose initializer threw. */
export function initFailedError(kind: string, cause: SerializedError): BrokenExecutor {
  // (A bundled program's worker refuses to start when the bundle starts workers itself.)
  const what =
    cause.name === 'BootstrapError'
      ? `A worker refused to start (${cause.message})`
      : 'A worker initializer failed';
  return new BrokenExecutor(`${what}, the ${kind} is not usable anymore`, {
    cause: deserializeError(cause),
  });
}

/** The error that breaks a pool whose workers kept dying before they were ready. */
export function diedBeforeReadyError(
  kind: string,
  end: WorkerEnd,
  error: unknown,
  inARow: number,
): BrokenExecutor {
  const how = describeEnd(end);
  const cause = error instanceof Error ? error : new Error(`the worker ${how}`);
  return new BrokenExecutor(
    `${inARow} workers in a row of the ${kind} died before they were ready (the last ${how}), the ${kind} is not usable anymore: check its initializer, resourceLimits and execArgv`,
    { cause },
  );
}
