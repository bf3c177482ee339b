/**
 * `Event`: a flag shared by threads, in a `SharedArrayBuffer`.
 *
 *   SAB (12 bytes)  GUARD: the wait engine's guard · FLAG: 0/1
 *                   · GENERATION: +1 on every set() of a clear flag
 *   + one WaitList: the waiters (internal/shm/monitor.ts)
 *
 * Waiters wait for GENERATION to change, not for FLAG: a waiter notes the generation,
 * checks the flag, and sleeps in the wait engine while the generation is unchanged.
 * `set()` stores FLAG = 1, bumps GENERATION and, only if someone waits, wakes the whole
 * list. A waiter that wakes after a quick `set(); clear()` still sees a new generation
 * and returns true (gh-57711) — the flag alone would say false.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import {
  assertMayBlock,
  checkTimeout,
  deadlineAfter,
  type SyncOptions,
} from '../internal/shm/futex.js';
import { ACQUIRED } from '../internal/loop/holding.js';
import { BLOCKED, Monitor } from '../internal/shm/monitor.js';
import { kOwnerDied, trackOwned, type OwnedPrimitive } from '../internal/shm/owners.js';
import {
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';
import { WaitList, type WaitListState } from '../internal/shm/waitList.js';

const GUARD = 0;
const FLAG = 1;
const GENERATION = 2;

/** A snapshot of a threading {@link Event}, from `statistics()`. */
export interface EventStatistics {
  /** The flag. */
  readonly isSet: boolean;
  /** Threads and tasks sleeping in `wait`. */
  readonly waiters: number;
}

/**
 * A flag shared by threads: `wait()` blocks until another thread calls `set()`.
 *
 * Python equivalent: `threading.Event` — `isSet()` (`is_set`), `set()`, `clear()`,
 * `wait(timeout)` resolving to `true` once set or `false` on timeout; `waitSync` is the
 * blocking twin for worker threads. As in Python, a waiter woken by `set()` gets `true`
 * even if `clear()` ran before it resumed.
 *
 * Differences: `waitSync` on the main thread throws unless allowed (see `Lock`). A
 * waiter whose thread dies (and is marked dead, see `markOwnerDead`) stops counting as
 * a waiter.
 *
 * Cancellation: a task cancelled in `wait()` rejects with `CancelledError`; nothing
 * else changes.
 *
 * Memory ordering: what a thread wrote before `set()` is visible to a waiter after its
 * `wait()` returns `true`.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * pool.submit(worker, ready);   // the worker: ready.waitSync(); …
 * await loadConfig();
 * ready.set();
 * ```
 */
export class Event implements Shareable, OwnedPrimitive {
  private _words!: Int32Array;
  private _waiters!: WaitList;
  private _monitor!: Monitor;

  /** Makes a clear event in a new `SharedArrayBuffer`. */
  constructor() {
    this._attach(
      new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)),
      new WaitList(),
    );
  }

  /** True if the flag is set. Python: `event.is_set()`. */
  isSet(): boolean {
    return Atomics.load(this._words, FLAG) === 1;
  }

  /** Sets the flag and wakes every waiter. Python: `event.set()`. */
  set(): void {
    const words = this._words;
    if (Atomics.compareExchange(words, FLAG, 0, 1) !== 0) return; // already set
    Atomics.add(words, GENERATION, 1);
    this._monitor.wakeAfterChange(this._waiters, Infinity);
  }

  /** Clears the flag; later waits block until the next `set()`. Python: `event.clear()`. */
  clear(): void {
    Atomics.store(this._words, FLAG, 0);
  }

  /**
   * Waits until the flag is set or `timeout` ms pass; resolves to `true` if it was set
   * (even if cleared since), `false` on timeout.
   *
   * Python equivalent: `event.wait(timeout=None)`, without blocking the thread.
   *
   * Cancellation: rejects with `CancelledError`.
   *
   * @throws RangeError/TypeError for a bad timeout.
   */
  wait(timeout?: number | null): Promise<boolean> {
    const ms = checkTimeout('Event.wait() timeout', timeout);
    const generation = Atomics.load(this._words, GENERATION);
    if (this.isSet()) return ACQUIRED;
    return this._waitAsync(generation, deadlineAfter(ms));
  }

  /**
   * The blocking twin of `wait`, for worker threads.
   *
   * @throws InvalidStateError on the main thread (unless `allowMainThread`) when it
   * would block; RangeError/TypeError for a bad timeout.
   */
  waitSync(timeout?: number | null, options?: SyncOptions): boolean {
    const ms = checkTimeout('Event.waitSync() timeout', timeout);
    if (ms > 0) assertMayBlock('Event.waitSync()', options);
    const words = this._words;
    const generation = Atomics.load(words, GENERATION);
    if (this.isSet()) return true;
    if (ms === 0) return false;
    const deadline = deadlineAfter(ms);
    return this._monitor.untilSync(this._waiters, deadline, this._changed(generation)) === true;
  }

  /** A snapshot: `{ isSet, waiters }`. */
  statistics(): EventStatistics {
    return { isSet: this.isSet(), waiters: this._waiters.size };
  }

  /** `<Event set>`, `<Event unset waiters=3>`. */
  [inspectCustom](): string {
    const { isSet, waiters } = this.statistics();
    return `<Event ${isSet ? 'set' : 'unset'}${waiters > 0 ? ` waiters=${waiters}` : ''}>`;
  }

  /** @internal The shareable protocol. */
  [kShare](): SharedState {
    return {
      __concur: 'Event',
      state: { words: this._words.buffer, waiters: this._waiters.share() },
    };
  }

  /** @internal Dead-owner hook: a waiter whose thread died leaves the list. */
  [kOwnerDied](threadId: number): boolean {
    return this._monitor.ownerDied([this._waiters], threadId);
  }

  private async _waitAsync(generation: number, deadline: number): Promise<boolean> {
    return (await this._monitor.until(this._waiters, deadline, this._changed(generation))) === true;
  }

  /** The engine's attempt: true once a `set()` came after `generation`, else BLOCKED. */
  private _changed(generation: number): () => true | typeof BLOCKED {
    const words = this._words;
    return () => Atomics.load(words, GENERATION) !== generation || BLOCKED;
  }

  private _attach(words: Int32Array, waiters: WaitList): this {
    this._words = words;
    this._waiters = waiters;
    this._monitor = new Monitor(words, GUARD, "the Event's internal guard", true);
    trackOwned(this);
    return this;
  }

  static {
    registerShareable('Event', (state: { words: SharedArrayBuffer; waiters: WaitListState }) =>
      (Object.create(Event.prototype) as Event)._attach(
        new Int32Array(state.words),
        new WaitList(state.waiters),
      ),
    );
  }
}
