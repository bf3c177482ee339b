/**
 * `wait(fs, { timeout, returnWhen })`: wait for some or all of a set of futures.
 *
 * @module
 */
import { callLater, type TimerHandle } from '../internal/loop/loop.js';
import { argRangeError, argTypeError, checkDuration, show } from '../internal/base/validate.js';
import { Future, isFuture } from '../internal/loop/Future.js';

/** Return when any future finishes or is cancelled. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** Return when any future fails (like `ALL_COMPLETED` if none does). */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** Return when every future is done. */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/** When `wait` returns. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options of `wait`. */
export interface WaitOptions {
  /** Return after this many milliseconds even if the condition is not met. */
  timeout?: number | null;
  /** Default `ALL_COMPLETED`. */
  returnWhen?: ReturnWhen;
}

/** What `wait` resolves to: the futures that are done and those that are not. */
export interface WaitResult<F> {
  done: Set<F>;
  notDone: Set<F>;
}

/** Validates a collection of futures; shared by `wait` and `asCompleted`. @internal */
export function futureSet<F extends Future<unknown>>(what: string, fs: Iterable<F>): Set<F> {
  if (
    isFuture(fs) ||
    fs === null ||
    typeof (fs as Partial<Iterable<F>>)?.[Symbol.iterator] !== 'function'
  ) {
    throw argTypeError(`${what} takes an array (or iterable) of futures, got ${show(fs)}`);
  }
  const set = new Set<F>();
  for (const f of fs) {
    if (!isFuture(f)) {
      throw argTypeError(
        `${what} takes futures or tasks, got ${show(f)}; wrap a promise with ensureFuture(p) ` +
          'and keep the future to find it in the result',
      );
    }
    set.add(f);
  }
  return set;
}

/**
 * Waits until some or all of `fs` are done and resolves to `{ done, notDone }`.
 *
 * Python equivalent: `concurrent.futures.wait(fs, timeout=, return_when=)`. Accepts any
 * concur futures: tasks, executor futures and plain futures, mixed. Never throws on timeout
 * and never cancels the futures; look at `notDone`. An empty collection resolves to two
 * empty sets, as in Python (`concur-ts/asyncio`'s `wait` refuses it, as `asyncio.wait` does).
 *
 * Cancellation: cancelling the task that waits leaves the futures running.
 *
 * @throws TypeError for anything that is not a future (wrap promises with
 * `ensureFuture`); RangeError for a negative or NaN timeout, or an unknown `returnWhen`.
 * Both are thrown at the call, not as a rejection.
 * @example
 * ```ts
 * const { done, notDone } = await wait([t1, t2], { returnWhen: FIRST_COMPLETED });
 * ```
 */
export function wait<F extends Future<unknown>>(
  fs: Iterable<F>,
  options: WaitOptions = {},
): Promise<WaitResult<F>> {
  // Not `async`: bad arguments must throw here, at the call, not come back as a rejection.
  return waitOn(futureSet('wait()', fs), options);
}

/** `wait` on an already validated set; asyncio's `wait` adds its own rule first. @internal */
export function waitOn<F extends Future<unknown>>(
  set: Set<F>,
  options: WaitOptions,
): Promise<WaitResult<F>> {
  const returnWhen = options.returnWhen ?? ALL_COMPLETED;
  if (
    returnWhen !== FIRST_COMPLETED &&
    returnWhen !== FIRST_EXCEPTION &&
    returnWhen !== ALL_COMPLETED
  ) {
    throw argRangeError(
      `returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${show(returnWhen)}`,
    );
  }
  const timeout = options.timeout ?? null;
  if (timeout !== null) checkDuration('the wait() timeout', timeout);
  return waitUntil(set, returnWhen, timeout);
}

async function waitUntil<F extends Future<unknown>>(
  set: Set<F>,
  returnWhen: ReturnWhen,
  timeout: number | null,
): Promise<WaitResult<F>> {
  if (!conditionMet(set, returnWhen)) {
    const waiter = new Future<void>();
    let timer: TimerHandle | null = null;
    if (timeout !== null && timeout !== Infinity) {
      timer = callLater(timeout, releaseWaiter, waiter, true);
    }
    let pending = 0;
    for (const f of set) if (!f.done()) pending++;
    const onCompletion = (f: Future<unknown>): void => {
      pending--;
      if (
        pending <= 0 ||
        returnWhen === FIRST_COMPLETED ||
        (returnWhen === FIRST_EXCEPTION && !f.cancelled() && f.exception() !== null)
      ) {
        if (!waiter.done()) waiter.setResult();
      }
    };
    for (const f of set) if (!f.done()) f.addDoneCallback(onCompletion);
    try {
      await waiter;
    } finally {
      timer?.cancel();
      for (const f of set) f.removeDoneCallback(onCompletion);
    }
  }
  const done = new Set<F>();
  const notDone = new Set<F>();
  for (const f of set) (f.done() ? done : notDone).add(f);
  return { done, notDone };
}

function conditionMet(set: Set<Future<unknown>>, returnWhen: ReturnWhen): boolean {
  let allDone = true;
  for (const f of set) {
    if (!f.done()) {
      allDone = false;
      continue;
    }
    if (returnWhen === FIRST_COMPLETED) return true;
    if (returnWhen === FIRST_EXCEPTION && !f.cancelled() && f.exception() !== null) return true;
  }
  return allDone;
}

function releaseWaiter(waiter: Future<void>): void {
  if (!waiter.done()) waiter.setResult();
}
