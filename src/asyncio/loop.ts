/**
 * `getRunningLoop()`: the loop's clock, scheduling calls and exception handler.
 *
 * @module
 */
import * as internal from '../internal/loop/loop.js';
import { checkDuration, checkFunction } from '../internal/base/validate.js';

export type { ExceptionContext, ExceptionHandler } from '../internal/loop/loop.js';

/** A scheduled call, returned by `callSoon`, `callLater` and `callAt`. */
export interface Handle {
  /** Stops the call from happening; harmless after it happened. */
  cancel(): void;
  /** True once `cancel()` was called. */
  cancelled(): boolean;
}

/**
 * The scheduler concur's primitives run on (one per thread, riding on Node's loop).
 *
 * Python equivalent: `asyncio.AbstractEventLoop`, reduced to what a Node program needs:
 * `time()` (milliseconds, where Python uses seconds), `callSoon`, `callLater`, `callAt`
 * and the exception handler. There is no `run_forever`/`close`: Node's loop runs itself.
 */
export interface Loop {
  /** The loop's monotonic time in milliseconds (virtual under a `VirtualClock`). */
  time(): number;
  /** Runs `fn(...args)` soon, in first-in first-out order. */
  callSoon<A extends unknown[]>(fn: (...args: A) => void, ...args: A): Handle;
  /** Runs `fn(...args)` after `delay` ms. Does not keep the process alive on its own. */
  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => void, ...args: A): Handle;
  /** Runs `fn(...args)` at loop time `when` (ms). Does not keep the process alive. */
  callAt<A extends unknown[]>(when: number, fn: (...args: A) => void, ...args: A): Handle;
  /** Sets the handler for errors nobody observed; `null` restores the default (stderr). */
  setExceptionHandler(handler: internal.ExceptionHandler | null): void;
  /** The handler set by `setExceptionHandler`, or `null`. */
  getExceptionHandler(): internal.ExceptionHandler | null;
  /** Passes `context` to the exception handler. */
  callExceptionHandler(context: internal.ExceptionContext): void;
}

function soonHandle<A extends unknown[]>(fn: (...args: A) => void, args: A): Handle {
  let isCancelled = false;
  internal.callSoon(() => {
    if (!isCancelled) fn(...args);
  }, undefined);
  return {
    cancel: () => void (isCancelled = true),
    cancelled: () => isCancelled,
  };
}

const loop: Loop = Object.freeze({
  time: internal.time,
  callSoon<A extends unknown[]>(fn: (...args: A) => void, ...args: A): Handle {
    checkFunction('callSoon(fn)', fn);
    return soonHandle(fn, args);
  },
  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => void, ...args: A): Handle {
    checkDuration('callLater(delay)', delay, true);
    checkFunction('callLater(fn)', fn);
    return internal.callLater(delay, () => fn(...args), undefined);
  },
  callAt<A extends unknown[]>(when: number, fn: (...args: A) => void, ...args: A): Handle {
    checkDuration('callAt(when)', when, true);
    checkFunction('callAt(fn)', fn);
    return internal.callAt(when, () => fn(...args), undefined);
  },
  setExceptionHandler: internal.setExceptionHandler,
  getExceptionHandler: internal.getExceptionHandler,
  callExceptionHandler: internal.callExceptionHandler,
});

/**
 * The loop of this thread. Python equivalent: `asyncio.get_running_loop()` — here it
 * never fails, because Node's loop is always running.
 *
 * @example
 * ```ts
 * getRunningLoop().setExceptionHandler((ctx) => logger.error(ctx.message, ctx.exception));
 * ```
 */
export function getRunningLoop(): Loop {
  return loop;
}
