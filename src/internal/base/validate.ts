/**
 * Argument checks shared by every public entry point. Each throws the built-in error a
 * TypeScript user expects (`TypeError`, `RangeError`) with a Node-style `code` and a
 * message that names the argument and shows the offending value.
 */
import { inspect } from '../runtime/inspect.js';

/** Shows a value in an error message, short. */
export function show(value: unknown): string {
  return inspect(value, {
    depth: 1,
    breakLength: Infinity,
    maxArrayLength: 5,
    maxStringLength: 60,
  });
}

/** A `TypeError` with a Node-style `code`, for an argument of the wrong kind. */
export function argTypeError(message: string): TypeError {
  const error = new TypeError(message);
  (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

/** A `RangeError` with a Node-style `code`, for an argument value out of range. */
export function argRangeError(message: string): RangeError {
  const error = new RangeError(message);
  (error as RangeError & { code: string }).code = 'ERR_OUT_OF_RANGE';
  return error;
}

/**
 * A duration in milliseconds: a number, not NaN, and (unless `allowNegative`) not
 * negative. `Infinity` is allowed and means "never". Any length suits concur's own timers
 * (`callLater`, the pools' timers), which chain past what `setTimeout` takes; a duration
 * handed to a timer concur does not own goes through {@link checkTimerDuration}.
 */
export function checkDuration(what: string, ms: unknown, allowNegative = false): number {
  if (typeof ms !== 'number') {
    throw argTypeError(`${what} must be a number of milliseconds, got ${show(ms)}`);
  }
  if (Number.isNaN(ms)) throw argRangeError(`${what} must be a number of milliseconds, got NaN`);
  if (!allowNegative && ms < 0) {
    throw argRangeError(`${what} must be >= 0 milliseconds, got ${ms}`);
  }
  return ms;
}

/** The longest delay Node's timers take (a signed 32-bit count); a longer one fires in 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A duration handed to a timer concur cannot chain (BullMQ's, Node's `setInterval`): a
 * {@link checkDuration} that is also at most {@link MAX_TIMER_MS}, `Infinity` included.
 */
export function checkTimerDuration(what: string, ms: unknown): number {
  checkDuration(what, ms);
  if ((ms as number) > MAX_TIMER_MS) {
    throw argRangeError(
      `${what} must be at most ${MAX_TIMER_MS} ms (about 24.8 days), the longest delay a ` +
        `timer takes, got ${String(ms)}`,
    );
  }
  return ms as number;
}

/** An integer >= `min` (a count, a size, a number of workers). */
export function checkInteger(what: string, value: unknown, min: number): number {
  if (typeof value !== 'number') {
    throw argTypeError(`${what} must be an integer, got ${show(value)}`);
  }
  if (!Number.isInteger(value) || value < min) {
    throw argRangeError(`${what} must be an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

export function checkFunction(what: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw argTypeError(`${what} must be a function, got ${show(value)}`);
  }
}
