/**
 * `Event`: a flag tasks can wait for.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { ACQUIRED } from '../internal/loop/holding.js';
import { Waiters } from '../internal/loop/waiterQueue.js';

/** A snapshot of an {@link Event}, from `statistics()`. */
export interface EventStatistics {
  /** True while the flag is set. */
  readonly set: boolean;
  /** Tasks blocked in `wait()` (including ones woken but not yet resumed). */
  readonly waiters: number;
}

/**
 * A flag, initially false, that tasks can wait for: `set()` makes it true and wakes every
 * waiter, `clear()` makes it false again.
 *
 * Python equivalent: `asyncio.Event` (`set`, `clear`, `isSet` for `is_set`, `wait`).
 * `wait()` resolves to `true`. A waiter woken by `set()` stays woken even if `clear()`
 * runs before it resumes: it still gets `true`.
 *
 * Cancellation: cancelling a task blocked in `wait()` rejects the wait with
 * `CancelledError` and leaves no waiter behind. `wait()` on a set event does not suspend
 * and is not a cancellation point.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * createTask(async () => { await loadConfig(); ready.set(); });
 * await ready.wait(); // true, once the config is loaded
 * ```
 */
export class Event {
  private _value = false;
  private readonly _waiters = new Waiters<boolean>();

  /** True while the flag is set. Python: `event.is_set()`. */
  isSet(): boolean {
    return this._value;
  }

  /**
   * Sets the flag and wakes every task waiting for it. Later `wait()` calls return at
   * once until `clear()`. Setting a set event does nothing.
   */
  set(): void {
    if (this._value) return;
    this._value = true;
    if (this._waiters.size > 0) this._waiters.wakeAll(true);
  }

  /**
   * Clears the flag: later `wait()` calls block until the next `set()`. Waiters already
   * woken by a `set()` are not affected.
   */
  clear(): void {
    this._value = false;
  }

  /**
   * Resolves to `true` once the flag is set — at once if it is set now.
   *
   * Python equivalent: `await event.wait()`. There is no timeout parameter; compose with
   * `timeout()` or `waitFor()`.
   *
   * Cancellation: a cancelled wait rejects with `CancelledError` and is removed from the
   * event.
   */
  wait(): Promise<true> {
    // Already set: no future, no suspension (the shared settled promise, see ACQUIRED).
    if (this._value) return ACQUIRED;
    return this._waitSlow();
  }

  /** A snapshot of the event's state (Trio style): `{ set, waiters }`. */
  statistics(): EventStatistics {
    return { set: this._value, waiters: this._waiters.size };
  }

  /** `<Event unset>`, `<Event set>`, `<Event unset waiters=2>`. */
  [inspectCustom](): string {
    const waiters = this._waiters.size;
    return `<Event ${this._value ? 'set' : 'unset'}${waiters > 0 ? ` waiters=${waiters}` : ''}>`;
  }

  private async _waitSlow(): Promise<true> {
    const waiter = this._waiters.add();
    try {
      await waiter;
      return true;
    } finally {
      this._waiters.delete(waiter);
    }
  }
}
