/**
 * `sleep(ms, value?)`: a cancellable pause.
 *
 * @module
 */
import { Future } from '../internal/loop/Future.js';
import { callLater, callNextTurn } from '../internal/loop/loop.js';
import { checkDuration } from '../internal/base/validate.js';

/** A future that settles after a delay; cancelling it stops its timer. */
class SleepFuture<T> extends Future<T> {
  /** @internal */ _timer: { cancel(): void } | null = null;

  override cancel(msg?: string): boolean {
    if (!super.cancel(msg)) return false;
    this._timer?.cancel();
    this._timer = null;
    return true;
  }
}

function wake<T>(future: SleepFuture<T>): void {
  future._timer = null;
  if (!future.done()) future.setResult(future._result as T);
}

/**
 * Waits `ms` milliseconds, then resolves to `value`.
 *
 * Python equivalent: `asyncio.sleep(delay, result)` — with the delay in milliseconds.
 * `sleep(0)` yields for one turn of the loop: every task that is ready runs one step (and
 * I/O callbacks run) before this one continues. `Infinity` sleeps until cancelled.
 *
 * The returned future is a concur future: inside a task it is a cancellation point, and
 * cancelling it (or the task) clears its timer. Its timer keeps the process alive, like
 * `setTimeout`; with a `VirtualClock` installed it runs on virtual time.
 *
 * @throws TypeError if `ms` is not a number; RangeError if it is negative or NaN.
 * @example
 * ```ts
 * const answer = await sleep(100, 42); // 42, 100 ms later
 * ```
 */
export function sleep(ms: number): Future<undefined>;
export function sleep<T>(ms: number, value: T): Future<T>;
export function sleep<T>(ms: number, value?: T): Future<T | undefined> {
  checkDuration('sleep(ms)', ms);
  const future = new SleepFuture<T | undefined>();
  future._result = value;
  future._timer = ms === 0 ? callNextTurn(wake, future) : callLater(ms, wake, future, true);
  return future;
}
