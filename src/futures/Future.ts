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
import { inspect } from 'node:util';

import { CancelledError, InvalidStateError } from '../errors.js';
import { callExceptionHandler, callSoon } from '../internal/loop.js';
import { Resumption, taskContext, type TaskLike } from '../internal/taskContext.js';
import { checkFunction } from '../internal/validate.js';

const PENDING = 0;
const RUNNING = 1;
const FINISHED = 2;
const CANCELLED = 3;
type State = typeof PENDING | typeof RUNNING | typeof FINISHED | typeof CANCELLED;

const STATE_NAMES = ['pending', 'running', 'finished', 'cancelled'] as const;

/** A callback run when a future is done; it receives the future. */
export type DoneCallback<T> = (future: Future<T>) => void;

/** The part of a task that `then` talks to when a task awaits a future. */
interface AwaitingTask extends TaskLike {
  _resumeCancellation(future: object): CancelledError | null;
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
   * @internal The result; or the exception when `_hasException`; or, once cancelled, the
   * `CancelledError` (made on first use). One field for the three saves 16 bytes on every
   * future and task (a million pending tasks hold a million of them).
   */
  _result: unknown = undefined;
  /** @internal */ _hasException = false;
  /** @internal */ _cancelMessage: string | undefined = undefined;
  /**
   * @internal One callback, or an array of them: most futures get exactly one (their
   * awaiter's or gather's), and skipping the array saves an allocation per future. Typed
   * loosely so that `Future<T>` stays covariant in `T`.
   */
  _callbacks: DoneCallback<any> | DoneCallback<any>[] | null = null;
  /** @internal A native promise that settles with this future, made on first `then`. */
  _promise: Promise<T> | null = null;
  /** @internal The resolving functions of `_promise` while it is pending. */
  _resolve: ((value: unknown) => void) | null = null;
  /** @internal */ _reject: ((reason: unknown) => void) | null = null;
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
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state !== FINISHED) throw new InvalidStateError('Result is not ready.');
    this._observed = true;
    if (this._hasException) throw this._result;
    return this._result as T;
  }

  /**
   * The exception the future failed with, or `null` if it finished with a result.
   * Throws `CancelledError` if cancelled and `InvalidStateError` while not done.
   */
  exception(): unknown {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state !== FINISHED) throw new InvalidStateError('Exception is not set.');
    this._observed = true;
    return this._hasException ? this._result : null;
  }

  /**
   * Calls `fn(future)` once the future is done — soon, through the loop's ready queue,
   * even when it is already done. Callbacks run in the order they were added.
   */
  addDoneCallback(fn: DoneCallback<T>): void {
    checkFunction('the done callback', fn);
    if (this._state >= FINISHED) {
      callSoon(fn, this);
      return;
    }
    const callbacks = this._callbacks;
    if (callbacks === null) this._callbacks = fn;
    else if (typeof callbacks === 'function') this._callbacks = [callbacks, fn];
    else callbacks.push(fn);
  }

  /** Removes every registration of `fn`; returns how many were removed. */
  removeDoneCallback(fn: DoneCallback<T>): number {
    const callbacks = this._callbacks;
    if (callbacks === null) return 0;
    if (typeof callbacks === 'function') {
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
    this._finish(true, value);
  }

  /** Marks the future failed with `error`. `InvalidStateError` if already done. */
  setException(error: unknown): void {
    if (this._state >= FINISHED) {
      throw new InvalidStateError(
        `invalid state: cannot set the exception of a ${this._stateName()} future`,
      );
    }
    this._result = error;
    this._hasException = true;
    this._state = FINISHED;
    this._finish(false, error);
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
   * on, so cancelling the task cancels it.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this._observed = true;
    const promise = this._promise ?? this._makePromise();
    const task = taskContext.getStore() as AwaitingTask | undefined;
    if (task === undefined || (task as unknown) === this || task.done()) {
      return promise.then(onFulfilled, onRejected);
    }
    task._awaiting(this);
    const resumption = new Resumption(task, this, onFulfilled, onRejected);
    return taskContext.thenResuming(
      promise,
      resumption,
      resumeFulfilled,
      resumeRejected,
    ) as Promise<R1 | R2>;
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
  [inspect.custom](
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
    if (this._state === FINISHED) {
      if (this._hasException) info.push(`exception=${inspect(this._result, { depth: 0 })}`);
      else info.push(`result=${inspect(this._result, { depth: 0, maxStringLength: 40 })}`);
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
      error = new CancelledError(this._cancelMessage ?? '');
      this._result = error;
    }
    return error as CancelledError;
  }

  /** @internal Cancels whatever the state; `error` keeps a caught `CancelledError`. */
  _setCancelled(msg: string | undefined, error?: CancelledError): void {
    this._cancelMessage = msg;
    this._result = error; // a value kept for later (sleep's) goes; the error is made on demand
    this._state = CANCELLED;
    this._finish(false, this._resolve === null ? undefined : this._makeCancelledError());
  }

  /** @internal Finished with a result or an exception without the already-done check. */
  _finishWith(ok: boolean, value: unknown): void {
    this._result = value;
    this._hasException = !ok;
    this._state = FINISHED;
    this._finish(ok, value);
  }

  private _makePromise(): Promise<T> {
    let promise: Promise<T>;
    if (this._state === CANCELLED) {
      promise = Promise.reject(this._makeCancelledError());
    } else if (this._state !== FINISHED) {
      // A shared executor that hands the resolving functions over through module
      // variables: no closure (and context) per promise. Every await of a fresh future
      // makes one of these.
      promise = new Promise<T>(captureResolvers);
      this._resolve = capturedResolve;
      this._reject = capturedReject;
      capturedResolve = capturedReject = null; // keep nothing alive
    } else if (this._hasException) {
      promise = Promise.reject(this._result);
    } else {
      promise = Promise.resolve(this._result as T);
    }
    this._promise = promise;
    return promise;
  }

  private _finish(ok: boolean, value: unknown): void {
    const resolve = this._resolve;
    if (resolve !== null) {
      const reject = this._reject!;
      this._resolve = null;
      this._reject = null;
      if (ok) resolve(value);
      else reject(this._state === CANCELLED ? this._makeCancelledError() : value);
    }
    const callbacks = this._callbacks;
    if (callbacks !== null) {
      this._callbacks = null;
      if (typeof callbacks === 'function') callSoon(callbacks, this);
      else callSoon(runCallbacks, { future: this, callbacks });
    }
    if (!ok && this._state === FINISHED && !this._observed) {
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

// The handlers of a task's await of a future. On resumption they deliver a cancel that
// arrived after the future finished but before the task ran again (asyncio's
// `_must_cancel` check at the start of `__step`).

function resumeFulfilled(value: unknown): unknown {
  const { task, future, onFulfilled, onRejected } = taskContext.takeResumption();
  const cancelled = (task as AwaitingTask)._resumeCancellation(future);
  if (cancelled !== null) {
    if (onRejected) return onRejected(cancelled);
    throw cancelled;
  }
  return onFulfilled ? onFulfilled(value) : value;
}

function resumeRejected(reason: unknown): unknown {
  const { task, future, onRejected } = taskContext.takeResumption();
  const cancelled = (task as AwaitingTask)._resumeCancellation(future);
  const error = cancelled !== null && !(reason instanceof CancelledError) ? cancelled : reason;
  if (onRejected) return onRejected(error);
  throw error;
}

function runCallbacks<T>(batch: { future: Future<T>; callbacks: DoneCallback<T>[] }): void {
  for (const fn of batch.callbacks) {
    try {
      fn(batch.future);
    } catch (exception) {
      callExceptionHandler({
        message: 'Exception in a done callback',
        exception,
        future: batch.future,
        callback: fn,
      });
    }
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
