/**
 * `shield(aw)`: protect an awaitable from the cancellation of whoever awaits it.
 *
 * @module
 */
import { ensureFuture } from '../futures/ensureFuture.js';
import { Future } from '../internal/loop/Future.js';

/**
 * Returns a future that follows `aw` but whose cancellation does not reach `aw`.
 *
 * Python equivalent: `asyncio.shield(aw)`. Cancelling the task that awaits the shield
 * (or the shield itself) raises `CancelledError` in that task, while the inner work
 * carries on to completion. Cancelling the inner work cancels the shield. An input that
 * is already done is returned as it is. If the shield was cancelled and the inner work
 * later fails, its error goes to the loop's exception handler (once); a later result is
 * dropped silently.
 *
 * @example
 * ```ts
 * const save = createTask(() => saveToDisk(doc));
 * await waitFor(shield(save), 1000); // times out without cancelling the save
 * ```
 */
export function shield<T>(aw: Future<T> | PromiseLike<T>): Future<T> {
  const inner = ensureFuture(aw);
  if (inner.done()) return inner;
  const outer = new Future<T>();

  const onInnerDone = (f: Future<T>): void => {
    // The shield was cancelled: nobody waits for the inner outcome through it any more.
    // Leave an error unretrieved so the loop reports it (once, from the inner future),
    // as asyncio does; a result is simply dropped.
    if (outer.cancelled()) return;
    if (f.cancelled()) {
      outer.cancel();
      return;
    }
    const error = f.exception();
    if (error !== null) outer.setException(error);
    else outer.setResult(f.result());
  };
  const onOuterDone = (): void => {
    if (!inner.done()) inner.removeDoneCallback(onInnerDone);
  };
  inner.addDoneCallback(onInnerDone);
  outer.addDoneCallback(onOuterDone);
  return outer;
}
