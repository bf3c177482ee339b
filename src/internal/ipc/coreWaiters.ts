/**
 * The waiters of a cross-process primitive's core: a first-in first-out set of futures,
 * each tagged with the session (process) and task token that waits, with an optional
 * timeout. A waiter that settles (woken, timed out, cancelled) leaves the set.
 *
 * @module
 */
import { Future } from '../loop/Future.js';
import { callLater, type TimerHandle } from '../loop/loop.js';
import { server, type Session } from './resourceServer.js';

export interface Waiter<T, X> {
  readonly future: Future<T>;
  readonly session: Session;
  readonly data: X;
}

export class WaitSet<T, X = undefined> {
  private readonly set = new Set<Waiter<T, X>>();

  get size(): number {
    let n = 0;
    for (const w of this.set) if (!w.future.done()) n++;
    return n;
  }

  /**
   * Adds a waiter; after `timeout` ms (if finite) `onTimeout` settles it. `future` lets
   * a caller supply its own Future subclass.
   */
  add(
    session: Session,
    data: X,
    timeout: number,
    onTimeout: (waiter: Waiter<T, X>) => void,
    future: Future<T> = new Future<T>(),
  ): Waiter<T, X> {
    const waiter: Waiter<T, X> = { future, session, data };
    this.set.add(waiter);
    let timer: TimerHandle | null = null;
    if (timeout !== Infinity) {
      timer = callLater(
        timeout,
        () => {
          timer = null;
          if (!future.done()) onTimeout(waiter);
        },
        undefined,
        // The owner's own timed waits keep it alive, as any local timer would; a remote
        // waiter's timeout must not (its own process is the one waiting).
        session.local,
      );
    }
    // The owner's own wait is a wait on other processes: it keeps the owner alive.
    const release = session.local ? server.holdOpen() : null;
    future.addDoneCallback(() => {
      timer?.cancel();
      release?.();
      this.set.delete(waiter);
    });
    return waiter;
  }

  /** The oldest waiter still pending, without removing it. */
  first(): Waiter<T, X> | undefined {
    for (const w of this.set) if (!w.future.done()) return w;
    return undefined;
  }

  /** Removes and returns the oldest pending waiter. */
  shift(): Waiter<T, X> | undefined {
    for (const w of this.set) {
      this.set.delete(w);
      if (!w.future.done()) return w;
    }
    return undefined;
  }

  /** Every pending waiter, oldest first (a snapshot). */
  pending(): Waiter<T, X>[] {
    const out: Waiter<T, X>[] = [];
    for (const w of this.set) if (!w.future.done()) out.push(w);
    return out;
  }

  /** Fails every pending waiter with `error()` and empties the set. */
  failAll(error: () => unknown): void {
    for (const w of this.pending()) w.future.setException(error());
    this.set.clear();
  }
}
