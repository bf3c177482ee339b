/**
 * `Barrier`: a meeting point where a fixed number of tasks wait for each other.
 *
 * The algorithm is asyncio's (3.11+ `locks.py`), a state machine guarded by a
 * {@link Condition}:
 *
 *   filling ──(last party arrives)──► draining ──(last party leaves)──► filling
 *      │                                  │
 *      └──── reset() with waiters ──► resetting ──(last waiter leaves)──► filling
 *   any ──── abort() ──► broken ──── reset() ──► filling / resetting
 *
 * Tasks arriving while the barrier drains or resets wait until it is filling again, so
 * the barrier can be reused cycle after cycle without a fast task lapping a slow one.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { BrokenBarrierError } from '../errors.js';
import { checkInteger } from '../internal/base/validate.js';
import { Condition } from './Condition.js';

/** The phase a {@link Barrier} is in. */
export type BarrierState = 'filling' | 'draining' | 'resetting' | 'broken';

/** A snapshot of a {@link Barrier}, from `statistics()`. */
export interface BarrierStatistics {
  /** The current phase. */
  readonly state: BarrierState;
  /** The number of tasks needed to pass the barrier. */
  readonly parties: number;
  /** Tasks waiting for the barrier to fill (0 unless filling). */
  readonly nWaiting: number;
  /** True once `abort()` broke the barrier (until `reset()`). */
  readonly broken: boolean;
}

/**
 * A barrier for `parties` tasks: each calls `wait()`, and when the last one arrives all
 * of them are released together. The barrier then resets itself for the next round.
 *
 * Python equivalent: `asyncio.Barrier(parties)` — `wait`, `reset`, `abort`, `parties`,
 * `nWaiting` (`n_waiting`), `broken`. `wait()` resolves to an index unique within the
 * round, from 0 to `parties - 1` (the last to arrive gets `parties - 1`), handy to pick
 * one task for a job. `reset()` and `abort()` return promises, as in Python, because
 * they take the barrier's internal lock.
 *
 * Cancellation: cancelling a task blocked in `wait()` only removes it — `nWaiting`
 * drops by one and the barrier is **not** broken, so a replacement can take its place
 * (unlike `threading.Barrier`, where a timeout breaks it for everyone).
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3);
 * await gather([1, 2, 3].map((n) => createTask(async () => {
 *   await prepare(n);
 *   const i = await barrier.wait(); // all three continue together
 *   if (i === 0) console.log('everyone is ready');
 * })));
 * ```
 */
export class Barrier {
  private readonly _cond = new Condition();
  private readonly _parties: number;
  private _state: BarrierState = 'filling';
  /** Tasks inside `wait()` past the entry check (waiting to fill, or draining). */
  private _count = 0;

  /**
   * @param parties How many tasks must call `wait()` to pass, an integer >= 1.
   * @throws TypeError if `parties` is not a number; RangeError if it is < 1 or not an
   * integer (Python: `ValueError`).
   */
  constructor(parties: number) {
    this._parties = checkInteger('the number of Barrier parties', parties, 1);
  }

  /**
   * Waits until `parties` tasks are waiting, then releases them all; resolves to this
   * task's index in the round (0 to `parties - 1`).
   *
   * Python equivalent: `await barrier.wait()` (or `async with barrier as index`). A task
   * arriving while the previous round drains waits for the next round.
   *
   * Cancellation: the task leaves the barrier (`nWaiting` drops) without breaking it.
   *
   * @throws BrokenBarrierError (as a rejection) if the barrier is broken, or is reset or
   * aborted while this task waits.
   */
  wait(): Promise<number> {
    return this._cond.use(async () => {
      await this._block(); // wait while the previous round drains or resets
      const index = this._count++;
      try {
        if (index + 1 === this._parties) {
          // The last party: release the round. Later arrivals block until it drains.
          this._state = 'draining';
          this._cond.notifyAll();
        } else {
          await this._waitForRelease();
        }
        return index;
      } finally {
        this._count--;
        this._exit();
      }
    });
  }

  /**
   * Returns the barrier to its initial, filling state. Tasks waiting in it get
   * `BrokenBarrierError`; once they have left, the barrier works normally again. Also
   * repairs a broken (aborted) barrier.
   *
   * Python equivalent: `await barrier.reset()`.
   */
  async reset(): Promise<void> {
    await this._cond.use(() => {
      if (this._count > 0) {
        // Waiters must leave first; the last one out sets the state back to filling.
        this._state = 'resetting';
      } else {
        this._state = 'filling';
      }
      this._cond.notifyAll();
    });
  }

  /**
   * Breaks the barrier: tasks waiting in it, and every later `wait()`, get
   * `BrokenBarrierError` until `reset()`. Use it when a party fails and the others must
   * not wait for it forever.
   *
   * Python equivalent: `await barrier.abort()`.
   */
  async abort(): Promise<void> {
    await this._cond.use(() => {
      this._state = 'broken';
      this._cond.notifyAll();
    });
  }

  /** The number of tasks needed to pass the barrier. */
  get parties(): number {
    return this._parties;
  }

  /** Tasks currently waiting for the barrier to fill (0 while draining or resetting). */
  get nWaiting(): number {
    return this._state === 'filling' ? this._count : 0;
  }

  /** True when the barrier is broken (by `abort()`), until `reset()`. */
  get broken(): boolean {
    return this._state === 'broken';
  }

  /** A snapshot: `{ state, parties, nWaiting, broken }`. */
  statistics(): BarrierStatistics {
    return {
      state: this._state,
      parties: this._parties,
      nWaiting: this.nWaiting,
      broken: this.broken,
    };
  }

  /** `<Barrier filling waiters=2/5>`, `<Barrier broken>`. */
  [inspectCustom](): string {
    if (this.broken) return '<Barrier broken>';
    return `<Barrier ${this._state} waiters=${this.nWaiting}/${this._parties}>`;
  }

  private async _block(): Promise<void> {
    await this._cond.waitFor(() => this._state !== 'draining' && this._state !== 'resetting');
    if (this._state === 'broken') {
      throw new BrokenBarrierError('the Barrier is broken (aborted); reset() it to use it again');
    }
  }

  private async _waitForRelease(): Promise<void> {
    await this._cond.waitFor(() => this._state !== 'filling');
    if (this._state === 'broken' || this._state === 'resetting') {
      throw new BrokenBarrierError(
        `the Barrier was ${this._state === 'broken' ? 'aborted' : 'reset'} while this task waited`,
      );
    }
  }

  /** The last task out of a drain or reset reopens the barrier for the next round. */
  private _exit(): void {
    if (this._count === 0) {
      if (this._state === 'resetting' || this._state === 'draining') this._state = 'filling';
      this._cond.notifyAll();
    }
  }
}
