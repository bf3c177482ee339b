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
import { inspect } from 'node:util';

import { taskContext } from './taskContext.js';

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
   * Runs `callback` at loop time `when`. `keepAlive` holds the process open until then
   * (only meaningful for the real clock).
   */
  schedule(when: number, callback: () => void, keepAlive: boolean): TimerHandle;
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

// setTimeout stores delays in a signed 32-bit int; longer delays fire at once.
const MAX_TIMER_DELAY = 2 ** 31 - 1;

class RealTimer implements TimerHandle {
  private handle: NodeJS.Timeout | null = null;
  private isCancelled = false;

  constructor(
    readonly when: number,
    private readonly callback: () => void,
    private readonly keepAlive: boolean,
  ) {
    liveTimers++;
    this.arm();
  }

  private arm(): void {
    const delay = this.when - performance.now();
    if (delay === Infinity) return; // never fires; nothing to arm
    if (delay <= 0) {
      callSoon(fireRealTimer, this);
      return;
    }
    // Round up so a timer never fires before its loop time.
    const handle = setTimeout(
      fireRealTimerArmed,
      Math.min(Math.ceil(delay), MAX_TIMER_DELAY),
      this,
    );
    if (!this.keepAlive) handle.unref();
    this.handle = handle;
  }

  /** @internal */
  _fire(): void {
    if (this.isCancelled) return;
    this.handle = null;
    if (this.when - performance.now() > 0) {
      this.arm(); // a delay longer than setTimeout allows, or a timer that fired early
      return;
    }
    this.isCancelled = true;
    liveTimers--;
    this.callback();
  }

  cancel(): void {
    if (this.isCancelled) return;
    this.isCancelled = true;
    liveTimers--;
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }

  cancelled(): boolean {
    return this.isCancelled;
  }
}

function fireRealTimer(timer: RealTimer): void {
  timer._fire();
}

function fireRealTimerArmed(timer: RealTimer): void {
  // Timer callbacks inherit the context that created them; run ours outside any task.
  taskContext.exit(fireRealTimer, timer);
}

let liveTimers = 0;

/** The clock of real time: `performance.now()` and `setTimeout`. */
export const realClock: Clock = {
  now: () => performance.now(),
  schedule: (when, callback, keepAlive) => new RealTimer(when, callback, keepAlive),
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
// (Node likewise runs microtasks between its setImmediate callbacks). Measured on bench
// P6 (1M createTask + gather, Node 20): 0.43M tasks/s with whole batches, where garbage
// collection was three quarters of the time; 1.16M (slices of 16), 1.22M (64),
// 1.34M (256), 1.07M (1000).
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
  return clock.schedule(when, () => fn(arg), keepAlive);
}

/** Runs `fn(arg)` after `delay` ms. Python equivalent: `loop.call_later`. */
export function callLater<A>(
  delay: number,
  fn: (arg: A) => void,
  arg: A,
  keepAlive = false,
): TimerHandle {
  return clock.schedule(clock.now() + delay, () => fn(arg), keepAlive);
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
  process.stderr.write(`concur: ${message}${details ? `\n${details}` : ''}${shown}\n`);
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
