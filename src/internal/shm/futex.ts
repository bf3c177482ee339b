/**
 * Futex helpers: the only place concur blocks on a `SharedArrayBuffer` word.
 *
 *   waitSync(view, i, expected, ms)   Atomics.wait        blocks the calling thread
 *   waitAsync(view, i, expected, ms)  Atomics.waitAsync   a promise; the thread runs on
 *   notify(view, i, count)            Atomics.notify      wakes up to `count` of either
 *   onChange(view, i, seen, callback) Atomics.waitAsync   a doorbell: calls back once the
 *                                                         word moved, never holds the loop
 *
 * Two Node facts shape this module:
 *
 * - A pending `Atomics.waitAsync` does not keep Node's event loop alive
 *   (nodejs/node#61941): a program whose only work is an async wait on another thread
 *   would exit mid-wait. While any async wait is pending, one ref'd interval (shared by
 *   all of them, cleared when the count drops to 0) keeps the loop alive.
 * - `Atomics.waitAsync` cannot be withdrawn. A cancelled wait stays in the engine's
 *   waiter list and would swallow the next `notify(…, 1)` meant for a live waiter. So a
 *   cancelled wait wakes every waiter on its word (`notify(view, i)`): the abandoned
 *   entry leaves the list, and any wake-up it may already have consumed reaches the
 *   others, who re-check their condition (every caller loops). The same flush runs when
 *   the cancellation lands after the wait finished but before the waiter resumed.
 *
 * Every wait here is a step of a loop that re-reads shared state after waking: waking
 * up says "look again", never "you got it".
 *
 * @module
 */
import { nodeBuiltin } from '../runtime/support.js';

import { CancelledError, InvalidStateError } from '../../errors.js';
import { Future } from '../loop/Future.js';
import { argRangeError, argTypeError, show } from '../base/validate.js';
import { haltIfTerminated } from './owners.js';
import { monotonicNow } from '../runtime/clock.js';

const { isMainThread } = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

/** What a futex wait reports: woken, the word already differed, or the time ran out. */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

// ---------------------------------------------------------------------------------------
// Keeping the event loop alive while async waits are pending.

let pendingAsyncWaits = 0;
let keepAlive: NodeJS.Timeout | null = null;
const noop = (): void => {};

function holdLoop(): void {
  if (pendingAsyncWaits++ === 0) keepAlive = setInterval(noop, 2 ** 31 - 1);
}

function releaseLoop(): void {
  if (--pendingAsyncWaits === 0 && keepAlive !== null) {
    clearInterval(keepAlive);
    keepAlive = null;
  }
}

/** How many `waitAsync` calls are pending in this thread (for tests and statistics). */
export function pendingWaits(): number {
  return pendingAsyncWaits;
}

/**
 * The future of one pending `Atomics.waitAsync`. Cancelling it (a task cancelled while
 * awaiting it) flushes the word at once, synchronously, so the abandoned engine entry
 * cannot swallow a wake-up meant for someone else.
 */
class FutexWait extends Future<WaitResult> {
  constructor(
    private readonly view: Int32Array,
    private readonly index: number,
  ) {
    super();
  }

  override cancel(msg?: string): boolean {
    if (!super.cancel(msg)) return false;
    releaseLoop();
    Atomics.notify(this.view, this.index);
    return true;
  }
}

/**
 * Waits, without blocking the thread, until `view[index]` is notified, or the word is not
 * `expected`, or `timeoutMs` passed (`Infinity`: no limit).
 *
 * Cancellation: if the calling task is cancelled, rejects with `CancelledError` and
 * flushes the word (see the module docs); the caller's state is untouched.
 */
export async function waitAsync(
  view: Int32Array,
  index: number,
  expected: number,
  timeoutMs: number,
): Promise<WaitResult> {
  const started = Atomics.waitAsync(view, index, expected, timeoutMs);
  if (!started.async) return started.value;
  const wait = new FutexWait(view, index);
  holdLoop();
  void started.value.then((result) => {
    if (wait.done()) return; // cancelled: already flushed and released
    releaseLoop();
    wait.setResult(result);
  });
  try {
    return await wait;
  } catch (error) {
    // A cancel delivered after the wait finished: the wake-up we may have consumed must
    // reach the others.
    if (error instanceof CancelledError) Atomics.notify(view, index);
    throw error;
  }
}

/**
 * Blocks the calling thread until `view[index]` is notified, or the word is not
 * `expected`, or `timeoutMs` passed. Callers check {@link assertMayBlock} first. A thread
 * its owner terminated does not return (see `haltIfTerminated`).
 */
export function waitSync(
  view: Int32Array,
  index: number,
  expected: number,
  timeoutMs: number,
): WaitResult {
  const result = Atomics.wait(view, index, expected, timeoutMs);
  haltIfTerminated();
  return result;
}

/**
 * Calls `callback` once `view[index]` is no longer `seen` (on a later turn, even if it
 * already differs). Unlike {@link waitAsync} it does not keep the event loop alive: for
 * a thread that answers requests from others, which keep the process running themselves.
 */
export function onChange(
  view: Int32Array,
  index: number,
  seen: number,
  callback: () => void,
): void {
  const pending = Atomics.waitAsync(view, index, seen);
  if (pending.async) void pending.value.then(callback);
  else queueMicrotask(callback);
}

/** Wakes up to `count` waiters on `view[index]` (default: all); returns how many. */
export function notify(view: Int32Array, index: number, count = Infinity): number {
  return Atomics.notify(view, index, count);
}

// ---------------------------------------------------------------------------------------
// Argument checks and deadlines shared by every blocking call.

/** Options of every `…Sync` call that may block. */
export interface SyncOptions {
  /**
   * Allow the call to block Node's main thread. Off by default: a blocked main thread
   * runs no callbacks, timers or I/O until the wait ends. Use the async twin there.
   */
  readonly allowMainThread?: boolean | undefined;
}

/**
 * Throws if blocking here would freeze the event loop: the caller is on the main thread
 * and did not pass `{ allowMainThread: true }`.
 */
export function assertMayBlock(what: string, options: SyncOptions | undefined): void {
  if (!isMainThread || options?.allowMainThread === true) return;
  throw new InvalidStateError(
    `${what} would block the main thread and freeze its event loop; await the async ` +
      `twin instead, or pass { allowMainThread: true } if blocking it is really meant`,
  );
}

/**
 * A timeout argument in milliseconds: `undefined`, `null`, `-1` and `Infinity` mean
 * "no limit" (Python's `None` / `-1`), any other number must be >= 0. Returns the
 * timeout as a number, `Infinity` for no limit.
 */
export function checkTimeout(what: string, timeout: unknown): number {
  if (timeout === undefined || timeout === null) return Infinity;
  if (typeof timeout !== 'number') {
    throw argTypeError(`${what} must be a number of milliseconds, got ${show(timeout)}`);
  }
  if (timeout === -1 || timeout === Infinity) return Infinity;
  if (Number.isNaN(timeout) || timeout < 0) {
    throw argRangeError(
      `${what} must be >= 0 milliseconds, or -1 / undefined for no limit, got ${show(timeout)}`,
    );
  }
  return timeout;
}

/** Options of `acquire()`-style calls: Python's `blocking` and `timeout`. */
export interface AcquireOptions {
  /** Wait for the primitive (default) or try once and return at once. */
  readonly blocking?: boolean | undefined;
  /** The longest wait in milliseconds; `-1` / `undefined` for no limit. */
  readonly timeout?: number | null | undefined;
}

/**
 * Reads `{ blocking, timeout }`: returns the timeout in ms (0 for a non-blocking try,
 * `Infinity` for no limit).
 *
 * @throws RangeError for a timeout with `blocking: false` (Python's `ValueError`).
 */
export function checkAcquireOptions(
  what: string,
  options: AcquireOptions | undefined,
  blockingKey: 'blocking' | 'block' = 'blocking',
): number {
  if (options === undefined) return Infinity;
  if (typeof options !== 'object' || options === null) {
    throw argTypeError(`${what} options must be an object, got ${show(options)}`);
  }
  const timeout = checkTimeout(`${what} timeout`, options.timeout);
  const blocking = (options as Record<string, unknown>)[blockingKey];
  if (blocking !== undefined && typeof blocking !== 'boolean') {
    throw argTypeError(`${what} ${blockingKey} must be a boolean, got ${show(blocking)}`);
  }
  if (blocking === false) {
    if (timeout !== Infinity) {
      throw argRangeError(
        `${what} cannot take a timeout with ${blockingKey}: false (got timeout ${show(options.timeout)}); ` +
          'drop one of the two',
      );
    }
    return 0;
  }
  return timeout;
}

/** The absolute deadline (`monotonicNow()` scale) of a wait of `timeoutMs`. */
export function deadlineAfter(timeoutMs: number): number {
  return timeoutMs === Infinity ? Infinity : monotonicNow() + timeoutMs;
}

/** Milliseconds left until `deadline` (0 once passed, `Infinity` for no deadline). */
export function remaining(deadline: number): number {
  if (deadline === Infinity) return Infinity;
  return Math.max(0, deadline - monotonicNow());
}
