/**
 * `Monitor`: a guard word plus wait lists — the one wait engine under every `threading`
 * primitive (CPython builds its Barrier and queues on `Condition(Lock())`; tokio builds
 * everything on one batch semaphore, trio on one ParkingLot).
 *
 *   futex.ts    Atomics.wait / waitAsync / notify, timeouts, cancellation flushes
 *   mutex.ts    the owner-tagged lock word: the guard here, and Lock/RLock themselves
 *   waitList.ts one futex slot per waiter, first in first out, reaped when a thread dies
 *   monitor.ts  guard + wait lists: "try under the guard, else sleep on a slot, retry"
 *
 * Lock and RLock are the mutex word itself (their uncontended path is one CAS and must
 * stay so); Condition, Barrier, the queues, Semaphore and Event wait here.
 *
 * The guard is held only inside `run(fn)` / an `attempt` callback: a few synchronous
 * statements that never call user code and never wait. Waiting happens with the guard
 * released, on a private wait-list slot, and every wake-up goes back to the top of the
 * loop: take the guard, leave the slot, try again.
 *
 * Why the guard is never held across an `await`: async waiters on one thread would then
 * hold it while other code on that same thread runs, and that code could block on the
 * guard synchronously — a thread waiting for itself.
 *
 * Clients with a lock-free fast path (Semaphore's take, Event's set) change their state
 * outside the guard. For them the monitor is made with `recheck`: a blocked waiter
 * enqueues its slot and then tries once more, and the changer, after its change, calls
 * `wakeAfterChange`, which takes the guard only when `list.size > 0`. Both sides write before they read (sequentially
 * consistent atomics), so at least one sees the other: no lost wake-up, and the changer
 * takes no guard while nobody waits.
 *
 * @module
 */
import { remaining } from './futex.js';
import { BrokenResourceError } from '../../errors.js';
import { BROKEN, breakIfOwnedBy, lockGuard, unlockGuard } from './mutex.js';
import type { WaitList } from './waitList.js';

/** Returned by an `attempt` that cannot proceed yet. */
export const BLOCKED: unique symbol = Symbol('blocked');
/** Returned by `until` / `untilSync` when the deadline passed while blocked. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

export class Monitor {
  /**
   * Ends a sleep once the guard is broken (a thread died inside it): `markOwnerDead`
   * rouses every sleeper, and each must then see the broken guard and throw, not find its
   * slot still waiting and sleep again.
   */
  readonly broken = (): boolean => (Atomics.load(this.words, this.guard) & 3) === BROKEN;

  /**
   * @param recheck Try once more after enqueuing a blocked waiter: for clients whose
   * state also changes outside the guard (see the module docs).
   */
  constructor(
    private readonly words: Int32Array,
    private readonly guard: number,
    private readonly what: string,
    private readonly recheck = false,
  ) {}

  /** Breaks the guard if the dead thread `threadId` holds it; true if it did. */
  breakIfHeldBy(threadId: number): boolean {
    return breakIfOwnedBy(this.words, this.guard, threadId);
  }

  /**
   * The thread `threadId` died: if it died inside the guard, breaks the guard and rouses
   * every sleeper of `lists` (each then fails with BrokenResourceError); otherwise frees
   * the slots it held and passes on the wake-ups it had been given. True if it held any.
   */
  ownerDied(lists: readonly WaitList[], threadId: number): boolean {
    if (this.breakIfHeldBy(threadId)) {
      for (const list of lists) list.rouseAll();
      return true;
    }
    return reapDead(this, lists, threadId);
  }

  /**
   * The changer's half of the recheck protocol (see the module docs): after a change made
   * outside the guard, wakes up to `n` waiters of `list` — taking the guard only if
   * someone waits.
   */
  wakeAfterChange(list: WaitList, n: number): void {
    if (list.size > 0) this.run(() => list.wake(n));
  }

  /** Runs `fn` under the guard. `fn` must be short, synchronous and free of user code. */
  run<T>(fn: () => T): T {
    lockGuard(this.words, this.guard, this.what);
    try {
      return fn();
    } finally {
      unlockGuard(this.words, this.guard, this.what);
    }
  }

  /**
   * Runs `attempt` under the guard until it returns something other than BLOCKED,
   * sleeping on `list` in between; resolves to that value, or TIMED_OUT once `deadline`
   * passed with `attempt` still blocked.
   *
   * Cancellation: rejects with `CancelledError`, holding nothing; a notification that
   * reached this waiter meanwhile is passed to the next one.
   */
  async until<T>(
    list: WaitList,
    deadline: number,
    attempt: () => T | typeof BLOCKED,
  ): Promise<T | typeof TIMED_OUT> {
    let slot = 0;
    for (;;) {
      const outcome = this.step(list, slot, deadline, attempt);
      if (outcome.slot === 0) return outcome.value as T | typeof TIMED_OUT;
      slot = outcome.slot;
      try {
        await list.sleep(slot, deadline, this.broken);
      } catch (error) {
        this.run(() => {
          if (list.leave(slot)) list.wakeOne();
        });
        throw error;
      }
    }
  }

  /** The blocking twin of {@link until}. Callers check the main-thread rule first. */
  untilSync<T>(
    list: WaitList,
    deadline: number,
    attempt: () => T | typeof BLOCKED,
  ): T | typeof TIMED_OUT {
    let slot = 0;
    for (;;) {
      const outcome = this.step(list, slot, deadline, attempt);
      if (outcome.slot === 0) return outcome.value as T | typeof TIMED_OUT;
      slot = outcome.slot;
      list.sleepSync(slot, deadline, this.broken);
    }
  }

  /**
   * One turn under the guard: leave the previous slot, try, and either finish (slot 0)
   * or enqueue a new slot to sleep on.
   */
  private step<T>(
    list: WaitList,
    previous: number,
    deadline: number,
    attempt: () => T | typeof BLOCKED,
  ): { slot: 0; value: T | typeof TIMED_OUT } | { slot: number; value: undefined } {
    lockGuard(this.words, this.guard, this.what);
    try {
      const wasNotified = previous !== 0 && list.leave(previous);
      const value = attempt();
      if (value !== BLOCKED) return { slot: 0, value };
      if (remaining(deadline) === 0) {
        // Giving up: a wake-up this waiter got and cannot use goes to the next waiter.
        if (wasNotified) list.wakeOne();
        return { slot: 0, value: TIMED_OUT };
      }
      const slot = list.enqueue();
      if (this.recheck) {
        const again = attempt();
        if (again !== BLOCKED) {
          list.leave(slot); // not notified: every wake-up is given under the guard we hold
          return { slot: 0, value: again };
        }
      }
      return { slot, value: undefined };
    } finally {
      unlockGuard(this.words, this.guard, this.what);
    }
  }
}

/**
 * A thread died: under `monitor`'s guard, frees the slots it held in each of `lists`
 * and passes on every wake-up it had been given but could not use. True if it held any.
 * A guard already broken is left alone (its waiters fail anyway).
 */
function reapDead(monitor: Monitor, lists: readonly WaitList[], threadId: number): boolean {
  try {
    return monitor.run(() => {
      let held = 0;
      for (const list of lists) {
        const reaped = list.reap(threadId);
        held += reaped.held;
        list.wake(reaped.notified);
      }
      return held > 0;
    });
  } catch (error) {
    if (error instanceof BrokenResourceError) return false;
    throw error;
  }
}
