/**
 * asyncio's `wait(fs, { timeout, returnWhen })`: `concurrent.futures`' `wait`, but an empty
 * collection is a mistake, as in `asyncio.wait`.
 *
 * @module
 */
import { futureSet, waitOn, type WaitOptions, type WaitResult } from '../futures/wait.js';
import type { Future } from '../internal/loop/Future.js';
import { argRangeError } from '../internal/base/validate.js';

/**
 * Waits until some or all of `fs` are done and resolves to `{ done, notDone }`.
 *
 * Python equivalent: `asyncio.wait(fs, timeout=, return_when=)`. Accepts any concur futures:
 * tasks, executor futures and plain futures, mixed. Never throws on timeout and never
 * cancels the futures; look at `notDone`. Differs from `concur-ts/futures`' `wait` only in
 * refusing an empty collection, as `asyncio.wait` raises `ValueError` for one.
 *
 * Cancellation: cancelling the task that waits leaves the futures running.
 *
 * @throws TypeError for anything that is not a future (wrap promises with
 * `ensureFuture`); RangeError for an empty collection, a negative or NaN timeout, or an
 * unknown `returnWhen`. Both are thrown at the call, not as a rejection.
 * @example
 * ```ts
 * const { done, notDone } = await wait([t1, t2], { returnWhen: FIRST_COMPLETED });
 * ```
 */
export function wait<F extends Future<unknown>>(
  fs: Iterable<F>,
  options: WaitOptions = {},
): Promise<WaitResult<F>> {
  const set = futureSet('wait()', fs);
  if (set.size === 0) throw argRangeError('wait() needs at least one future; the set is empty');
  return waitOn(set, options);
}
