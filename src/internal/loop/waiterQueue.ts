/**
 * A first-in first-out queue of waiter futures: the engine under every asyncio primitive
 * (Lock, Semaphore, Condition, Event, Barrier, Queue).
 *
 * A `Set` keeps insertion order and deletes in O(1), so a cancelled waiter leaves the
 * queue at once (no cancelled waiter is retained) and waking "the first waiter that is
 * not done" skips only futures already woken.
 */
import { Future } from './Future.js';

/**
 * A waiter: a future that only the primitive that made it awaits, with `await`. Every
 * `then` call on it is V8's for that `await`, so it skips the check that tells V8's
 * resolving functions from a caller's handlers (~90 ns of a contended Lock hand-off's
 * ~650).
 */
class Waiter<T> extends Future<T> {
  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const fromAwait = typeof onFulfilled === 'function' && typeof onRejected === 'function';
    return this._then(onFulfilled, onRejected, fromAwait);
  }
}

export class Waiters<T = void> {
  private readonly set = new Set<Future<T>>();

  /** Number of waiters (including ones woken but not yet resumed). */
  get size(): number {
    return this.set.size;
  }

  /** Appends a new waiter and returns its future. */
  add(): Future<T> {
    const future = new Waiter<T>();
    this.set.add(future);
    return future;
  }

  /** The oldest waiter (done or not), or `undefined` when there is none. */
  first(): Future<T> | undefined {
    if (this.set.size === 0) return undefined;
    return this.set.values().next().value;
  }

  /**
   * Wakes the oldest waiter with `value` if it is not already done; true if it did.
   * Unlike `wakeFirst` it never skips ahead: asyncio's Lock relies on a cancelled head
   * handing the wake-up on itself when it resumes (`Lock._wake_up_first`).
   */
  wakeHead(value: T): boolean {
    const head = this.first();
    if (head === undefined || head.done()) return false;
    head.setResult(value);
    return true;
  }

  /** Removes `future` (a waiter that resumed or was cancelled). */
  delete(future: Future<T>): void {
    this.set.delete(future);
  }

  /** Wakes the first waiter that is not already done with `value`; false if none. */
  wakeFirst(value: T): boolean {
    for (const future of this.set) {
      if (!future.done()) {
        future.setResult(value);
        return true;
      }
    }
    return false;
  }

  /** Wakes every waiter not already done with `value`; returns how many. */
  wakeAll(value: T): number {
    let woken = 0;
    for (const future of this.set) {
      if (!future.done()) {
        future.setResult(value);
        woken++;
      }
    }
    return woken;
  }

  /** Fails every waiter not already done with `error`. */
  failAll(error: () => unknown): void {
    for (const future of this.set) if (!future.done()) future.setException(error());
  }

  /** True if some waiter is not cancelled (waiting, or woken and about to resume). */
  hasLiveWaiter(): boolean {
    for (const future of this.set) if (!future.cancelled()) return true;
    return false;
  }

  [Symbol.iterator](): IterableIterator<Future<T>> {
    return this.set.values();
  }
}
