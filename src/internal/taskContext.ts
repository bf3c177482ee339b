/**
 * Which task is running: a context that follows a task's code across every `await`.
 *
 * Two implementations, one chosen per process:
 *
 * - On Node 24 (and 22 started with `--experimental-async-context-frame`),
 *   `AsyncLocalStorage` rides on V8's continuation data and costs next to nothing outside
 *   tasks, so it carries the task.
 * - Elsewhere (Node 20, 22), `AsyncLocalStorage` switches on async_hooks for the whole
 *   process — an async id, a trigger id and a store slot on every promise — so V8's
 *   promise hooks carry the task instead: every promise made from another one while a
 *   task is current remembers the task, and its reactions (an `await` resuming, a `then`
 *   callback) run with the task current again.
 *
 * Measured (bench P6, 1M `createTask` + `gather`, against raw `Promise.all`, when the
 * ready queue still ran whole batches): Node 20 0.17× with `AsyncLocalStorage`, 0.39×
 * with the hooks. Node 24: the two are level (0.45–0.48×), but with the hooks installed
 * every other promise in the process runs at about half speed (1M async calls: 0.8–1.0M/s
 * against 1.2–1.9M/s), so there the frames win.
 *
 * Both follow a task through every `await` (of a promise, a future, any thenable). They
 * differ for callbacks a task schedules (timers, `queueMicrotask`, events): with the
 * hooks those run outside any task, as a `call_later` callback does in asyncio; with
 * `AsyncLocalStorage` they inherit the task. The hooks are installed on the first task
 * step, so a process that never runs a task pays nothing, and removed a second after the
 * last pending task is done, so one that has stopped running tasks stops paying.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { promiseHooks } from 'node:v8';

/** What a task is, as far as the scheduler and `Future.then` need to know. */
export interface TaskLike {
  /** Called by `Future.then` when the running task starts waiting on a future. */
  _awaiting(future: object): void;
  /** True once the task has finished. */
  done(): boolean;
}

/**
 * A task's `await` of a future, as `Future.then` hands it to the reaction that resumes
 * the task: the reaction's promise carries this instead of the bare task, and its shared
 * handler reads it with `takeResumption()`. Measured: 120 bytes less per task blocked on a
 * future than two closures over the same four values (P9).
 */
export class Resumption {
  constructor(
    readonly task: TaskLike,
    readonly future: object,
    readonly onFulfilled: ((value: any) => unknown) | null | undefined,
    readonly onRejected: ((reason: any) => unknown) | null | undefined,
  ) {}
}

/** The running task's context: read it, run code in a task, or run code outside any. */
export interface TaskContext {
  /** The task whose code is running now, if any (it may have finished since). */
  getStore(): TaskLike | undefined;
  /** Calls `fn(a, b)` with `task` current; what it starts carries the task on. */
  run<A, B, R>(task: TaskLike, fn: (a: A, b: B) => R, a: A, b: B): R;
  /** Calls `fn(arg)` with no task current. */
  exit<A, R>(fn: (arg: A) => R, arg: A): R;
  /**
   * `promise.then(fulfilled, rejected)` for a task awaiting a future: the two shared
   * handlers find `resumption` with `takeResumption()` when they run.
   */
  thenResuming<T>(
    promise: Promise<T>,
    resumption: Resumption,
    fulfilled: (value: T) => unknown,
    rejected: (reason: unknown) => unknown,
  ): Promise<any>;
  /** The resumption whose reaction is running; for the handlers of `thenResuming`. */
  takeResumption(): Resumption;
  /**
   * Called when the last pending task is done, with a way to count pending tasks later:
   * what only tasks need may go once none are left.
   */
  noTasksLeft(pendingTasks: () => number): void;
}

// ---------------------------------------------------------------------------------------
// Promise hooks (Node 20 and 22).

const TASK = Symbol('concur.task');

type Tagged = Promise<unknown> & { [TASK]?: TaskLike | Resumption };

let current: TaskLike | undefined;
/** The tag for the next promise made (by `thenResuming`). */
let nextTag: Resumption | null = null;
/** The resumption whose reaction is about to run. */
let resuming: Resumption | null = null;
/** The tasks that were current when the reactions now running began, innermost last. */
const outer: (TaskLike | undefined)[] = [];
/** Removes the hooks; null while they are not installed. */
let stopHooks: (() => void) | null = null;
/** The timer that removes the hooks once no task has been pending for a while. */
let idleTimer: NodeJS.Timeout | null = null;

/**
 * How long the hooks stay after the last task is done. With the hooks installed every
 * promise in the process runs its hooks (measured: 1M unrelated async calls at 0.65× the
 * speed), so a process that stops using tasks should stop paying for them; the delay
 * keeps a program that runs tasks one after another from installing them for each
 * (installing and removing costs ~0.7 µs).
 */
const IDLE_UNINSTALL_MS = 1000;

// Only promises made from another one are tagged: a `then`'s result, an `await`'s inner
// promises. Their reactions are what resumes a task's code; a promise made fresh (an async
// function's own promise, `new Promise`) only passes its value on to those. The tag costs
// a property store on the promise (~40 bytes), so this saves one per task at least.
function onInit(promise: Promise<unknown>, parent: Promise<unknown> | undefined): void {
  if (nextTag !== null) {
    (promise as Tagged)[TASK] = nextTag;
    nextTag = null;
  } else if (current !== undefined && parent !== undefined) {
    (promise as Tagged)[TASK] = current;
  }
}

function onBefore(promise: Promise<unknown>): void {
  outer.push(current);
  const tag = (promise as Tagged)[TASK];
  if (tag instanceof Resumption) {
    resuming = tag;
    current = tag.task;
  } else {
    current = tag;
  }
}

function onAfter(): void {
  current = outer.pop();
  resuming = null;
}

const hookContext: TaskContext = {
  getStore() {
    return current;
  },

  run(task, fn, a, b) {
    stopHooks ??= promiseHooks.createHook({
      init: onInit,
      before: onBefore,
      after: onAfter,
    }) as () => void;
    const previous = current;
    current = task;
    try {
      return fn(a, b);
    } finally {
      current = previous;
    }
  },

  exit(fn, arg) {
    const previous = current;
    current = undefined;
    try {
      return fn(arg);
    } finally {
      current = previous;
    }
  },

  thenResuming(promise, resumption, fulfilled, rejected) {
    // Only called while a task runs, so the hooks are installed.
    nextTag = resumption; // the one promise `then` makes is its result
    try {
      return promise.then(fulfilled, rejected);
    } finally {
      nextTag = null;
    }
  },

  takeResumption() {
    const resumption = resuming!;
    resuming = null;
    return resumption;
  },

  noTasksLeft(pendingTasks) {
    if (stopHooks === null || idleTimer !== null) return;
    liveTasks = pendingTasks;
    idleTimer = setTimeout(uninstallIfIdle, IDLE_UNINSTALL_MS);
    idleTimer.unref();
  },
};

let liveTasks: () => number = () => 0;

// A timer callback runs outside every promise reaction, so no `before` waits for its
// `after`: removing the hooks here cannot strand a task as current.
function uninstallIfIdle(): void {
  idleTimer = null;
  if (stopHooks === null || liveTasks() > 0 || outer.length > 0) return;
  stopHooks();
  stopHooks = null;
  current = undefined;
}

/** Whether the promise hooks are installed now (for tests). */
export function hooksInstalled(): boolean {
  return stopHooks !== null;
}

// ---------------------------------------------------------------------------------------
// AsyncLocalStorage on AsyncContextFrame (Node 24; Node 22 with the flag).

const storage = new AsyncLocalStorage<TaskLike | Resumption>();

function thenWith<T>(
  promise: Promise<T>,
  fulfilled: (value: T) => unknown,
  rejected: (reason: unknown) => unknown,
): Promise<unknown> {
  return promise.then(fulfilled, rejected);
}

const frameContext: TaskContext = {
  getStore() {
    const store = storage.getStore();
    return store instanceof Resumption ? store.task : store;
  },
  run: (task, fn, a, b) => storage.run(task, fn, a, b),
  exit: (fn, arg) => storage.exit(fn, arg),
  thenResuming: (promise, resumption, fulfilled, rejected) =>
    storage.run(resumption, thenWith, promise, fulfilled, rejected),
  takeResumption: () => storage.getStore() as Resumption,
  noTasksLeft() {},
};

/**
 * True when `AsyncLocalStorage` runs on AsyncContextFrame: its implementation on
 * async_hooks has an `_enable` method, the one on frames does not.
 */
export const onContextFrames =
  typeof (AsyncLocalStorage.prototype as { _enable?: unknown })._enable !== 'function';

/** The running task's context. */
export const taskContext: TaskContext = onContextFrames ? frameContext : hookContext;

let userContextSeen = onContextFrames;

/**
 * Whether code running now may see `AsyncLocalStorage` values that a task created now must
 * start with (asyncio copies `contextvars` at `create_task`).
 *
 * On AsyncContextFrame, always. On async_hooks, `AsyncLocalStorage` values exist only once
 * some storage has switched the hooks on, and from then on Node gives every new promise its
 * async ids as symbol-keyed properties, so a fresh promise shows it. Until then a lazily
 * started task need not keep its creator's context: measured on P6 (Node 20), keeping it
 * (an `AsyncResource`, 80 bytes and ~0.4 µs per task) was a third of the time.
 */
export function userContextPossible(): boolean {
  if (!userContextSeen && Object.getOwnPropertySymbols(Promise.resolve()).length > 0) {
    userContextSeen = true; // hooks once on rarely go off; keeping contexts then is harmless
  }
  return userContextSeen;
}
