/**
 * `Semaphore`: a counter of permits shared by threads, in a `SharedArrayBuffer`.
 *
 *   SAB (12 bytes)  GUARD: the wait engine's guard · VALUE: free permits · BOUND: max (or -1)
 *   + one WaitList: the waiters, first in first out (internal/shm/monitor.ts)
 *
 * Taking a free permit is one compare-and-swap on VALUE, outside the guard; a waiter
 * that finds none sleeps in the wait engine (a monitor made with `recheck`). `release(n)`
 * adds n with a compare-and-swap and wakes up to n waiters only if the list is not empty,
 * so an uncontended release takes no guard either.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import {
  assertMayBlock,
  checkAcquireOptions,
  deadlineAfter,
  type AcquireOptions,
  type SyncOptions,
} from '../internal/shm/futex.js';
import { ACQUIRED, runHolding } from '../internal/loop/holding.js';
import { BLOCKED, Monitor, TIMED_OUT } from '../internal/shm/monitor.js';
import { kOwnerDied, trackOwned, type OwnedPrimitive } from '../internal/shm/owners.js';
import {
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';
import { argRangeError, checkFunction, checkInteger } from '../internal/base/validate.js';
import { WaitList, type WaitListState } from '../internal/shm/waitList.js';
import type { AcquireSyncOptions } from './Lock.js';

const GUARD = 0;
const VALUE = 1;
const BOUND = 2;
const MAX_VALUE = 2 ** 31 - 1;

/** A snapshot of a threading {@link Semaphore}, from `statistics()`. */
export interface SemaphoreStatistics {
  /** Free permits now. */
  readonly value: number;
  /** Threads and tasks sleeping in `acquire`. */
  readonly waiters: number;
}

/**
 * A semaphore shared by threads: `acquire` takes one of `value` permits, waiting while
 * there are none; `release(n)` gives n back.
 *
 * Python equivalent: `threading.Semaphore(value=1)` — `acquire({ blocking, timeout })`
 * resolves to `true`/`false` as Python's `acquire(blocking, timeout)`; `acquireSync` is
 * the blocking twin for worker threads; `release(n = 1)` wakes up to n waiters; `use(fn)`
 * is `with sem:`. As in Python, the order in which waiters get permits is not specified
 * (not first-in first-out), and releasing more than was acquired is allowed (use
 * {@link BoundedSemaphore} to forbid it).
 *
 * Differences: `acquireSync` on the main thread throws unless allowed (see `Lock`). A
 * semaphore has no owner, so a thread that dies holding permits does not break it; one
 * that dies waiting (and is marked dead, see `markOwnerDead`) stops counting as a
 * waiter and cannot swallow a permit released for a live one.
 *
 * Cancellation: a task cancelled while awaiting `acquire()` rejects with
 * `CancelledError` and takes no permit.
 *
 * Memory ordering: a `release()` happens-before the `acquire()` that takes its permit.
 *
 * @example
 * ```ts
 * const downloads = new Semaphore(4); // at most 4 at once, across every worker
 * await downloads.use(() => fetchOne(url));
 * ```
 */
export class Semaphore implements Shareable, OwnedPrimitive {
  /** @internal */
  protected _words!: Int32Array;
  private _waiters!: WaitList;
  private _monitor!: Monitor;
  /** The engine's attempt: a permit, or BLOCKED (bound once: decoded handles too). */
  private _attempt!: () => true | typeof BLOCKED;

  /**
   * @param value The initial number of permits, an integer >= 0 (default 1).
   * @throws RangeError if `value` is negative, not an integer or above 2^31 - 1;
   * TypeError if it is not a number (Python: `ValueError`).
   */
  constructor(value = 1) {
    checkInteger('the Semaphore value', value, 0);
    if (value > MAX_VALUE) {
      throw argRangeError(`the Semaphore value must be <= ${MAX_VALUE}, got ${value}`);
    }
    const words = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    words[VALUE] = value;
    words[BOUND] = -1;
    this._attach(words, new WaitList());
  }

  /**
   * Takes a permit, waiting while there is none; resolves to `true`, or to `false` if
   * `blocking` is false or `timeout` ms pass first.
   *
   * Python equivalent: `sem.acquire(blocking=True, timeout=None)`.
   *
   * Cancellation: rejects with `CancelledError`; no permit is taken.
   *
   * @throws RangeError for `{ blocking: false, timeout }` (Python: `ValueError`) or a
   * negative timeout other than -1; TypeError for a non-number timeout.
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const timeout = checkAcquireOptions(`${this._name()}.acquire()`, options);
    if (this._tryTake()) return ACQUIRED;
    return this._acquireSlow(timeout);
  }

  /**
   * The blocking twin of `acquire`, for worker threads.
   *
   * @throws InvalidStateError on the main thread (unless `allowMainThread`) when it
   * would block; RangeError/TypeError for bad options.
   */
  acquireSync(options?: AcquireSyncOptions): boolean {
    const timeout = checkAcquireOptions(`${this._name()}.acquireSync()`, options);
    if (timeout > 0) assertMayBlock(`${this._name()}.acquireSync()`, options);
    if (this._tryTake()) return true;
    if (timeout === 0) return false;
    const outcome = this._monitor.untilSync(this._waiters, deadlineAfter(timeout), this._attempt);
    return outcome !== TIMED_OUT;
  }

  /**
   * Gives back `n` permits and wakes up to `n` waiters.
   *
   * Python equivalent: `sem.release(n=1)`.
   *
   * @throws RangeError/TypeError if `n` is not an integer >= 1 (Python: `ValueError`),
   * or if the value would pass 2^31 - 1.
   */
  release(n = 1): void {
    checkInteger(`the number of permits to release`, n, 1);
    const words = this._words;
    for (;;) {
      const value = Atomics.load(words, VALUE);
      this._checkRelease(value, n);
      if (Atomics.compareExchange(words, VALUE, value, value + n) === value) break;
    }
    this._monitor.wakeAfterChange(this._waiters, n);
  }

  /**
   * Runs `fn` holding a permit and gives it back afterwards; `with sem:`.
   *
   * @throws TypeError if `fn` is not a function.
   */
  use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction(`the function passed to ${this._name()}.use()`, fn);
    return runHolding(this, this._tryTake() ? undefined : this._acquireSlow(Infinity), fn);
  }

  /**
   * Runs the synchronous `fn` holding a permit (taken with `acquireSync`).
   *
   * @throws as `acquireSync`; TypeError if `fn` is not a function.
   */
  useSync<T>(fn: () => T, options?: SyncOptions): T {
    checkFunction(`the function passed to ${this._name()}.useSync()`, fn);
    this.acquireSync(options);
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  /** Free permits now (a snapshot). Python: `sem._value`. */
  get value(): number {
    return Atomics.load(this._words, VALUE);
  }

  /** A snapshot: `{ value, waiters }`. */
  statistics(): SemaphoreStatistics {
    return { value: this.value, waiters: this._waiters.size };
  }

  /** `<Semaphore value=2 waiters=1>`. */
  [inspectCustom](): string {
    const { value, waiters } = this.statistics();
    return `<${this._name()} value=${value}${this._boundText()}${waiters > 0 ? ` waiters=${waiters}` : ''}>`;
  }

  /** @internal The shareable protocol. */
  [kShare](): SharedState {
    return {
      __concur: this._name(),
      state: { words: this._words.buffer, waiters: this._waiters.share() },
    };
  }

  /** @internal Dead-owner hook: a waiter whose thread died leaves the list. */
  [kOwnerDied](threadId: number): boolean {
    return this._monitor.ownerDied([this._waiters], threadId);
  }

  /** @internal */
  protected _name(): string {
    return 'Semaphore';
  }

  /** @internal */
  protected _boundText(): string {
    return '';
  }

  /** @internal Throws if releasing `n` onto `value` is not allowed. */
  protected _checkRelease(value: number, n: number): void {
    if (value + n > MAX_VALUE) {
      throw argRangeError(
        `${this._name()}.release(${n}) would take the value past ${MAX_VALUE} (it is ${value})`,
      );
    }
  }

  /** @internal */
  _attach(words: Int32Array, waiters: WaitList): this {
    this._words = words;
    this._waiters = waiters;
    this._monitor = new Monitor(words, GUARD, `the ${this._name()}'s internal guard`, true);
    this._attempt = () => this._tryTake() || BLOCKED;
    trackOwned(this);
    return this;
  }

  private _tryTake(): boolean {
    const words = this._words;
    let value = Atomics.load(words, VALUE);
    while (value > 0) {
      const seen = Atomics.compareExchange(words, VALUE, value, value - 1);
      if (seen === value) return true;
      value = seen;
    }
    return false;
  }

  private async _acquireSlow(timeout: number): Promise<boolean> {
    if (timeout === 0) return false;
    const deadline = deadlineAfter(timeout);
    return (await this._monitor.until(this._waiters, deadline, this._attempt)) !== TIMED_OUT;
  }

  static {
    registerShareable('Semaphore', (state: SemaphoreState) =>
      (Object.create(Semaphore.prototype) as Semaphore)._attach(
        new Int32Array(state.words),
        new WaitList(state.waiters),
      ),
    );
  }
}

/** The structured-cloneable state of a Semaphore. @internal */
export interface SemaphoreState {
  readonly words: SharedArrayBuffer;
  readonly waiters: WaitListState;
}

/** Index of the bound word, for BoundedSemaphore. @internal */
export const SEMAPHORE_BOUND = BOUND;
