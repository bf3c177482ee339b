/**
 * `Future<T>`: the one result handle every backend returns.
 *
 * A future is pending, then (for executor futures) running, then either finished — with a
 * result or an exception — or cancelled. It is `PromiseLike`, so `await future` works, and
 * `gather`, `wait`, `asCompleted` and `shield` accept any mix of asyncio tasks, pool
 * futures and plain futures.
 *
 * Awaiting a future inside a task makes it the future that task waits on (asyncio's
 * `_fut_waiter`): `task.cancel()` cancels it, and a cancel that arrives after the future
 * finished but before the task resumed is delivered as `CancelledError` at that `await`.
 *
 * @module
 */
import { inspect, inspectCustom } from '../runtime/inspect.js';

import { CancelledError, InvalidStateError } from '../../errors.js';
import { callExceptionHandler, callSoon } from './loop.js';
import { taskContext, type TaskLike } from '../runtime/taskContext.js';
import { setImmediate } from '../runtime/timers.js';
import { checkFunction } from '../base/validate.js';

const PENDING = 0;
const RUNNING = 1;
const FINISHED = 2;
const CANCELLED = 3;
/** Finished with an exception (Python calls it finished too). */
const FAILED = 4;
type State = typeof PENDING | typeof RUNNING | typeof FINISHED | typeof CANCELLED | typeof FAILED;

const STATE_NAMES = ['pending', 'running', 'finished', 'cancelled', 'finished'] as const;

/** A callback run when a future is done; it receives the future. */
export type DoneCallback<T> = (future: Future<T>) => void;

/** The part of a task that `then` talks to when a task awaits a future. */
interface AwaitingTask extends TaskLike {
  _resumeCancellation(future: object): CancelledError | null;
  /**
   * While the task sits among a future's callbacks: the resolve function of the promise
   * that its `await` of that future waits on. Null when free.
   */
  _parked: unknown;
}

/**
 * A result that will be available later: the handle returned by `createTask`,
 * `executor.submit` and every other call that starts work.
 *
 * Python equivalent: `asyncio.Future` and `concurrent.futures.Future` in one class — no
 * `wrap_future` is ever needed between backends.
 *
 * Differences: `result()` and `exception()` never block; while the future is pending they
 * throw `InvalidStateError` (asyncio's behaviour). To wait, `await` the future. Done
 * callbacks always run soon after completion through the loop's ready queue, never inside
 * `setResult`, and a throwing callback is reported to the loop's exception handler while
 * the others still run.
 *
 * Cancellation: `cancel()` on a pending future cancels it at once and returns `true`;
 * on a finished future it returns `false`. Futures of running pool work and tasks treat it
 * as a request (see their docs).
 *
 * An exception that nobody retrieves (by `await`, `then`, `result()` or `exception()`)
 * is passed to the loop's exception handler, as Python logs "exception was never
 * retrieved"; it never becomes an unhandled rejection.
 *
 * @example
 * ```ts
 * const fut = new Future<number>();
 * setTimeout(() => fut.setResult(42), 10);
 * console.log(await fut); // 42
 * ```
 */
export class Future<T = unknown> implements PromiseLike<T> {
  /** @internal */ _state: State = PENDING;
  /**
   * @internal The result; or the exception when failed; or, once cancelled, the cancel
   * message until the `CancelledError` is made (on first use). One field for all of them
   * saves 24 bytes on every future and task (a million pending tasks hold a million).
   */
  _result: unknown = undefined;
  /**
   * @internal One callback, or an array of them: most futures get exactly one (their
   * awaiter's or gather's), and skipping the array saves an allocation per future. Typed
   * loosely so that `Future<T>` stays covariant in `T`.
   */
  _callbacks: Callback | Callback[] | null = null;
  /** @internal True once the exception (if any) was retrieved. */
  _observed = false;

  /** True when the future is finished or cancelled. */
  done(): boolean {
    return this._state >= FINISHED;
  }

  /** True when the future was cancelled. */
  cancelled(): boolean {
    return this._state === CANCELLED;
  }

  /**
   * True while the work behind the future is running (an executor task that a worker
   * picked up, a task that started). Python: `concurrent.futures.Future.running()`.
   */
  running(): boolean {
    return this._state === RUNNING;
  }

  /**
   * Cancels the future: a pending future becomes cancelled and its callbacks run.
   * Returns `false` when the future is already done (or is running and cannot be
   * cancelled). `msg` becomes the `CancelledError` message.
   */
  cancel(msg?: string): boolean {
    if (this._state !== PENDING) return false;
    this._setCancelled(msg);
    return true;
  }

  /**
   * The result. Throws the future's exception if it failed, `CancelledError` if it was
   * cancelled, and `InvalidStateError` while it is not done. Never blocks: `await` the
   * future to wait.
   */
  result(): T {
    const state = this._state;
    if (state === CANCELLED) throw this._makeCancelledError();
    if (state < FINISHED) throw new InvalidStateError('Result is not ready.');
    this._observed = true;
    if (state === FAILED) throw this._result;
    return this._result as T;
  }

  /**
   * The exception the future failed with, or `null` if it finished with a result.
   * Throws `CancelledError` if cancelled and `InvalidStateError` while not done.
   */
  exception(): unknown {
    const state = this._state;
    if (state === CANCELLED) throw this._makeCancelledError();
    if (state < FINISHED) throw new InvalidStateError('Exception is not set.');
    this._observed = true;
    return state === FAILED ? this._result : null;
  }

  /**
   * Calls `fn(future)` once the future is done — soon, through the loop's ready queue,
   * even when it is already done. Callbacks run in the order they were added.
   */
  addDoneCallback(fn: DoneCallback<T>): void {
    checkFunction('the done callback', fn);
    if (this._state >= FINISHED) callSoon(fn, this);
    else this._addCallback(fn);
  }

  /** Resumes an `await` of this future once it is done (soon if it is). */
  private _addAwaiter(awaiter: Resumption | AwaitingTask): void {
    if (this._state >= FINISHED) {
      callSoon(runCallbacks, { future: this, callbacks: awaiter });
    } else {
      this._addCallback(awaiter);
    }
  }

  private _addCallback(callback: Callback): void {
    const callbacks = this._callbacks;
    if (callbacks === null) this._callbacks = callback;
    else if (Array.isArray(callbacks)) callbacks.push(callback);
    else this._callbacks = [callbacks, callback];
  }

  /** Removes every registration of `fn`; returns how many were removed. */
  removeDoneCallback(fn: DoneCallback<T>): number {
    const callbacks = this._callbacks;
    if (callbacks === null) return 0;
    if (!Array.isArray(callbacks)) {
      if (callbacks !== fn) return 0;
      this._callbacks = null;
      return 1;
    }
    const kept = callbacks.filter((cb) => cb !== fn);
    this._callbacks = kept.length === 0 ? null : kept;
    return callbacks.length - kept.length;
  }

  /** Marks the future finished with `value`. `InvalidStateError` if already done. */
  setResult(value: T): void {
    if (this._state >= FINISHED) {
      throw new InvalidStateError(
        `invalid state: cannot set the result of a ${this._stateName()} future`,
      );
    }
    this._result = value;
    this._state = FINISHED;
    this._finish();
  }

  /** Marks the future failed with `error`. `InvalidStateError` if already done. */
  setException(error: unknown): void {
    if (this._state >= FINISHED) {
      throw new InvalidStateError(
        `invalid state: cannot set the exception of a ${this._stateName()} future`,
      );
    }
    this._result = error;
    this._state = FAILED;
    this._finish();
  }

  /**
   * For executors: moves a pending future to running and returns `true`, or returns
   * `false` if it was cancelled (the work must then not run). `InvalidStateError` in any
   * other state. Python: `set_running_or_notify_cancel()`.
   */
  setRunningOrNotifyCancel(): boolean {
    if (this._state === CANCELLED) return false;
    if (this._state !== PENDING) {
      throw new InvalidStateError(`invalid state: future is ${this._stateName()}, not pending`);
    }
    this._state = RUNNING;
    return true;
  }

  /**
   * Awaits the future. Inside a task this also makes the future the one the task waits
   * on, so cancelling the task cancels it. The handlers run soon after the future is done,
   * through the loop's ready queue in the order they were added, as done callbacks do.
   *
   * Given the two resolving functions of a native promise (which is how `await future`,
   * `Promise.resolve(future)` and `Promise.all` call it), `then` settles that promise
   * directly and returns `undefined`, as those callers ignore the result.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this._then(onFulfilled, onRejected, areResolvingFunctions(onFulfilled, onRejected));
  }

  /**
   * @internal `then`, told whether the handlers are the resolving functions of the promise
   * an `await` waits on (see `areResolvingFunctions`).
   */
  _then<R1, R2>(
    onFulfilled: ((value: T) => R1 | PromiseLike<R1>) | null | undefined,
    onRejected: ((reason: any) => R2 | PromiseLike<R2>) | null | undefined,
    fromAwait: boolean,
  ): Promise<R1 | R2> {
    this._observed = true;
    let task = taskContext.getStore() as AwaitingTask | undefined;
    if (task !== undefined) {
      if ((task as unknown) === this || task.done()) task = undefined;
      else task._awaiting(this);
    }
    if (fromAwait) {
      // `await future`: V8 hands over the resolving functions of the promise the `await`
      // waits on, and ignores what `then` returns. They are called straight from this
      // future's callbacks, and a task keeps the resolve function itself while it waits on
      // one future (an error goes through it as a `Rejection`; the reject function is
      // dropped): no derived promise, reaction or record per `await`.
      const resolve = onFulfilled as Settle;
      const reject = onRejected as Settle;
      if (task !== undefined && task._parked === null) {
        task._parked = resolve;
        this._addAwaiter(task);
      } else {
        this._addAwaiter(new Resumption(task ?? null, resolve, reject));
      }
      return undefined as unknown as Promise<R1 | R2>;
    }
    const promise = new Promise<R1 | R2>(captureResolvers);
    this._addAwaiter(
      new ChainedResumption(
        task ?? null,
        onFulfilled,
        onRejected,
        capturedResolve!,
        capturedReject!,
      ),
    );
    capturedResolve = capturedReject = null; // keep nothing alive
    return promise;
  }

  /** `then(undefined, onRejected)`. */
  catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  /** Runs `onFinally` when the future is done, keeping its outcome. */
  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.then(
      (value) => {
        onFinally?.();
        return value;
      },
      (reason) => {
        onFinally?.();
        throw reason;
      },
    );
  }

  get [Symbol.toStringTag](): string {
    return 'Future';
  }

  /** `<Future finished result=42>`. */
  [inspectCustom](
    _depth: number,
    options: { stylize: (s: string, style: string) => string },
  ): string {
    return `<${this._reprInfo(options).join(' ')}>`;
  }

  toString(): string {
    return `<${this._reprInfo().join(' ')}>`;
  }

  /** @internal Pieces of the repr; subclasses add theirs. */
  _reprInfo(_options?: unknown): string[] {
    const info: string[] = [this.constructor.name, this._stateName()];
    if (this._state === FAILED) {
      // Name and message only, as Python's repr does: whoever reports the failure
      // (the exception handler) prints the stack once, under this line.
      const error = this._result;
      info.push(
        `exception=${
          error instanceof Error
            ? `${error.name}${error.message === '' ? '' : `: ${error.message}`}`
            : inspect(error, { depth: 0 })
        }`,
      );
    } else if (this._state === FINISHED) {
      info.push(`result=${inspect(this._result, { depth: 0, maxStringLength: 40 })}`);
    }
    return info;
  }

  /** @internal */
  _stateName(): string {
    return STATE_NAMES[this._state];
  }

  /** @internal The `CancelledError` of a cancelled future: one instance, kept. */
  _makeCancelledError(): CancelledError {
    let error = this._result;
    if (!(error instanceof CancelledError)) {
      error = new CancelledError((error as string | undefined) ?? '');
      this._result = error;
    }
    return error as CancelledError;
  }

  /** @internal The message a cancelled future was cancelled with, if any. */
  _cancelledMessage(): string | undefined {
    const kept = this._result;
    return kept instanceof CancelledError ? kept.message : (kept as string | undefined);
  }

  /** @internal Cancels whatever the state; `error` keeps a caught `CancelledError`. */
  _setCancelled(msg: string | undefined, error?: CancelledError): void {
    // A value kept for later (sleep's) goes; the error is made on demand from the message.
    this._result = error ?? msg;
    this._state = CANCELLED;
    this._finish();
  }

  /** @internal Finished with a result or an exception without the already-done check. */
  _finishWith(ok: boolean, value: unknown): void {
    this._result = value;
    this._state = ok ? FINISHED : FAILED;
    this._finish();
  }

  private _finish(): void {
    const callbacks = this._callbacks;
    if (callbacks !== null) {
      this._callbacks = null;
      if (typeof callbacks === 'function') callSoon(callbacks, this);
      else callSoon(runCallbacks, { future: this, callbacks });
    }
    if (this._state === FAILED && !this._observed) {
      setImmediate(reportIfUnobserved, this);
    }
  }
}

let capturedResolve: ((value: unknown) => void) | null = null;
let capturedReject: ((reason: unknown) => void) | null = null;

function captureResolvers(resolve: (value: any) => void, reject: (reason: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * What a future calls back when done: a done callback, an `await` to resume, or a task
 * that holds the resolving functions of its `await` itself.
 */
type Callback = DoneCallback<any> | Resumption | AwaitingTask;

/** A resolving function of a native promise. */
type Settle = (value: unknown) => void;

/**
 * An `await` of a future, kept among the future's callbacks: it delivers the outcome to
 * the resolving functions of the promise the `await` waits on. Within a task, a cancel
 * that arrived after the future finished but before the task resumed is delivered
 * instead (asyncio's `_must_cancel` check at the start of `__step`).
 */
class Resumption {
  constructor(
    readonly task: AwaitingTask | null,
    readonly onFulfilled: Settle,
    readonly onRejected: Settle,
  ) {}

  resume(future: Future<unknown>): void {
    const value = awaitOutcome(future, this.task);
    this.deliver(outcomeOk, value);
  }

  deliver(ok: boolean, value: unknown): void {
    if (ok) this.onFulfilled(value);
    else this.onRejected(value);
  }
}

/** Whether the last `awaitOutcome` was a value (else an error to throw). */
let outcomeOk = false;

/** What an `await` of `future` (done) by `task` (null outside tasks) resumes with. */
function awaitOutcome(future: Future<unknown>, task: AwaitingTask | null): unknown {
  const cancelled = task === null ? null : task._resumeCancellation(future);
  outcomeOk = false;
  if (future._state === CANCELLED) return future._makeCancelledError();
  if (future._state === FAILED) {
    const error = future._result;
    return cancelled === null || error instanceof CancelledError ? error : cancelled;
  }
  if (cancelled !== null) return cancelled;
  outcomeOk = true;
  return future._result;
}

function resumeTask(task: AwaitingTask, future: Future<unknown>): void {
  const resolve = task._parked as Settle;
  task._parked = null;
  const value = awaitOutcome(future, task);
  resolve(outcomeOk ? value : new Rejection(value));
}

/**
 * A thenable that rejects with `error`: resolving a promise with it rejects the promise
 * (one microtask later than its reject function would).
 */
class Rejection {
  constructor(readonly error: unknown) {}

  then(_onFulfilled: unknown, onRejected: Settle): void {
    onRejected(this.error);
  }
}

/**
 * `future.then(onFulfilled, onRejected)` called by code: resumed like an `await`, then the
 * handlers run (in the task's context, inside a task) and settle the promise `then`
 * returned.
 */
class ChainedResumption extends Resumption {
  constructor(
    task: AwaitingTask | null,
    readonly fulfilled: ((value: any) => unknown) | null | undefined,
    readonly rejected: ((reason: any) => unknown) | null | undefined,
    resolve: Settle,
    reject: Settle,
  ) {
    super(task, resolve, reject);
  }

  override deliver(ok: boolean, value: unknown): void {
    const handle = ok ? chainFulfilled : chainRejected;
    if (this.task === null) handle(this, value);
    else taskContext.run(this.task, handle, this, value);
  }
}

function chainFulfilled(chained: ChainedResumption, value: unknown): void {
  const handler = chained.fulfilled;
  if (typeof handler !== 'function') chained.onFulfilled(value);
  else chainHandler(chained, handler, value);
}

function chainRejected(chained: ChainedResumption, reason: unknown): void {
  const handler = chained.rejected;
  if (typeof handler !== 'function') chained.onRejected(reason);
  else chainHandler(chained, handler, reason);
}

function chainHandler(
  chained: ChainedResumption,
  handler: (value: unknown) => unknown,
  value: unknown,
): void {
  let result: unknown;
  try {
    result = handler(value);
  } catch (error) {
    chained.onRejected(error);
    return;
  }
  chained.onFulfilled(result);
}

const BUILTIN_SOURCE = 'function () { [native code] }';

/**
 * True when `then` was called with the resolving functions of a native promise, as V8
 * does for `await future` (and `Promise.resolve(future)`, `Promise.all`): two anonymous
 * functions of one argument, the first a built-in by its source text. Reading the source
 * of a built-in costs ~50 ns, so only the first is read: a user's own pair never passes,
 * and a miss only costs the general path's memory.
 */
function areResolvingFunctions(a: unknown, b: unknown): boolean {
  return (
    typeof a === 'function' &&
    typeof b === 'function' &&
    a.name === '' &&
    b.name === '' &&
    a.length === 1 &&
    b.length === 1 &&
    Function.prototype.toString.call(a) === BUILTIN_SOURCE
  );
}

function runCallbacks(batch: { future: Future<unknown>; callbacks: Callback | Callback[] }): void {
  const { future, callbacks } = batch;
  if (!Array.isArray(callbacks)) {
    runCallback(callbacks, future);
    return;
  }
  for (const callback of callbacks) runCallback(callback, future);
}

function runCallback(callback: Callback, future: Future<unknown>): void {
  if (typeof callback !== 'function') {
    if (callback instanceof Resumption) callback.resume(future);
    else resumeTask(callback, future);
    return;
  }
  try {
    callback(future);
  } catch (exception) {
    callExceptionHandler({
      message: 'Exception in a done callback',
      exception,
      future,
      callback,
    });
  }
}

function reportIfUnobserved(future: Future<unknown>): void {
  if (future._observed) return;
  future._observed = true;
  const kind = future.constructor.name;
  callExceptionHandler({
    message: `${kind} exception was never retrieved`,
    exception: future._result,
    future,
  });
}

/** True for a concur `Future` (including tasks and executor futures). */
export function isFuture(value: unknown): value is Future<unknown> {
  return value instanceof Future;
}
