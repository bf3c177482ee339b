/**
 * The scheduler every concur primitive runs on: one per thread, like asyncio's event loop
 * but riding on Node's own.
 *
 *   callSoon(fn) ──► ready queue ──(one microtask per batch)──► fn()
 *   callAt(when) ──► clock (real: setTimeout, or a VirtualClock) ──► callSoon(fn)
 *   sleep(0)     ──► setImmediate: every task that is ready runs one step first
 *
 * The ready queue keeps asyncio's order: callbacks run first-in first-out, and a batch
 * runs only what was queued before it started (later arrivals wait for the next batch,
 * as in `BaseEventLoop._run_once`). Callbacks run outside any task's context, so code in
 * a done-callback never sees the task that happened to schedule it as `currentTask()`.
 *
 * Library timers are tracked so the test leak check can see them; the real clock's
 * timers hold the process open only when asked to (`keepAlive`).
 */
import { inspect } from '../runtime/inspect.js';

import { Heap } from '../base/Heap.js';
import { taskContext } from '../runtime/taskContext.js';
import { clearImmediate, setImmediate, writeStderr } from '../runtime/timers.js';
import { MAX_TIMER_MS } from '../base/validate.js';
import { monotonicNow } from '../runtime/clock.js';

/** A scheduled callback that can be cancelled. */
export interface TimerHandle {
  /** When the callback is due, in loop time (ms). */
  readonly when: number;
  /** Stops the callback from running; harmless after it ran. */
  cancel(): void;
  /** True once cancelled. */
  cancelled(): boolean;
}

/** A source of time and timers for the loop: the real clock or a `VirtualClock`. */
export interface Clock {
  /** The current loop time in milliseconds (monotonic). */
  now(): number;
  /**
   * Runs `fn(arg)` at loop time `when`. `keepAlive` holds the process open until then
   * (only meaningful for the real clock). The function and its argument are kept apart,
   * not bound in a closure: a closure and its context cost ~100 bytes on each of a million
   * sleeping tasks.
   */
  schedule<A>(when: number, fn: (arg: A) => void, arg: A, keepAlive: boolean): TimerHandle;
}

/** Context passed to the exception handler, as asyncio's `call_exception_handler`. */
export interface ExceptionContext {
  message: string;
  exception?: unknown;
  future?: unknown;
  task?: unknown;
  [key: string]: unknown;
}

/** A loop exception handler: receives what went unobserved (`loop.setExceptionHandler`). */
export type ExceptionHandler = (context: ExceptionContext) => void;

// The real clock's timers wait in a heap, earliest first, under one Node timer armed for
// the earliest of them, as asyncio keeps its TimerHandles in a heap. A Node timer per loop
// timer (its Timeout object, its argument list, its start time) cost ~220 bytes: a million
// tasks each in `sleep()` took 1,258 bytes apiece with them, 1,069 without.

class RealTimer implements TimerHandle {
  /** @internal Fired or cancelled. */
  _done = false;
  /** @internal Waiting in the heap (not infinite, not already due when scheduled). */
  _inHeap = false;

  constructor(
    readonly when: number,
    readonly _fn: (arg: any) => void,
    readonly _arg: unknown,
    readonly _keepAlive: boolean,
  ) {}

  cancel(): void {
    if (this._done) return;
    this._done = true;
    liveTimers--;
    if (this._inHeap) timerCancelled(this);
  }

  cancelled(): boolean {
    return this._done;
  }
}

const realTimers = new Heap<RealTimer>((a, b) => a.when - b.when);
/** Cancelled timers still in the heap: they leave it when they reach the top. */
let cancelledInHeap = 0;
/** Timers in the heap, not cancelled, that hold the process open. */
let keepAliveTimers = 0;
/** The Node timer, armed for the earliest timer in the heap; and when that is. */
let nodeTimer: NodeJS.Timeout | null = null;
let nodeTimerAt = Infinity;

function scheduleRealTimer<A>(
  when: number,
  fn: (arg: A) => void,
  arg: A,
  keepAlive: boolean,
): RealTimer {
  const timer = new RealTimer(when, fn, arg, keepAlive);
  liveTimers++;
  if (when === Infinity) return timer; // never fires
  if (when - monotonicNow() <= 0) {
    callSoon(fireDueTimer, timer);
    return timer;
  }
  timer._inHeap = true;
  realTimers.push(timer);
  if (keepAlive && keepAliveTimers++ === 0) nodeTimer?.ref?.();
  if (when < nodeTimerAt) armNodeTimer(when);
  return timer;
}

function timerCancelled(timer: RealTimer): void {
  if (timer._keepAlive && --keepAliveTimers === 0) nodeTimer?.unref?.();
  cancelledInHeap++;
  if (cancelledInHeap === realTimers.size) {
    // None left: drop them all and the Node timer with them.
    realTimers.clear();
    cancelledInHeap = 0;
    if (nodeTimer !== null) clearTimeout(nodeTimer);
    nodeTimer = null;
    nodeTimerAt = Infinity;
  } else if (cancelledInHeap > 256 && cancelledInHeap * 2 > realTimers.size) {
    // Mostly cancelled timers (long timeouts that were not needed): rebuild without them,
    // as asyncio does, rather than keep them until their time.
    const kept: RealTimer[] = [];
    for (let t = realTimers.pop(); t !== undefined; t = realTimers.pop()) {
      if (!t._done) kept.push(t);
    }
    for (const t of kept) realTimers.push(t);
    cancelledInHeap = 0;
  }
}

function armNodeTimer(when: number): void {
  if (nodeTimer !== null) clearTimeout(nodeTimer);
  // Round up so a timer never fires before its loop time; very long delays re-arm.
  const delay = Math.min(Math.max(Math.ceil(when - monotonicNow()), 1), MAX_TIMER_MS);
  nodeTimer = setTimeout(fireRealTimers, delay);
  if (keepAliveTimers === 0) nodeTimer.unref?.();
  nodeTimerAt = when;
}

function fireRealTimers(): void {
  // Timer callbacks inherit the context that created them; run ours outside any task.
  taskContext.exit(runDueTimers, undefined);
}

function runDueTimers(): void {
  nodeTimer = null;
  nodeTimerAt = Infinity;
  const now = monotonicNow();
  for (;;) {
    const top = realTimers.peek();
    if (top === undefined) break;
    if (top._done) {
      realTimers.pop();
      cancelledInHeap--;
      continue;
    }
    if (top.when > now) {
      armNodeTimer(top.when); // early, or a delay longer than setTimeout allows
      break;
    }
    realTimers.pop();
    top._inHeap = false;
    if (top._keepAlive) keepAliveTimers--;
    fireDueTimer(top);
  }
}

function fireDueTimer(timer: RealTimer): void {
  if (timer._done) return;
  timer._done = true;
  liveTimers--;
  try {
    timer._fn(timer._arg);
  } catch (exception) {
    callExceptionHandler({ message: 'Exception in a timer callback', exception });
  }
}

let liveTimers = 0;

/** The clock of real time: `monotonicNow()` and `setTimeout`. */
export const realClock: Clock = {
  now: monotonicNow,
  schedule: scheduleRealTimer,
};

let clock: Clock = realClock;

/** The loop's clock; a `VirtualClock` replaces it while installed. */
export function getClock(): Clock {
  return clock;
}

/** Replaces the loop's clock (VirtualClock install/uninstall). */
export function setClock(next: Clock): void {
  clock = next;
}

/** Number of real-clock timers scheduled and not yet fired or cancelled. */
export function liveRealTimers(): number {
  return liveTimers;
}

// ---------------------------------------------------------------------------------------
// The ready queue. Two parallel arrays (function, argument) avoid a closure per callback;
// the batch being run is swapped out so that arrivals during the batch wait for the next.
//
// A batch runs in slices of SLICE callbacks, each slice in its own microtask, so the
// microtasks that a slice's callbacks start (an `await` resuming, a promise settling) run
// before the next slice: a task whose step only awaits settled promises finishes and is
// freed before the thousands behind it start, rather than all of them being alive at once
// (Node likewise runs microtasks between its setImmediate callbacks). SLICE trades a
// microtask per slice against how many tasks are alive at once.
const SLICE = 256;

type Callback = (arg: any) => void;

let readyFns: Callback[] = [];
let readyArgs: unknown[] = [];
let spareFns: Callback[] = [];
let spareArgs: unknown[] = [];
/** The batch being run (null between batches) and how far it got. */
let batchFns: Callback[] | null = null;
let batchArgs: unknown[] = [];
let batchDone = 0;
let drainScheduled = false;

// A drain is scheduled as a reaction of a settled promise rather than with
// `queueMicrotask`, which makes an `AsyncResource` and a bound function per call in Node:
// 1M chained schedules take 28-34 ns each against 76-157 ns. The contended Lock benchmark
// wakes one waiter per drain, so it pays this on every hand-off.
const settled = Promise.resolve();

function scheduleDrainSoon(): void {
  void settled.then(scheduleDrain);
}

/**
 * Runs `fn(arg)` soon: after the code running now, in first-in first-out order with every
 * other `callSoon`. Python equivalent: `loop.call_soon`.
 */
export function callSoon<A>(fn: (arg: A) => void, arg: A): void {
  readyFns.push(fn as Callback);
  readyArgs.push(arg);
  if (!drainScheduled) {
    drainScheduled = true;
    scheduleDrainSoon();
  }
}

function scheduleDrain(): void {
  taskContext.exit(drain, undefined);
}

function drain(): void {
  if (batchFns === null) {
    batchFns = readyFns;
    batchArgs = readyArgs;
    batchDone = 0;
    readyFns = spareFns;
    readyArgs = spareArgs;
  }
  const fns = batchFns;
  const args = batchArgs;
  const end = Math.min(fns.length, batchDone + SLICE);
  for (let i = batchDone; i < end; i++) {
    const fn = fns[i]!;
    const arg = args[i];
    try {
      fn(arg);
    } catch (exception) {
      callExceptionHandler({ message: 'Exception in callback', exception, callback: fn });
    }
  }
  batchDone = end;
  if (end < fns.length) {
    scheduleDrainSoon(); // the rest of the batch, after this slice's microtasks
    return;
  }
  batchFns = null;
  drainScheduled = false;
  // `length = 0` is a runtime call (~40 ns); a batch of a few callbacks (a contended Lock
  // wakes one waiter per drain) is emptied faster by pops.
  if (fns.length <= 8) {
    while (fns.length > 0) {
      fns.pop();
      args.pop();
    }
  } else {
    fns.length = 0;
    args.length = 0;
  }
  spareFns = fns;
  spareArgs = args;
  if (readyFns.length > 0) {
    drainScheduled = true;
    scheduleDrainSoon();
  }
}

/** Number of callbacks waiting in the ready queue. */
export function pendingCallbacks(): number {
  return readyFns.length + (batchFns === null ? 0 : batchFns.length - batchDone);
}

/** Runs `fn(arg)` at loop time `when` (ms). Python equivalent: `loop.call_at`. */
export function callAt<A>(
  when: number,
  fn: (arg: A) => void,
  arg: A,
  keepAlive = false,
): TimerHandle {
  return clock.schedule(when, fn, arg, keepAlive);
}

/** Runs `fn(arg)` after `delay` ms. Python equivalent: `loop.call_later`. */
export function callLater<A>(
  delay: number,
  fn: (arg: A) => void,
  arg: A,
  keepAlive = false,
): TimerHandle {
  return clock.schedule(clock.now() + delay, fn, arg, keepAlive);
}

/** The loop's time in milliseconds. Python equivalent: `loop.time()` (which is seconds). */
export function time(): number {
  return clock.now();
}

// ---------------------------------------------------------------------------------------
// Yielding one iteration: `sleep(0)`. setImmediate runs after the ready queue and every
// microtask chain have settled, so every task that is ready gets one step first.

let pendingYields = 0;

/** Calls `fn(arg)` on the next turn of Node's loop (after I/O polling). */
export function callNextTurn<A>(fn: (arg: A) => void, arg: A): { cancel(): void } {
  pendingYields++;
  let done = false;
  const handle = setImmediate(() => {
    if (done) return;
    done = true;
    pendingYields--;
    taskContext.exit(fn, arg);
  });
  return {
    cancel(): void {
      if (done) return;
      done = true;
      pendingYields--;
      clearImmediate(handle);
    },
  };
}

/** Number of `sleep(0)`-style yields waiting for the next turn. */
export function pendingTurns(): number {
  return pendingYields;
}

// ---------------------------------------------------------------------------------------
// Exception handler: where errors nobody observed go, instead of an unhandled rejection.

function defaultExceptionHandler(context: ExceptionContext): void {
  const { message, exception, ...rest } = context;
  const details = Object.entries(rest)
    .map(([key, value]) => `${key}: ${inspect(value, { depth: 0 })}`)
    .join('\n');
  const shown = exception === undefined ? '' : `\n${inspect(exception)}`;
  writeStderr(`concur: ${message}${details ? `\n${details}` : ''}${shown}\n`);
}

let exceptionHandler: ExceptionHandler | null = null;

/**
 * Sets the handler that receives errors nobody observed (a failed task whose error was
 * never retrieved, a throwing done-callback). `null` restores the default, which prints
 * to stderr. Python equivalent: `loop.set_exception_handler`.
 */
export function setExceptionHandler(handler: ExceptionHandler | null): void {
  if (handler !== null && typeof handler !== 'function') {
    throw new TypeError(
      `the exception handler must be a function or null, got ${inspect(handler)}`,
    );
  }
  exceptionHandler = handler;
}

/** The handler set by `setExceptionHandler`, or `null` for the default. */
export function getExceptionHandler(): ExceptionHandler | null {
  return exceptionHandler;
}

/** Passes `context` to the exception handler. Python: `loop.call_exception_handler`. */
export function callExceptionHandler(context: ExceptionContext): void {
  const handler = exceptionHandler;
  if (handler === null) {
    defaultExceptionHandler(context);
    return;
  }
  try {
    handler(context);
  } catch (error) {
    defaultExceptionHandler({
      message: 'Unhandled error in the exception handler',
      exception: error,
      context,
    });
  }
}
