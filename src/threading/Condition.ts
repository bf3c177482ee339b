/**
 * `Condition`: a condition variable shared by threads.
 *
 *   Condition ── lock: Lock | RLock (the user's lock, shared)
 *             ── guard SAB: one guard word for the wait list
 *             └─ WaitList: one futex slot per waiter (internal/waitList.ts)
 *
 * `wait()` enqueues a slot while the caller holds the lock, releases the lock, sleeps on
 * the slot, re-takes the lock, and leaves the slot. `notify(n)` marks the n oldest slots
 * NOTIFIED and wakes each one — exactly n waiters, never a spurious one, as CPython.
 * The list has its own guard because a plain `Lock` may be held by one thread while
 * another (wrongly) calls `notify`; the guard keeps the list intact regardless.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { CancelledError, InvalidStateError } from '../errors.js';
import {
  assertMayBlock,
  checkTimeout,
  deadlineAfter,
  remaining,
  type AcquireOptions,
  type SyncOptions,
} from '../internal/shm/futex.js';
import { Monitor } from '../internal/shm/monitor.js';
import { kOwnerDied, trackOwned, type OwnedPrimitive } from '../internal/shm/owners.js';
import {
  decodeShared,
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';
import { argTypeError, checkFunction, checkInteger, show } from '../internal/base/validate.js';
import { WaitList, type WaitListState } from '../internal/shm/waitList.js';
import { Lock, type AcquireSyncOptions } from './Lock.js';
import { RLock } from './RLock.js';

const GUARD = 0;

/** A snapshot of a threading {@link Condition}, from `statistics()`. */
export interface ConditionStatistics {
  /** Threads and tasks waiting in `wait()` and not yet notified. */
  readonly waiters: number;
  /** True while the underlying lock is held. */
  readonly locked: boolean;
}

/**
 * A condition variable shared by threads: code holding its lock waits (`wait`) until
 * another thread changes some shared state and calls `notify`.
 *
 * Python equivalent: `threading.Condition(lock=None)` — the lock defaults to a new
 * {@link RLock}; `acquire`/`release`/`locked`/`use(fn)` go to the lock; `wait(timeout)`
 * resolves to `false` on timeout; `waitFor(predicate, timeout)` resolves to the
 * predicate's last value; `notify(n)` wakes exactly the n longest-waiting waiters (no
 * spurious wake-ups, first in first out); `notifyAll()`. Works with a `Lock` or an
 * `RLock` (an RLock held several levels deep is fully released during the wait and
 * restored after). `waitSync`/`waitForSync` are the blocking twins for worker threads.
 *
 * Differences: a waiter notified at the moment its timeout expires reports `true`
 * (CPython may drop that notification and report `false`). If the lock's owner died
 * (see {@link Lock}), waiters wake with `BrokenResourceError`.
 *
 * Cancellation: a task cancelled in `wait()` re-takes the lock before the
 * `CancelledError` propagates (as asyncio's `Condition`), and a notification that
 * reached it meanwhile goes to the next waiter — never lost.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * const ready = new Value('int32', 0);
 * // consumer (any thread)
 * await cond.use(() => cond.waitFor(() => ready.value === 1));
 * // producer (another thread)
 * cond.useSync(() => { ready.value = 1; cond.notifyAll(); });
 * ```
 */
export class Condition implements Shareable, OwnedPrimitive {
  private _lock!: Lock | RLock;
  private _waiters!: WaitList;
  private _guard!: Monitor;
  private _guardWords!: Int32Array;

  /**
   * @param lock The lock to wait with, shared by every handle of this condition
   * (default: a new `RLock`).
   * @throws TypeError if `lock` is not a threading `Lock` or `RLock`.
   */
  constructor(lock?: Lock | RLock) {
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw argTypeError(
        `Condition needs a threading Lock or RLock (from concur-ts/threading), got ${show(lock)}`,
      );
    }
    this._attach(
      lock ?? new RLock(),
      new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
      new WaitList(),
    );
  }

  /** Takes the underlying lock; see `Lock.acquire` / `RLock.acquire`. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return this._lock.acquire(options);
  }

  /** Takes the underlying lock, blocking; see `Lock.acquireSync`. */
  acquireSync(options?: AcquireSyncOptions): boolean {
    return this._lock.acquireSync(options);
  }

  /** Releases the underlying lock. */
  release(): void {
    this._lock.release();
  }

  /** True while the underlying lock is held. Python 3.14: `cond.locked()`. */
  locked(): boolean {
    return this._lock.locked();
  }

  /** Runs `fn` holding the underlying lock: the `with cond:` twin. */
  use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    return this._lock.use(fn);
  }

  /** Runs the synchronous `fn` holding the underlying lock (blocking). */
  useSync<T>(fn: () => T, options?: SyncOptions): T {
    return this._lock.useSync(fn, options);
  }

  /**
   * Releases the lock, waits until notified or `timeout` ms pass, re-takes the lock;
   * resolves to `true` if notified, `false` on timeout.
   *
   * Python equivalent: `cond.wait(timeout=None)`, without blocking the thread.
   *
   * Cancellation: re-takes the lock, then rejects with `CancelledError`; a notification
   * received meanwhile is passed to the next waiter.
   *
   * @throws InvalidStateError if the lock is not held (Python: `RuntimeError`);
   * RangeError/TypeError for a bad timeout. Rejects with BrokenResourceError if the
   * lock's owner died.
   */
  wait(timeout?: number | null): Promise<boolean> {
    const ms = checkTimeout('Condition.wait() timeout', timeout);
    this._checkOwned('wait');
    return this._wait(deadlineAfter(ms));
  }

  /**
   * The blocking twin of `wait`, for worker threads.
   *
   * @throws InvalidStateError if the lock is not held, or on the main thread unless
   * `allowMainThread`; BrokenResourceError; RangeError/TypeError for a bad timeout.
   */
  waitSync(timeout?: number | null, options?: SyncOptions): boolean {
    const ms = checkTimeout('Condition.waitSync() timeout', timeout);
    this._checkOwned('waitSync');
    assertMayBlock('Condition.waitSync()', options);
    return this._waitSync(deadlineAfter(ms));
  }

  /**
   * Waits until `predicate()` is truthy (checking it first, then after each wake-up),
   * or `timeout` ms pass; resolves to the predicate's last value.
   *
   * Python equivalent: `cond.wait_for(predicate, timeout=None)`.
   *
   * Cancellation: as `wait`.
   *
   * @throws TypeError if `predicate` is not a function; as `wait` otherwise.
   */
  waitFor<T>(predicate: () => T, timeout?: number | null): Promise<T> {
    checkFunction('the predicate passed to Condition.waitFor()', predicate);
    const ms = checkTimeout('Condition.waitFor() timeout', timeout);
    this._checkOwned('waitFor');
    return this._waitFor(predicate, deadlineAfter(ms));
  }

  /**
   * The blocking twin of `waitFor`, for worker threads.
   *
   * @throws as `waitSync`; TypeError if `predicate` is not a function.
   */
  waitForSync<T>(predicate: () => T, timeout?: number | null, options?: SyncOptions): T {
    checkFunction('the predicate passed to Condition.waitForSync()', predicate);
    const ms = checkTimeout('Condition.waitForSync() timeout', timeout);
    this._checkOwned('waitForSync');
    assertMayBlock('Condition.waitForSync()', options);
    const deadline = deadlineAfter(ms);
    let result = predicate();
    while (!result) {
      if (remaining(deadline) === 0) break;
      this._waitSync(deadline);
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes the `n` longest-waiting waiters (fewer if fewer wait). The caller must hold
   * the lock; the woken re-take it after the caller releases it.
   *
   * Python equivalent: `cond.notify(n=1)`.
   *
   * @throws InvalidStateError if the lock is not held; RangeError/TypeError if `n` is
   * not an integer >= 0.
   */
  notify(n = 1): void {
    checkInteger('the number of waiters to notify', n, 0);
    this._checkOwned('notify');
    this._guard.run(() => this._waiters.wake(n));
  }

  /**
   * Wakes every waiter. Python equivalent: `cond.notify_all()`.
   *
   * @throws InvalidStateError if the lock is not held.
   */
  notifyAll(): void {
    this._checkOwned('notifyAll');
    this._guard.run(() => this._waiters.wake(Infinity));
  }

  /** A snapshot: `{ waiters, locked }`. */
  statistics(): ConditionStatistics {
    return { waiters: this._waiters.size, locked: this._lock.locked() };
  }

  /** `<Condition locked waiters=2>`. */
  [inspectCustom](): string {
    const { waiters, locked } = this.statistics();
    return `<Condition ${locked ? 'locked' : 'unlocked'}${waiters > 0 ? ` waiters=${waiters}` : ''}>`;
  }

  /** @internal The shareable protocol: the lock travels with the condition. */
  [kShare](): SharedState {
    return {
      __concur: 'Condition',
      state: {
        lock: this._lock[kShare](),
        guard: this._guardWords.buffer,
        waiters: this._waiters.share(),
      },
    };
  }

  /**
   * @internal Dead-owner hook: a broken lock rouses every waiter so each can fail. A
   * waiter whose thread died leaves the list, and a notification it had been given goes
   * to the next waiter: left behind, it would swallow a `notify` meant for a live one.
   */
  [kOwnerDied](threadId: number): boolean {
    const broke = this._lock[kOwnerDied](threadId);
    if (this._lock._isBroken()) {
      this._waiters.rouseAll();
      return broke;
    }
    // Killed inside the guard, the list may be half-updated: every waiter wakes to fail.
    return this._guard.ownerDied([this._waiters], threadId) || broke;
  }

  private _checkOwned(what: string): void {
    if (!this._lock._isOwned()) {
      throw new InvalidStateError(
        `Condition.${what}() needs the condition's lock held by the caller; ` +
          'call it inside cond.use(…) or after cond.acquire()',
      );
    }
  }

  private async _wait(deadline: number): Promise<boolean> {
    const lock = this._lock;
    const waiters = this._waiters;
    const slot = this._guard.run(() => waiters.enqueue());
    const saved = this._releaseOrLeave(slot);
    let failure: { error: unknown } | null = null;
    try {
      await waiters.sleep(slot, deadline, () => lock._isBroken() || this._guard.broken());
    } catch (error) {
      failure = { error };
    }
    // Re-take the lock whatever happened, as Python does; a cancellation arriving while
    // re-taking it is kept and re-raised after.
    for (;;) {
      try {
        await lock._acquireRestore(saved);
        break;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        failure ??= { error };
      }
    }
    const notified = this._guard.run(() => {
      const got = waiters.leave(slot);
      if (got && failure !== null) waiters.wakeOne(); // hand the notification on
      return got;
    });
    if (failure !== null) throw failure.error;
    return notified;
  }

  private _waitSync(deadline: number): boolean {
    const lock = this._lock;
    const waiters = this._waiters;
    const slot = this._guard.run(() => waiters.enqueue());
    const saved = this._releaseOrLeave(slot);
    try {
      waiters.sleepSync(slot, deadline, () => lock._isBroken() || this._guard.broken());
    } finally {
      lock._acquireRestoreSync(saved);
    }
    return this._guard.run(() => waiters.leave(slot));
  }

  /**
   * Releases the lock for the wait of `slot`. If that fails (a plain `Lock` released by
   * another thread meanwhile, or broken by a dead owner), the slot leaves the list before
   * the error propagates: left behind, it would swallow a later `notify` meant for a
   * live waiter.
   */
  private _releaseOrLeave(slot: number): number {
    try {
      return this._lock._releaseSave();
    } catch (error) {
      this._guard.run(() => this._waiters.leave(slot));
      throw error;
    }
  }

  private async _waitFor<T>(predicate: () => T, deadline: number): Promise<T> {
    let result = predicate();
    while (!result) {
      if (remaining(deadline) === 0) break;
      await this._wait(deadline);
      result = predicate();
    }
    return result;
  }

  private _attach(lock: Lock | RLock, guardWords: Int32Array, waiters: WaitList): this {
    this._lock = lock;
    this._guardWords = guardWords;
    this._guard = new Monitor(guardWords, GUARD, "the Condition's internal guard");
    this._waiters = waiters;
    trackOwned(this);
    return this;
  }

  static {
    registerShareable(
      'Condition',
      (state: { lock: SharedState; guard: SharedArrayBuffer; waiters: WaitListState }) =>
        (Object.create(Condition.prototype) as Condition)._attach(
          decodeShared(state.lock) as Lock | RLock,
          new Int32Array(state.guard),
          new WaitList(state.waiters),
        ),
    );
  }
}
