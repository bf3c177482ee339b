/**
 * `Event`: a flag shared by threads, in a `SharedArrayBuffer`.
 *
 *   SAB (12 bytes)  FLAG: 0/1 · GENERATION: +1 on every set() of a clear flag · WAITERS
 *
 * Waiters sleep on GENERATION, not on FLAG: a waiter notes the generation, checks the
 * flag, and sleeps while the generation is unchanged. `set()` stores FLAG = 1, then
 * bumps GENERATION and wakes everyone. A waiter that wakes after a quick `set(); clear()`
 * still sees a new generation and returns true (gh-57711) — the flag alone would say
 * false.
 *
 * @module
 */
import { inspect } from 'node:util';

import {
  assertMayBlock,
  checkTimeout,
  deadlineAfter,
  remaining,
  waitAsync,
  waitSync,
  type SyncOptions,
} from '../internal/shm/futex.js';
import { ACQUIRED } from '../internal/loop/holding.js';
import {
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';

const FLAG = 0;
const GENERATION = 1;
const WAITERS = 2;

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
 * Differences: `waitSync` on the main thread throws unless allowed (see `Lock`).
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
export class Event implements Shareable {
  private _words!: Int32Array;

  /** Makes a clear event in a new `SharedArrayBuffer`. */
  constructor() {
    this._words = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
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
    Atomics.notify(words, GENERATION);
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
    Atomics.add(words, WAITERS, 1);
    try {
      for (;;) {
        if (Atomics.load(words, GENERATION) !== generation) return true;
        const left = remaining(deadline);
        if (left === 0) return false;
        waitSync(words, GENERATION, generation, left);
      }
    } finally {
      Atomics.sub(words, WAITERS, 1);
    }
  }

  /** A snapshot: `{ isSet, waiters }`. */
  statistics(): EventStatistics {
    return { isSet: this.isSet(), waiters: Atomics.load(this._words, WAITERS) };
  }

  /** `<Event set>`, `<Event unset waiters=3>`. */
  [inspect.custom](): string {
    const { isSet, waiters } = this.statistics();
    return `<Event ${isSet ? 'set' : 'unset'}${waiters > 0 ? ` waiters=${waiters}` : ''}>`;
  }

  /** @internal The shareable protocol. */
  [kShare](): SharedState {
    return { __concur: 'Event', state: { words: this._words.buffer } };
  }

  private async _waitAsync(generation: number, deadline: number): Promise<boolean> {
    const words = this._words;
    Atomics.add(words, WAITERS, 1);
    try {
      for (;;) {
        if (Atomics.load(words, GENERATION) !== generation) return true;
        const left = remaining(deadline);
        if (left === 0) return false;
        await waitAsync(words, GENERATION, generation, left);
      }
    } finally {
      Atomics.sub(words, WAITERS, 1);
    }
  }

  private _attach(words: Int32Array): this {
    this._words = words;
    return this;
  }

  static {
    registerShareable('Event', (state: { words: SharedArrayBuffer }) =>
      (Object.create(Event.prototype) as Event)._attach(new Int32Array(state.words)),
    );
  }
}
