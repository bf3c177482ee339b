/**
 * Which task is running: a context that follows a task's code across every `await`.
 *
 * One implementation, chosen once per process at load time (`CONCUR_TASK_CONTEXT=hooks`,
 * `storage` or `pure` forces one, for tests):
 *
 * - `storage`, on Node 24+ (and 22 started with `--experimental-async-context-frame`), Bun
 *   and Deno: `AsyncLocalStorage` carries the task. On Node it rides on V8's continuation
 *   data (AsyncContextFrame) and costs next to nothing outside tasks; Deno builds it on the
 *   same V8 data, and Bun on JavaScriptCore's own async context.
 * - `hooks`, on Node 20 and 22: there `AsyncLocalStorage` switches on async_hooks for the
 *   whole process — an async id, a trigger id and a store slot on every promise — so V8's
 *   promise hooks carry the task instead: every promise made from another one while a
 *   task is current remembers the task, and its reactions (an `await` resuming, a `then`
 *   callback) run with the task current again. (Bun has `AsyncLocalStorage` on async_hooks'
 *   terms but no promise hooks; it gets `storage`.)
 * - `pure`, where the runtime offers neither (browsers): the task is current only while the
 *   loop runs its code synchronously — the task function's first step, and `then` handlers
 *   the loop calls. After the task's first `await` its code no longer sees it: there
 *   `currentTask()` is `null` (so `timeout()` and `TaskGroup` must be entered before it),
 *   and a future it awaits is not its waiter, so `cancel()` does not interrupt that await —
 *   the task ends cancelled when its function returns instead. Results, exceptions,
 *   `gather`, queues, locks, events and sleeps are unaffected.
 *
 * Why both on Node: on Node 20/22 the hooks make tasks more than twice as cheap as
 * `AsyncLocalStorage`; on Node 24+ the two are level for tasks, but installed hooks slow
 * every other promise in the process, so there the frames win (bench/NOTES.md).
 *
 * `hooks` and `storage` follow a task through every `await` (of a promise, a future, any
 * thenable). They differ for callbacks a task schedules (timers, `queueMicrotask`, events):
 * with the hooks those run outside any task, as a `call_later` callback does in asyncio;
 * with `AsyncLocalStorage` they inherit the task. The hooks are installed on the first task
 * step, so a process that never runs a task pays nothing, and removed a second after the
 * last pending task is done, so one that has stopped running tasks stops paying.
 *
 * @module
 */
import { builtin, envVar, runtimeName } from './runtime.js';

interface AsyncLocalStorageLike<T> {
  getStore(): T | undefined;
  run<A extends unknown[], R>(store: T, fn: (...args: A) => R, ...args: A): R;
  exit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R;
  enterWith(store: T): void;
}
type AsyncLocalStorageClass = (new <T>() => AsyncLocalStorageLike<T>) & {
  prototype: { _enable?: unknown };
};
type CreateHook = (hooks: {
  init?: (promise: Promise<unknown>, parent: Promise<unknown> | undefined) => void;
  before?: (promise: Promise<unknown>) => void;
  after?: (promise: Promise<unknown>) => void;
  settled?: (promise: Promise<unknown>) => void;
}) => () => void;

const AsyncLocalStorage = builtin<{ AsyncLocalStorage?: AsyncLocalStorageClass }>(
  'node:async_hooks',
)?.AsyncLocalStorage;
/**
 * V8's promise hooks carry tasks on Node only (Bun's `createHook` throws
 * NotImplementedError, and Deno's hooks do not carry a task to the reactions of its
 * function's promise); every Node concur runs on has them. `node:v8` is loaded when they
 * are first installed: it loads node:stream and its heap utilities (~1.8 ms and ~260 KB of
 * young allocations on Node 26), which a program that runs no task should not pay.
 */
const promiseHooksCarryTasks = runtimeName === 'node';

function installHooks(): () => void {
  const { promiseHooks } = builtin<{ promiseHooks: { createHook: CreateHook } }>('node:v8')!;
  return promiseHooks.createHook({
    init: onInit,
    before: onBefore,
    after: onAfter,
    settled: onSettled,
  });
}

/** What a task is, as far as the scheduler and `Future.then` need to know. */
export interface TaskLike {
  /** Called by `Future.then` when the running task starts waiting on a future. */
  _awaiting(future: object): void;
  /** True once the task has finished. */
  done(): boolean;
  /** Called when the task's function returned (`ok`) or threw. */
  _complete(ok: boolean, value: unknown): void;
}

/** The running task's context: read it, run code in a task, or run code outside any. */
export interface TaskContext {
  /** The task whose code is running now, if any (it may have finished since). */
  getStore(): TaskLike | undefined;
  /** Calls `fn(a, b)` with `task` current; what it starts carries the task on. */
  run<A, B, R>(task: TaskLike, fn: (a: A, b: B) => R, a: A, b: B): R;
  /**
   * `run`, for a caller that restores the context itself afterwards (inside an
   * `AsyncResource`'s `runInAsyncScope`): the task may simply become current.
   */
  runScoped<A, B, R>(task: TaskLike, fn: (a: A, b: B) => R, a: A, b: B): R;
  /** Calls `fn(arg)` with no task current. */
  exit<A, R>(fn: (arg: A) => R, arg: A): R;
  /**
   * Calls a task's function, `fn(task)`, inside `run` and returns what it returned. If
   * that is a native promise, pass it to `followBody` straight after.
   */
  callBody<R>(fn: (task: any) => R, task: TaskLike): R;
  /** Calls `task._complete(ok, value)` when `promise`, what `callBody` returned, settles. */
  followBody(task: TaskLike, promise: Promise<unknown>): void;
  /**
   * Called when the last pending task is done, with a way to count pending tasks later:
   * what only tasks need may go once none are left.
   */
  noTasksLeft(pendingTasks: () => number): void;
}

// ---------------------------------------------------------------------------------------
// Promise hooks (Node 20 and 22).

const TASK = Symbol('concur.task');
const BODY = Symbol('concur.body');

type Tagged = Promise<unknown> & { [TASK]?: TaskLike; [BODY]?: TaskLike };

let current: TaskLike | undefined;
/** The tasks that were current when the reactions now running began, innermost last. */
const outer: (TaskLike | undefined)[] = [];
/** Removes the hooks; null while they are not installed. */
let stopHooks: (() => void) | null = null;
/** The timer that removes the hooks once no task has been pending for a while. */
let idleTimer: ReturnType<typeof setTimeout> | null = null;

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
  if (bodyArmed) {
    bodyArmed = false;
    bodyPromise = promise;
  }
  if (current !== undefined && parent !== undefined) {
    (promise as Tagged)[TASK] = current;
  }
}

// A task follows its function's promise without a `then` while it is pending: the promise
// carries the task (a tag) and the `settled` hook calls `then` when it settles. A pending
// `then` costs a derived promise, a reaction and the derived promise's tag on every pending
// task. Only a promise that the function's call made
// first (an async function's own) and that had not settled when the call returned is
// followed so: of any other, the hook may already have passed.

/** Set by `callBody` until the next promise is made: that one is the body's own. */
let bodyArmed = false;
/** The first promise made by the running `callBody`, while it has not settled. */
let bodyPromise: Promise<unknown> | null = null;
/** What the last `callBody` left for `followBody`: its first promise, still pending. */
let lastBody: Promise<unknown> | null = null;

function onSettled(promise: Promise<unknown>): void {
  if (promise === bodyPromise) {
    bodyPromise = null; // settled during the call: `followBody` must use `then`
    return;
  }
  const task = (promise as Tagged)[BODY];
  if (task === undefined) return;
  // Called before the promise's state changes; a `then` added now is among its reactions.
  const previous = current;
  current = task; // the derived promise carries the task to the handler
  try {
    promise.then(bodyReturned, bodyThrew);
  } finally {
    current = previous;
  }
}

function onBefore(promise: Promise<unknown>): void {
  outer.push(current);
  current = (promise as Tagged)[TASK];
}

function onAfter(): void {
  current = outer.pop();
}

const hookContext: TaskContext = {
  getStore() {
    return current;
  },

  run(task, fn, a, b) {
    stopHooks ??= installHooks();
    const previous = current;
    current = task;
    try {
      return fn(a, b);
    } finally {
      current = previous;
    }
  },

  runScoped(task, fn, a, b) {
    return hookContext.run(task, fn, a, b);
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

  callBody(fn, task) {
    const outerBody = bodyPromise; // an eager task starts inside another's call
    bodyArmed = true;
    bodyPromise = null;
    try {
      return fn(task);
    } finally {
      bodyArmed = false;
      lastBody = bodyPromise;
      bodyPromise = outerBody;
    }
  },

  followBody(task, promise) {
    const fresh = promise === lastBody;
    lastBody = null;
    if (fresh) (promise as Tagged)[BODY] = task;
    else promise.then(bodyReturned, bodyThrew);
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
  lastBody = null;
}

/** Whether the promise hooks are installed now (for tests). */
export function hooksInstalled(): boolean {
  return stopHooks !== null;
}

// ---------------------------------------------------------------------------------------
// AsyncLocalStorage (Node 24+ on AsyncContextFrame; Node 22 with the flag; Bun; Deno).

function storageContext(Storage: AsyncLocalStorageClass): TaskContext {
  const storage = new Storage<TaskLike>();
  return {
    getStore: () => storage.getStore(),
    run: (task, fn, a, b) => storage.run(task, fn, a, b),
    // `run` makes two frames on AsyncContextFrame (each a copy of the current one, through
    // Map's slow path for a subclass): one to enter and one to restore. Inside
    // `runInAsyncScope`, which puts the caller's frame back itself, entering is enough.
    runScoped(task, fn, a, b) {
      storage.enterWith(task);
      return fn(a, b);
    },
    exit: (fn, arg) => storage.exit(fn, arg),
    callBody: (fn, task) => fn(task),
    followBody(_task, promise) {
      promise.then(bodyReturned, bodyThrew);
    },
    noTasksLeft() {},
  };
}

// ---------------------------------------------------------------------------------------
// Pure: no runtime help (browsers). The task is current only while the loop calls its code.

let pureCurrent: TaskLike | undefined;

const pureContext: TaskContext = {
  getStore: () => pureCurrent,
  run(task, fn, a, b) {
    const previous = pureCurrent;
    pureCurrent = task;
    try {
      return fn(a, b);
    } finally {
      pureCurrent = previous;
    }
  },
  runScoped: (task, fn, a, b) => pureContext.run(task, fn, a, b),
  exit(fn, arg) {
    const previous = pureCurrent;
    pureCurrent = undefined;
    try {
      return fn(arg);
    } finally {
      pureCurrent = previous;
    }
  },
  callBody: (fn, task) => fn(task),
  followBody(task, promise) {
    // Reactions run outside the task here, so the shared handlers could not find it.
    promise.then(
      (value) => task._complete(true, value),
      (error) => task._complete(false, error),
    );
  },
  noTasksLeft() {},
};

/** The implementations of {@link TaskContext}; see the module's comment. */
export type TaskContextKind = 'hooks' | 'storage' | 'pure';

/**
 * True when `AsyncLocalStorage` on Node runs on AsyncContextFrame: its implementation on
 * async_hooks has an `_enable` method, the one on frames does not. (Deno's has none; Bun's
 * has one but needs no hooks.)
 */
export const onContextFrames =
  AsyncLocalStorage !== undefined && typeof AsyncLocalStorage.prototype._enable !== 'function';

function chooseKind(): TaskContextKind {
  const forced = envVar('CONCUR_TASK_CONTEXT');
  if (forced === 'pure') return 'pure';
  if (forced === 'storage' && AsyncLocalStorage !== undefined) return 'storage';
  const storageIsCheap =
    AsyncLocalStorage !== undefined &&
    (onContextFrames || (globalThis as { Bun?: unknown }).Bun !== undefined);
  if (forced !== 'hooks' && storageIsCheap) return 'storage';
  if (promiseHooksCarryTasks) return 'hooks';
  return AsyncLocalStorage === undefined ? 'pure' : 'storage';
}

/** Which implementation this process uses. */
export const taskContextKind: TaskContextKind = chooseKind();

/** The running task's context. */
export const taskContext: TaskContext =
  taskContextKind === 'hooks'
    ? hookContext
    : taskContextKind === 'storage'
      ? storageContext(AsyncLocalStorage!)
      : pureContext;

// A task's function's promise settled. Native promises run their reactions in the context
// `then` was called in, the task's, so two shared handlers find the task instead of two
// closures per task. Measured on P6 (1M createTask + gather): ~150 bytes less per pending
// task, and fewer collections.

function bodyReturned(value: unknown): void {
  taskContext.getStore()!._complete(true, value);
}

function bodyThrew(error: unknown): void {
  taskContext.getStore()!._complete(false, error);
}

let userContextSeen = taskContextKind === 'storage';

/**
 * Whether code running now may see `AsyncLocalStorage` values that a task created now must
 * start with (asyncio copies `contextvars` at `create_task`).
 *
 * On AsyncContextFrame, always. On async_hooks, `AsyncLocalStorage` values exist only once
 * some storage has switched the hooks on, and from then on Node gives every new promise its
 * async ids as symbol-keyed properties, so a fresh promise shows it. Until then a lazily
 * started task need not keep its creator's context, which would cost an `AsyncResource`
 * per task.
 */
export function userContextPossible(): boolean {
  if (!userContextSeen && Object.getOwnPropertySymbols(Promise.resolve()).length > 0) {
    userContextSeen = true; // hooks once on rarely go off; keeping contexts then is harmless
  }
  return userContextSeen;
}
