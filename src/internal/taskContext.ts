/**
 * Which task is running: a context that follows a task's code across every `await`.
 *
 * Built on V8's promise hooks rather than `AsyncLocalStorage`. Every promise made while a
 * task is current remembers the task; when a promise's reactions run (an `await` resuming,
 * a `then` callback), its task is current again. That is exactly the path a task's code
 * takes, so `currentTask()` finds the task after any `await`, of a promise, a future or any
 * thenable — and nowhere else: a timer, `queueMicrotask` or event callback started by the
 * task runs outside it, as a `loop.call_later` callback does in asyncio.
 *
 * Why not `AsyncLocalStorage`: on Node 20 it enables async_hooks for the whole process,
 * which gives every promise an async id, a trigger id and a store slot. Measured on 1M
 * `createTask` + `gather` (bench P6): 0.17× raw `Promise.all` with it, 0.45× with these
 * hooks; on Node 24, whose `AsyncLocalStorage` rides on AsyncContextFrame, these hooks were
 * still faster (1.3M vs 0.98M async calls/s in a bare loop). One mechanism on every Node
 * version also means one behaviour.
 *
 * The hooks are installed on the first task step, so a process that never runs a task
 * pays nothing.
 *
 * @module
 */
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

const TASK = Symbol('concur.task');

type Tagged = Promise<unknown> & { [TASK]?: TaskLike | Resumption };

let current: TaskLike | undefined;
/** The tag for the next promise made (by `thenResuming`). */
let nextTag: Resumption | null = null;
/** The resumption whose reaction is about to run. */
let resuming: Resumption | null = null;
/** The tasks that were current when the reactions now running began, innermost last. */
const outer: (TaskLike | undefined)[] = [];
let installed = false;

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

/**
 * `promise.then(fulfilled, rejected)` for a task awaiting a future: the two shared handlers
 * find `resumption` with `takeResumption()` when they run. Only called while a task runs,
 * so the hooks are installed.
 */
export function thenResuming<T>(
  promise: Promise<T>,
  resumption: Resumption,
  fulfilled: (value: T) => unknown,
  rejected: (reason: unknown) => unknown,
): Promise<any> {
  nextTag = resumption; // the one promise `then` makes is its result
  try {
    return promise.then(fulfilled, rejected);
  } finally {
    nextTag = null;
  }
}

/** The resumption whose reaction is running; for the handlers given to `thenResuming`. */
export function takeResumption(): Resumption {
  const resumption = resuming!;
  resuming = null;
  return resumption;
}

/** The running task's context: read it, run code in a task, or run code outside any. */
export const taskContext = {
  /** The task whose code is running now, if any (it may have finished since). */
  getStore(): TaskLike | undefined {
    return current;
  },

  /** Calls `fn(a, b)` with `task` current; promises it makes carry the task on. */
  run<A, B, R>(task: TaskLike, fn: (a: A, b: B) => R, a: A, b: B): R {
    if (!installed) {
      installed = true;
      promiseHooks.createHook({ init: onInit, before: onBefore, after: onAfter });
    }
    const previous = current;
    current = task;
    try {
      return fn(a, b);
    } finally {
      current = previous;
    }
  },

  /** Calls `fn(arg)` with no task current. */
  exit<A, R>(fn: (arg: A) => R, arg: A): R {
    const previous = current;
    current = undefined;
    try {
      return fn(arg);
    } finally {
      current = previous;
    }
  },
};
