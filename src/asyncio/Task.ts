/**
 * `Task<T>`: an async function scheduled on the loop, with asyncio's cancellation.
 *
 * A task runs its function inside its own context, so `currentTask()` finds it across
 * every `await`. When the task awaits a concur future (`sleep`, a lock, a queue, another
 * task, `gather`…), that future becomes its waiter; `cancel()` cancels the waiter, which
 * throws `CancelledError` at the `await`. When the task is not waiting on a concur future
 * (it is running, or awaiting a foreign promise), the cancel is remembered and delivered
 * at its next concur `await`, and `task.signal` is aborted so foreign work can stop.
 *
 * @module
 */
import { inspect } from '../internal/runtime/inspect.js';

import { CancelledError, InvalidStateError } from '../errors.js';
import { Future } from '../internal/loop/Future.js';
import { callSoon } from '../internal/loop/loop.js';
import { taskContext, userContextPossible } from '../internal/runtime/taskContext.js';
import { AsyncResource } from '../internal/runtime/asyncResource.js';
import { provideAsyncioSignal } from '../internal/runtime/asyncioSignal.js';
import { argTypeError, checkFunction, show } from '../internal/base/validate.js';

/** The function a task runs. It receives the task, e.g. to pass `task.signal` on. */
export type TaskFunction<T> = (task: Task<T>) => T | PromiseLike<T>;

/** Options of `createTask`. */
export interface TaskOptions {
  /** The task's name (default `Task-<n>`). */
  name?: string;
  /**
   * Start the function synchronously inside `createTask`, up to its first `await`, instead
   * of on the next scheduler turn. Python: `eager_start=True` (3.14). Default `false`.
   */
  eagerStart?: boolean;
}

/** @internal Tasks started by one `run()` call, so it can cancel the leftovers. */
export interface RunScope {
  readonly id: number;
}

// Pending tasks form an intrusive doubly linked list (`_prev`/`_next`) rather than a Set:
// adding and removing a million tasks then allocates nothing, where a Set's rehashing was
// a tenth of the createTask + gather benchmark.
const head: { _next: Task<any> | null } = { _next: null };
let liveCount = 0;
let nextTaskId = 1;

function link(task: Task<any>): void {
  const first = head._next;
  task._next = first;
  if (first !== null) first._prev = task;
  head._next = task;
  liveCount++;
}

function unlink(task: Task<any>): void {
  const prev = task._prev;
  const next = task._next;
  if (prev === null) head._next = next;
  else prev._next = next;
  if (next !== null) next._prev = prev;
  task._prev = null;
  task._next = null;
  if (--liveCount === 0) taskContext.noTasksLeft(liveTaskCount);
}

/**
 * A scheduled async function: a {@link Future} whose result is the function's result.
 *
 * Python equivalent: `asyncio.Task`. Create one with `createTask(fn)` (or `new Task(fn)`);
 * `fn` receives the task. Tasks are lazy by default — the first step runs on the next
 * scheduler turn — and eager with `{ eagerStart: true }`. The loop keeps a strong
 * reference to every pending task (unlike asyncio's weak set), so a fire-and-forget task
 * is never lost.
 *
 * Cancellation: `cancel(msg)` is a request, as in asyncio. It cancels the concur future
 * the task is waiting on (so `CancelledError` is thrown at that `await`), or, if the
 * task is not waiting on one, is delivered at its next concur `await`. It also aborts
 * `task.signal` with the `CancelledError` as reason, for foreign awaits such as
 * `fetch(url, { signal: task.signal })`; an `AbortError` from such an operation ends the
 * task as cancelled. The function may catch `CancelledError` and go on; the task is then
 * not `cancelled()`. `cancelling()` counts pending requests and `uncancel()` takes one
 * back (resetting `signal` to a fresh, unaborted one when none are left).
 *
 * Difference: an `await` of a foreign promise is not a cancellation point — JavaScript
 * cannot throw into it. Pass `task.signal` on, or wrap the promise with `ensureFuture`.
 * And async functions the task calls run inside the task (they are not child tasks as
 * coroutines given to asyncio's `gather` are): when several run at once
 * (`gather([a(), b()])`, `Promise.all`), `cancel()` cancels the concur future each of
 * them is waiting on.
 *
 * @example
 * ```ts
 * const task = createTask(async () => {
 *   await sleep(1000);
 *   return 'slept';
 * }, { name: 'sleeper' });
 * task.cancel('no time');
 * try { await task; } catch (e) { console.log(e instanceof CancelledError, task.cancelled()); }
 * ```
 */
export class Task<T = unknown> extends Future<T> {
  // Every field costs every pending task (P6 and P9 hold a million), so the ones that only
  // a named or cancelled task needs live in `_more`, made on first use.

  /** @internal */ readonly _id: number;
  /** @internal The concur future the task awaits (asyncio's `_fut_waiter`). */
  _futWaiter: Future<unknown> | null = null;
  /** @internal */ _more: TaskMore | null = null;
  /** @internal */ _run: RunScope | null;
  /** @internal Links of the list of pending tasks. */
  _prev: Task<any> | null = null;
  /** @internal */ _next: Task<any> | null = null;
  /**
   * @internal What the task keeps while it is not running, in one field since the two
   * never overlap (8 bytes on every pending task): before a lazy task's first step, its
   * function (a `TaskStart` when the creator's async context must be kept too); while it
   * awaits a future, the resolve function of the promise that `await` waits on (see
   * `Future.then`). Typed loosely so that `Task<T>` stays covariant in `T`.
   */
  _parked: TaskFunction<any> | TaskStart | ((value: unknown) => unknown) | null = null;

  constructor(fn: TaskFunction<T>, options?: TaskOptions) {
    super();
    checkFunction('the task function', fn);
    let eager = false;
    if (options !== undefined) {
      if (typeof options !== 'object' || options === null) {
        throw argTypeError(
          `createTask() options must be an object such as { name, eagerStart }, got ${show(options)}`,
        );
      }
      if (options.name !== undefined) {
        if (typeof options.name !== 'string') {
          throw argTypeError(`the task name must be a string, got ${show(options.name)}`);
        }
        this._moreOf().name = options.name;
      }
      if (options.eagerStart !== undefined) {
        if (typeof options.eagerStart !== 'boolean') {
          throw argTypeError(`eagerStart must be a boolean, got ${show(options.eagerStart)}`);
        }
        eager = options.eagerStart;
      }
    }
    this._id = nextTaskId++;
    const parent = taskContext.getStore() as Task<unknown> | undefined;
    this._run = parent === undefined ? null : parent._run;
    link(this);
    if (eager) {
      this._start(fn);
    } else {
      // The ready queue runs its callbacks in the async context of whatever scheduled the
      // drain, so keep the creator's (its AsyncLocalStorage values) to start in, as
      // asyncio copies the contextvars when a task is created.
      this._parked = userContextPossible() ? new TaskStart(fn) : fn;
      callSoon(startTask, this as Task<unknown>);
    }
  }

  /** The task's name, `Task-<n>` unless given. Settable. */
  get name(): string {
    return this._more?.name ?? `Task-${this._id}`;
  }

  set name(value: string) {
    if (typeof value !== 'string') {
      throw argTypeError(`the task name must be a string, got ${show(value)}`);
    }
    this._moreOf().name = value;
  }

  /**
   * An `AbortSignal` aborted when the task is cancelled (reason: the `CancelledError`),
   * for foreign awaits: `fetch(url, { signal: task.signal })`. After `uncancel()` brings
   * `cancelling()` back to 0, a fresh signal is handed out.
   */
  get signal(): AbortSignal {
    const more = this._moreOf();
    let controller = more.controller;
    if (controller === null) {
      controller = new AbortController();
      more.controller = controller;
      if (more.cancelsRequested > 0 || this.cancelled()) {
        controller.abort(new CancelledError(more.cancelMessage ?? ''));
      }
    }
    return controller.signal;
  }

  /**
   * Requests cancellation; see the class docs. Returns `false` if the task is already
   * done, `true` otherwise (also for repeated requests, which are counted).
   */
  override cancel(msg?: string): boolean {
    if (this.done()) return false;
    const more = this._moreOf();
    more.cancelsRequested++;
    more.cancelMessage = msg;
    const controller = more.controller;
    if (controller !== null && !controller.signal.aborted) {
      controller.abort(new CancelledError(msg ?? ''));
    }
    let reached = this._futWaiter?.cancel(msg) === true;
    if (more.otherWaiters !== null) {
      for (const other of [...more.otherWaiters]) if (other.cancel(msg)) reached = true;
    }
    // Not waiting on a concur future (or it is already done): throw at the next await.
    if (!reached) more.mustCancel = true;
    return true;
  }

  /** The number of cancellation requests not yet taken back by `uncancel()`. */
  cancelling(): number {
    return this._more?.cancelsRequested ?? 0;
  }

  /**
   * Takes back one cancellation request and returns how many remain. At 0, a pending
   * cancel that was not yet delivered is dropped and `signal` is renewed. No effect on a
   * finished task. Used by `timeout()` and `TaskGroup` to absorb their own cancels.
   */
  uncancel(): number {
    const more = this._more;
    if (more === null) return 0;
    if (more.cancelsRequested > 0) {
      more.cancelsRequested--;
      if (more.cancelsRequested === 0) {
        more.mustCancel = false;
        if (more.controller?.signal.aborted === true && !this.done()) more.controller = null;
      }
    }
    return more.cancelsRequested;
  }

  /** @internal Called by `Future.then` when this task starts awaiting `future`. */
  _awaiting(future: Future<unknown>): void {
    const current = this._futWaiter;
    if (current !== null && current !== future) {
      // Still registered, so not resumed yet: another branch of this task waits on it.
      (this._moreOf().otherWaiters ??= new Set()).add(current);
    }
    this._futWaiter = future;
    const more = this._more;
    if (more?.mustCancel === true && future.cancel(more.cancelMessage)) more.mustCancel = false;
  }

  /**
   * @internal Called when `future` settles and this task is about to resume: returns the
   * `CancelledError` to throw instead if a cancel arrived in between.
   */
  _resumeCancellation(future: Future<unknown>): CancelledError | null {
    const more = this._more;
    if (this._futWaiter === future) this._futWaiter = null;
    else if (more?.otherWaiters?.delete(future) !== true) return null;
    if (more?.mustCancel !== true) return null;
    more.mustCancel = false;
    return new CancelledError(more.cancelMessage ?? '');
  }

  /** @internal The task's `_more`, made on first use. */
  _moreOf(): TaskMore {
    return (this._more ??= new TaskMore());
  }

  /**
   * @internal Runs the first step; `scoped` inside `runInAsyncScope` (see
   * `TaskContext.runScoped`).
   */
  _start(fn: TaskFunction<any>, scoped = false): void {
    const more = this._more;
    if (more?.mustCancel === true) {
      // Cancelled before it started: the function never runs, as a coroutine that gets
      // CancelledError thrown in before its first line.
      more.mustCancel = false;
      this._complete(false, new CancelledError(more.cancelMessage ?? ''));
      return;
    }
    this._state = 1; // running
    if (scoped) taskContext.runScoped(this, runBody, this, fn);
    else taskContext.run(this, runBody, this, fn);
  }

  /** @internal The function returned or threw. */
  _complete(ok: boolean, value: unknown): void {
    if (this.done()) return;
    this._futWaiter = null;
    const more = this._more;
    if (more !== null) more.otherWaiters = null;
    unlink(this);
    const cancellation = ok ? null : this._asCancellation(value);
    if (cancellation !== null) {
      this._setCancelled(cancellation.message, cancellation);
    } else if (more?.mustCancel === true) {
      // Returned (or failed with a non-cancel error) while a cancel was pending. asyncio
      // ends such a task cancelled when it returned; an error it raised wins.
      more.mustCancel = false;
      if (ok) this._setCancelled(more.cancelMessage);
      else this._finishWith(false, value);
    } else {
      this._finishWith(ok, value);
    }
  }

  /** The `CancelledError` that `error` stands for, or `null` if it is a real error. */
  private _asCancellation(error: unknown): CancelledError | null {
    if (error instanceof CancelledError) return error;
    const signal = this._more?.controller?.signal;
    if (signal?.aborted === true && signal.reason instanceof CancelledError) {
      const reason = signal.reason;
      if (
        error === reason ||
        (error as { cause?: unknown } | null)?.cause === reason ||
        (error as { name?: unknown } | null)?.name === 'AbortError'
      ) {
        return reason;
      }
    }
    return null;
  }

  /** @internal */
  override _reprInfo(options?: unknown): string[] {
    const info = super._reprInfo(options);
    info[0] = 'Task';
    info.splice(2, 0, `name=${inspect(this.name)}`);
    const cancelling = this.cancelling();
    if (!this.done() && cancelling > 0) info.push(`cancelling=${cancelling}`);
    return info;
  }

  override get [Symbol.toStringTag](): string {
    return 'Task';
  }
}

/** The state of a task that only a named or cancelled task needs. */
class TaskMore {
  name: string | undefined = undefined;
  /** Cancellation requests not taken back by `uncancel()`. */
  cancelsRequested = 0;
  /** A cancel to deliver at the next concur `await` (asyncio's `_must_cancel`). */
  mustCancel = false;
  /** The message of the last cancel request. */
  cancelMessage: string | undefined = undefined;

  controller: AbortController | null = null;
  /**
   * Other futures awaited at the same time by concurrent branches of the task: async
   * functions it called without awaiting them one by one (`gather([a(), b()])`,
   * `Promise.all`). They run in the task's context, so their awaits register here too;
   * `cancel()` must reach all of them, not only the last one registered.
   */
  otherWaiters: Set<Future<unknown>> | null = null;
}

/** A lazy task's function, with the async context of the code that created the task. */
class TaskStart extends AsyncResource {
  constructor(readonly fn: TaskFunction<any>) {
    super('concur.Task', { requireManualDestroy: true });
  }
}

function startTask(task: Task<unknown>): void {
  const parked = task._parked as TaskFunction<unknown> | TaskStart;
  task._parked = null;
  if (parked instanceof TaskStart) {
    parked.runInAsyncScope(startNow, null, task, parked.fn);
    parked.emitDestroy();
  } else {
    task._start(parked);
  }
}

function startNow(task: Task<unknown>, fn: TaskFunction<unknown>): void {
  task._start(fn, true);
}

/**
 * Calls the task's function inside the task's context and follows what it returns. A
 * returned future is followed from this context so that it becomes the task's waiter (as
 * `return await fut` would): cancel() then reaches it at once.
 */
function runBody(task: Task<unknown>, fn: TaskFunction<unknown>): void {
  let returned: unknown;
  try {
    returned = taskContext.callBody(fn, task);
  } catch (error) {
    task._complete(false, error);
    return;
  }
  if (returned === null || typeof (returned as PromiseLike<unknown>)?.then !== 'function') {
    task._complete(true, returned);
  } else if (returned instanceof Promise) {
    taskContext.followBody(task, returned);
  } else {
    // A future, or a foreign thenable that may call back from any context: bind the task.
    (returned as PromiseLike<unknown>).then(
      (value) => task._complete(true, value),
      (error) => task._complete(false, error),
    );
  }
}

/**
 * Schedules `fn` as a task and returns it. `fn` receives the task.
 *
 * Python equivalent: `asyncio.create_task(coro, name=…, eager_start=…)`. Lazy by default:
 * the function starts on the next scheduler turn, so code after `createTask` runs first.
 *
 * @throws TypeError if `fn` is not a function or an option has the wrong type.
 * @example
 * ```ts
 * const task = createTask(async () => { await sleep(10); return 1; }, { name: 'one' });
 * console.log(await task); // 1
 * ```
 */
export function createTask<T>(fn: TaskFunction<T>, options?: TaskOptions): Task<Awaited<T>> {
  return new Task(fn as TaskFunction<Awaited<T>>, options);
}

/**
 * The task whose code is running now, or `null` outside any task.
 * Python equivalent: `asyncio.current_task()`.
 */
export function currentTask(): Task<unknown> | null {
  const task = taskContext.getStore();
  return task instanceof Task && !task.done() ? task : null;
}

provideAsyncioSignal(() => currentTask()?.signal ?? null);

/**
 * Every task not yet done (a snapshot). Python equivalent: `asyncio.all_tasks()`.
 */
export function allTasks(): Set<Task<unknown>> {
  const all = new Set<Task<unknown>>();
  for (let t = head._next; t !== null; t = t._next) all.add(t);
  return all;
}

/** @internal The number of pending tasks, for the leak check. */
export function liveTaskCount(): number {
  return liveCount;
}

/** @internal The task running now; `InvalidStateError` naming `what` outside a task. */
export function requireCurrentTask(what: string): Task<unknown> {
  const task = currentTask();
  if (task === null) throw new InvalidStateError(`${what} must be called from inside a task`);
  return task;
}
