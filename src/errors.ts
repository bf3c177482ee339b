/**
 * Every error class concur throws, each with a stable `name` and `code`.
 *
 * Misuse (a wrong argument, a call in the wrong state) throws synchronously at the call.
 * Operational failure (a cancelled wait, a timeout, a dead worker) rejects the future or
 * promise of the call that caused it. Python's `ValueError` maps to the built-in
 * `RangeError` (a value out of range) or `TypeError` (a value of the wrong kind), each
 * with a Node-style `code`; Python's `RuntimeError` for state misuse maps to
 * {@link InvalidStateError}.
 *
 * @module
 */
import { builtin } from './internal/runtime/runtime.js';

/**
 * The base of every error concur defines. `code` is stable across releases; match on it
 * (or `instanceof`) rather than on the message.
 *
 * `Code` is `string` for every class but {@link RemoteError}, whose `code` is the remote
 * error's own (a string or a number).
 */
export class ConcurError<Code extends string | number = string> extends Error {
  /** Stable machine-readable code, e.g. `ERR_CONCUR_CANCELLED`. */
  readonly code: Code;

  constructor(message: string, code: Code, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

function named<T extends new (...args: any[]) => Error>(cls: T, name: string): void {
  Object.defineProperty(cls.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * The operation was cancelled: a task was cancelled while it waited, or a future was
 * cancelled before it produced a result.
 *
 * Python equivalent: `asyncio.CancelledError` / `concurrent.futures.CancelledError`.
 * Difference: JavaScript has no `BaseException`, so a bare `catch {}` swallows a
 * cancellation. Re-throw it (`if (e instanceof CancelledError) throw e`) unless you mean
 * to suppress the cancel, and call `task.uncancel()` when you do.
 *
 * `message` is the text given to `cancel(msg)` (empty when none was given), as Python's
 * `CancelledError.args`.
 */
export class CancelledError extends ConcurError {
  constructor(message = '', options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_CANCELLED', options);
  }
}
named(CancelledError, 'CancelledError');

/**
 * A deadline passed: `timeout()`, `waitFor()`, `asCompleted({timeout})`, or a pool's
 * `taskTimeout`.
 *
 * Python equivalent: the built-in `TimeoutError` (which `asyncio.TimeoutError` aliases).
 * When a timeout cancelled the work, `cause` is the {@link CancelledError} it caught, as
 * Python's `raise TimeoutError from exc`.
 */
export class TimeoutError extends ConcurError {
  constructor(message = 'the operation timed out', options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_TIMEOUT', options);
  }
}
named(TimeoutError, 'TimeoutError');

/**
 * A call was made in a state that does not allow it: the result of a pending future, a
 * result set twice, releasing a lock that is not held, re-entering a `TaskGroup`.
 *
 * Python equivalent: `asyncio.InvalidStateError` and, for state misuse of primitives and
 * task groups, `RuntimeError`.
 */
export class InvalidStateError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_INVALID_STATE', options);
  }
}
named(InvalidStateError, 'InvalidStateError');

/**
 * An executor can no longer run work because its `initializer` failed; every pending
 * future fails with it and `submit` throws it.
 *
 * Python equivalent: `concurrent.futures.BrokenExecutor` (`BrokenThreadPool`,
 * `BrokenProcessPool`). Unlike CPython, a crashed worker never breaks the executor — see
 * {@link WorkerCrashedError}.
 */
export class BrokenExecutor extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_BROKEN_EXECUTOR', options);
  }
}
named(BrokenExecutor, 'BrokenExecutor');

/**
 * A worker, while it imported a task's module to run the task, was asked to start more
 * workers: the module creates a pool, a `Thread` or a `Process` at its top level, so every
 * worker it starts would import it and start more, without end. The task whose module did
 * that fails with this error, and no worker is started.
 *
 * Guard the top-level work of a module that defines tasks — usually the program's entry
 * file — so that it runs only in the main program: `if (!isWorker()) { … }` (from
 * `concur`), or for thread workers `if (isMainThread) { … }` (from `node:worker_threads`).
 *
 * Python equivalent: the `RuntimeError` "An attempt has been made to start a new process
 * before the current process has finished its bootstrapping phase", which asks for
 * `if __name__ == "__main__":`.
 */
export class BootstrapError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_BOOTSTRAP', options);
  }
}
named(BootstrapError, 'BootstrapError');

/** Details of how a worker thread or process ended. */
export interface WorkerExit {
  /** The exit code, or `null` when the worker was ended by a signal. */
  readonly exitCode: number | null;
  /** The signal that ended a process worker (e.g. `'SIGKILL'`), or `null`. */
  readonly signal: NodeJS.Signals | null;
}

/**
 * The worker running a task crashed, exited or ran out of memory before the task
 * finished. Only the task(s) that worker held fail; the pool replaces the worker.
 *
 * Python equivalent: none — CPython breaks the whole `ProcessPoolExecutor`
 * (`BrokenProcessPool`) when one worker dies.
 */
export class WorkerCrashedError extends ConcurError implements WorkerExit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The number of `signal` on this platform (9 for `'SIGKILL'`), or `null`. */
  readonly signalNumber: number | null;

  constructor(message: string, exit: WorkerExit, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_WORKER_CRASHED', options);
    this.exitCode = exit.exitCode;
    this.signal = exit.signal;
    this.signalNumber = exit.signal === null ? null : (signalNumbers()?.[exit.signal] ?? null);
  }
}
named(WorkerCrashedError, 'WorkerCrashedError');

/** The platform's signal numbers, where the runtime has `node:os` (looked up when needed). */
function signalNumbers(): Record<string, number | undefined> | undefined {
  return builtin<{ constants: { signals: Record<string, number | undefined> } }>('node:os')
    ?.constants.signals;
}

/**
 * A distributed task's worker disappeared more times than the task may be retried.
 *
 * Python equivalent: none (Celery's `WorkerLostError` is the nearest).
 */
export class WorkerLostError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_WORKER_LOST', options);
  }
}
named(WorkerLostError, 'WorkerLostError');

/**
 * A distributed task's job disappeared from the queue before it finished — removed from
 * Redis by hand or by another program, or lost with Redis's data — so its result can never
 * arrive. The message names the job and the queue.
 *
 * Python equivalent: none.
 */
export class TaskLostError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_TASK_LOST', options);
  }
}
named(TaskLostError, 'TaskLostError');

/**
 * Redis could not be reached, or was lost, for longer than the executor's (or worker's)
 * `connectTimeout`: the futures waiting on it fail with this error, and `submit` throws it
 * until the connection is back. `cause` is the last connection error (e.g. `ECONNREFUSED`,
 * a TLS certificate error).
 *
 * Python equivalent: none (`ConnectionError` is the nearest).
 */
export class ConnectionLostError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_CONNECTION_LOST', options);
  }
}
named(ConnectionLostError, 'ConnectionLostError');

/**
 * Redis refused the credentials: a wrong or missing password or user name (`WRONGPASS`,
 * `NOAUTH`). It does not fix itself, so nothing is retried. `cause` is Redis's reply.
 *
 * Python equivalent: none (redis-py's `AuthenticationError` is the nearest).
 */
export class AuthenticationError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_AUTHENTICATION', options);
  }
}
named(AuthenticationError, 'AuthenticationError');

/**
 * An optional peer dependency that a subpath needs is not installed (e.g. `bullmq` and
 * `ioredis` for `concur-ts/distributed`). The message says what to install.
 *
 * Python equivalent: `ModuleNotFoundError` for an optional extra.
 */
export class MissingDependencyError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_MISSING_DEPENDENCY', options);
  }
}
named(MissingDependencyError, 'MissingDependencyError');

/**
 * The runtime (Bun, Deno, a browser, an old Node) lacks something a concur class needs:
 * thrown by that class's constructor, never at import. `runtime` names the runtime and its
 * version, `feature` the missing piece; the message also says the way around it.
 *
 * Python equivalent: none (the nearest is `NotImplementedError` on a platform without,
 * say, `fork`).
 */
export class UnsupportedRuntimeError extends ConcurError {
  /** The runtime and its version, e.g. `Bun 1.4.5` or `a browser`. */
  readonly runtime: string;
  /** What is missing, e.g. `worker threads (node:worker_threads)`. */
  readonly feature: string;

  constructor(
    message: string,
    details: { runtime?: string; feature?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, 'ERR_CONCUR_UNSUPPORTED_RUNTIME', options);
    this.runtime = details.runtime ?? '';
    this.feature = details.feature ?? '';
  }
}
named(UnsupportedRuntimeError, 'UnsupportedRuntimeError');

/**
 * A module of tasks named to a distributed worker (`runWorker({ tasks })`, `concur worker
 * --tasks`) is not there: no file at its path. `path` is the file looked for; `cause` is
 * the loader's own error (`ERR_MODULE_NOT_FOUND`).
 *
 * Python equivalent: `ModuleNotFoundError`.
 */
export class TaskModuleNotFoundError extends ConcurError {
  /** The file that was looked for. */
  readonly path: string;

  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_TASK_MODULE_NOT_FOUND', options);
    this.path = path;
  }
}
named(TaskModuleNotFoundError, 'TaskModuleNotFoundError');

/**
 * A task's arguments or result cannot cross to or from the worker: a function, a symbol,
 * a class instance (whose class and private fields structured clone would silently drop),
 * or a value whose serialisation threw. Only the future of that task fails; the pool and
 * every other task carry on.
 *
 * `cause` is the error the serialiser raised (usually a `DataCloneError`), when there is
 * one.
 *
 * Python equivalent: the `PicklingError` (arguments) or `MaybeEncodingError` (results)
 * that `concurrent.futures` / `multiprocessing` set on the future.
 */
export class SerializationError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_SERIALIZATION', options);
  }
}
named(SerializationError, 'SerializationError');

/** The shape in which an error crosses a thread, process or machine boundary. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  readonly code?: unknown;
  readonly cause?: SerializedError | undefined;
  /** Own enumerable properties of the original error (structured-clone- or JSON-safe). */
  readonly props?: Record<string, unknown> | undefined;
  /** The members of an `AggregateError` (or `ExceptionGroup`). */
  readonly errors?: readonly SerializedError[] | undefined;
}

/**
 * An error thrown by a task in another thread, process or machine, rebuilt on this side.
 *
 * - `code`: the remote error's own `code` when it had a string or number one (`'ENOENT'`,
 *   `'ERR_INVALID_ARG_TYPE'`, an exit status), so `err.code === 'ENOENT'` works after a
 *   pool task fails; otherwise `'ERR_CONCUR_REMOTE'`. That the error is remote is told by
 *   the class and by `remoteName`, not by the code.
 * - `remoteName`, `remoteStack`: the original class name and stack; `message` is the
 *   original message, and `stack` is `remoteStack` headed `RemoteError: [remote Name] …`.
 * - `cause`: the remote cause, itself a `RemoteError` (`undefined` when none).
 * - `errors`: the members of a remote `AggregateError`, each a `RemoteError`.
 * - The original's other own enumerable properties (`errno`, `path`, your own fields) are
 *   copied onto this object, except where they would hide one of the above; read them with
 *   a cast, as TypeScript cannot know them.
 *
 * Error classes are never rebuilt by name from remote data: match on `code` or
 * `remoteName`, not with `instanceof` of the original class.
 *
 * Python equivalent: the task's exception, re-raised by `Future.result()` with the
 * `_RemoteTraceback` that `concurrent.futures.process` chains as `__cause__`; Python
 * unpickles the original class, concur keeps its name.
 *
 * @example
 * ```ts
 * try {
 *   await pool.submit(readConfig, '/etc/app.json');
 * } catch (err) {
 *   if (err instanceof RemoteError && err.code === 'ENOENT') useDefaults();
 *   else throw err;
 * }
 * ```
 */
export class RemoteError extends ConcurError<string | number> {
  /** The `name` of the error on the remote side, e.g. `'TypeError'`. */
  readonly remoteName: string;
  /** The stack trace captured on the remote side. */
  readonly remoteStack: string | undefined;
  /** The members, when the remote error was an `AggregateError`; otherwise `undefined`. */
  readonly errors: RemoteError[] | undefined;
  /** The remote error's cause, rebuilt as a `RemoteError`; `undefined` when it had none. */
  declare readonly cause: RemoteError | undefined;

  constructor(remote: SerializedError) {
    const cause = remote.cause === undefined ? undefined : new RemoteError(remote.cause);
    const code =
      typeof remote.code === 'string' || typeof remote.code === 'number'
        ? remote.code
        : 'ERR_CONCUR_REMOTE';
    super(remote.message, code, cause === undefined ? undefined : { cause });
    this.remoteName = remote.name;
    this.remoteStack = remote.stack;
    this.errors = remote.errors?.map((member) => new RemoteError(member));
    if (remote.props !== undefined) {
      for (const [key, value] of Object.entries(remote.props)) {
        if (!(key in this)) (this as Record<string, unknown>)[key] = value;
      }
    }
    if (remote.stack !== undefined) {
      this.stack = `${this.name}: [remote ${remote.name}] ${remote.message}\n${remote.stack
        .split('\n')
        .slice(1)
        .join('\n')}`;
    }
  }
}
named(RemoteError, 'RemoteError');

/**
 * `getNowait()` on an empty queue.
 *
 * Python equivalent: `asyncio.QueueEmpty` / `queue.Empty`.
 */
export class QueueEmpty extends ConcurError {
  constructor(message = 'the queue is empty') {
    super(message, 'ERR_CONCUR_QUEUE_EMPTY');
  }
}
named(QueueEmpty, 'QueueEmpty');

/**
 * `putNowait()` on a full queue.
 *
 * Python equivalent: `asyncio.QueueFull` / `queue.Full`.
 */
export class QueueFull extends ConcurError {
  constructor(message = 'the queue is full') {
    super(message, 'ERR_CONCUR_QUEUE_FULL');
  }
}
named(QueueFull, 'QueueFull');

/**
 * A `put` or `get` on a queue that was shut down (for `get`: and is now empty).
 *
 * Python equivalent: `asyncio.QueueShutDown` / `queue.ShutDown` (3.13).
 */
export class QueueShutDown extends ConcurError {
  constructor(message = 'the queue has been shut down') {
    super(message, 'ERR_CONCUR_QUEUE_SHUT_DOWN');
  }
}
named(QueueShutDown, 'QueueShutDown');

/**
 * A barrier was reset or aborted (or, for thread barriers, a wait timed out or the
 * action threw) while tasks waited on it.
 *
 * Python equivalent: `asyncio.BrokenBarrierError` / `threading.BrokenBarrierError`.
 */
export class BrokenBarrierError extends ConcurError {
  constructor(message = 'the barrier is broken') {
    super(message, 'ERR_CONCUR_BROKEN_BARRIER');
  }
}
named(BrokenBarrierError, 'BrokenBarrierError');

/**
 * A shared resource can no longer be used because its owner died while holding it (a
 * lock held by a thread that exited).
 *
 * Python equivalent: none; Trio's `BrokenResourceError`.
 */
export class BrokenResourceError extends ConcurError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_BROKEN_RESOURCE', options);
  }
}
named(BrokenResourceError, 'BrokenResourceError');

/**
 * The other end of a pipe was closed (or its process exited) and nothing is left to
 * receive.
 *
 * Python equivalent: the `EOFError` that `multiprocessing.connection.Connection.recv()`
 * raises.
 */
export class EOFError extends ConcurError {
  constructor(message = 'the other end of the pipe was closed', options?: ErrorOptions) {
    super(message, 'ERR_CONCUR_EOF', options);
  }
}
named(EOFError, 'EOFError');

/**
 * Several errors raised together, e.g. by the children of a `TaskGroup`.
 *
 * Python equivalent: `ExceptionGroup` / `BaseExceptionGroup` (PEP 654). It extends the
 * built-in `AggregateError`, so `errors` holds the members; `exceptions` is Python's name
 * for the same list. `split` and `subgroup` work as in Python, keeping nesting.
 *
 * @example
 * ```ts
 * try {
 *   await TaskGroup.run(async (tg) => { tg.createTask(failsWithTypeError); });
 * } catch (e) {
 *   if (e instanceof ExceptionGroup) {
 *     const [typeErrors, rest] = e.split((x) => x instanceof TypeError);
 *   }
 * }
 * ```
 */
export class ExceptionGroup extends AggregateError {
  readonly code = 'ERR_CONCUR_EXCEPTION_GROUP';

  constructor(message: string, errors: Iterable<unknown>, options?: ErrorOptions) {
    const list = [...errors];
    if (list.length === 0) {
      throw new TypeError('an ExceptionGroup needs at least one error');
    }
    super(
      list,
      `${message} (${list.length} sub-exception${list.length === 1 ? '' : 's'})`,
      options,
    );
  }

  /** The member errors (Python's name for `errors`). */
  get exceptions(): readonly unknown[] {
    return this.errors as unknown[];
  }

  /** A group of the same kind with other members; `split`/`subgroup` use it. */
  derive(errors: Iterable<unknown>): ExceptionGroup {
    return new ExceptionGroup(this.message.replace(/ \(\d+ sub-exceptions?\)$/, ''), errors);
  }

  /**
   * The part of this group whose leaves match `predicate` (nesting kept), or `null`.
   * A group that itself matches is returned whole.
   */
  subgroup(predicate: (error: unknown) => boolean): ExceptionGroup | null {
    return this.split(predicate)[0];
  }

  /** `[matching, rest]`, each a group with the nesting kept, or `null` when empty. */
  split(predicate: (error: unknown) => boolean): [ExceptionGroup | null, ExceptionGroup | null] {
    if (predicate(this)) return [this, null];
    const match: unknown[] = [];
    const rest: unknown[] = [];
    for (const error of this.errors as unknown[]) {
      if (error instanceof ExceptionGroup) {
        const [m, r] = error.split(predicate);
        if (m !== null) match.push(m);
        if (r !== null) rest.push(r);
      } else if (predicate(error)) {
        match.push(error);
      } else {
        rest.push(error);
      }
    }
    return [
      match.length === 0 ? null : this.derive(match),
      rest.length === 0 ? null : this.derive(rest),
    ];
  }
}
named(ExceptionGroup, 'ExceptionGroup');
