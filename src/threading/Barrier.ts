/**
 * `Barrier`: a meeting point for a fixed number of threads, in a `SharedArrayBuffer`.
 *
 *   SAB   GUARD · STATE · COUNT · PARTIES · HAS_ACTION · ACTION_REQUESTS · (f64) TIMEOUT
 *   + one WaitList, woken whole on every state change (CPython's Condition.notify_all)
 *   + one WaitList never woken, `members`: a slot per party inside (counted in COUNT),
 *     naming its thread, so that a party whose thread dies breaks the barrier
 *
 * CPython's state machine (`threading.Barrier`), plus two states for the action:
 *
 *   FILLING ──last party──► DRAINING ──last party leaves──► FILLING
 *      └──last party, action elsewhere──► ACTION_PENDING ──claimed──► ACTION_RUNNING ─┘
 *   a wait timing out, a throwing action, abort() ──► BROKEN ──reset()──► FILLING
 *   reset() with parties inside ──► RESETTING ──last party leaves──► FILLING
 *
 * The action is a function, and functions cannot cross threads: it lives in the handle
 * that was constructed with it (its "home" thread). When the last party to arrive is in
 * the home thread it runs the action itself, as Python. Otherwise it publishes
 * ACTION_PENDING and bumps ACTION_REQUESTS; the home thread runs the action either from
 * its event loop (a watcher sleeping on ACTION_REQUESTS) or, if it is itself blocked as
 * a party in `waitSync`, from that wait. Whoever claims ACTION_PENDING → ACTION_RUNNING
 * under the guard runs it, so it runs exactly once per round.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { BrokenBarrierError, BrokenResourceError } from '../errors.js';
import {
  assertMayBlock,
  checkTimeout,
  deadlineAfter,
  notify,
  onChange,
  remaining,
  type SyncOptions,
} from '../internal/shm/futex.js';
import { callExceptionHandler } from '../internal/loop/loop.js';
import { BLOCKED, Monitor } from '../internal/shm/monitor.js';
import { breakIfOwnedBy } from '../internal/shm/mutex.js';
import { kOwnerDied, trackOwned, type OwnedPrimitive } from '../internal/shm/owners.js';
import {
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';
import {
  argRangeError,
  argTypeError,
  checkFunction,
  checkInteger,
  show,
} from '../internal/base/validate.js';
import { WaitList, type WaitListState } from '../internal/shm/waitList.js';

const GUARD = 0;
const STATE = 1;
const COUNT = 2;
const PARTIES = 3;
const HAS_ACTION = 4;
const ACTION_REQUESTS = 5;
const INT_WORDS = 8;
const TIMEOUT_F64 = INT_WORDS / 2; // Float64 index right after the Int32 words

const FILLING = 0;
const DRAINING = 1;
const RESETTING = 2;
const BROKEN = 3;
const ACTION_PENDING = 4;
const ACTION_RUNNING = 5;

const STATE_NAMES = [
  'filling',
  'draining',
  'resetting',
  'broken',
  'action pending',
  'action running',
] as const;

/** The phase a threading {@link Barrier} is in. */
export type BarrierState = (typeof STATE_NAMES)[number];

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /**
   * Called once per round, when the last party arrives and before any is released. It
   * runs in this (the constructing) thread; see the class docs. If it throws, the
   * barrier breaks.
   */
  readonly action?: (() => void) | undefined;
  /** The default timeout of `wait()` in ms (`-1`/`undefined`: none). */
  readonly timeout?: number | null | undefined;
}

/** A snapshot of a threading {@link Barrier}, from `statistics()`. */
export interface BarrierStatistics {
  readonly state: BarrierState;
  readonly parties: number;
  readonly nWaiting: number;
  readonly broken: boolean;
}

/** What the guarded step of `wait()` decided. */
type Entered = { index: number; runAction: boolean; released: boolean; member: number };
const RUN_ACTION = Symbol('run action');
const RELEASED = Symbol('released');

/**
 * A barrier for `parties` threads (or tasks): each calls `wait()`, and when the last one
 * arrives all are released together; then it resets itself for the next round.
 *
 * Python equivalent: `threading.Barrier(parties, action=None, timeout=None)` —
 * `wait(timeout)` resolves to an index unique within the round (0 to parties - 1);
 * `waitSync` is the blocking twin for worker threads; `reset()`, `abort()`, `parties`,
 * `nWaiting`, `broken`. As in Python (and unlike asyncio's Barrier), a `wait` that
 * times out **breaks the barrier** for everyone, and so does an `action` that throws.
 *
 * Differences:
 * - `action` runs in the thread that constructed the barrier (it cannot travel to
 *   another thread). If the last party to arrive is elsewhere, the release waits until
 *   that thread runs it — from its event loop, or from its own `waitSync`. Keep that
 *   thread responsive while parties use the barrier. A barrier with an action stays in
 *   memory for as long as its home thread lives (its watcher holds it).
 *   When the last party is the home thread, the action runs in it, as Python, and its
 *   error propagates there; an error thrown on the event loop goes to the loop's
 *   exception handler.
 * - `waitSync` on the main thread throws unless allowed (see `Lock`).
 *
 * Cancellation: a task cancelled in `wait()` leaves the barrier (`nWaiting` drops by
 * one) and rejects with `CancelledError`, without breaking it — as asyncio's Barrier;
 * another party can take its place. A party whose thread dies while it waits (a worker
 * killed or terminated) breaks the barrier instead: it cannot be counted as arrived.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3, { action: () => console.log('round done') });
 * // each of 3 workers: const i = barrier.waitSync(); …
 * ```
 */
export class Barrier implements Shareable, OwnedPrimitive {
  private _words!: Int32Array;
  private _timeout!: Float64Array;
  private _list!: WaitList;
  private _members!: WaitList;
  private _monitor!: Monitor;
  private _action: (() => void) | null = null;

  /**
   * @param parties The number of parties, an integer >= 1.
   * @throws RangeError/TypeError if `parties` is not an integer >= 1 (Python:
   * `ValueError`), if `action` is not a function, or for a bad `timeout`.
   */
  constructor(parties: number, options: BarrierOptions = {}) {
    checkInteger('the number of Barrier parties', parties, 1);
    if (parties > 2 ** 31 - 1) {
      throw argRangeError(
        `the number of Barrier parties must be <= ${2 ** 31 - 1}, got ${parties}`,
      );
    }
    if (typeof options !== 'object' || options === null) {
      throw argTypeError(`Barrier options must be an object, got ${show(options)}`);
    }
    if (options.action !== undefined) checkFunction('the Barrier action', options.action);
    const timeout = checkTimeout('the Barrier timeout', options.timeout);
    const sab = new SharedArrayBuffer(INT_WORDS * 4 + 8);
    const words = new Int32Array(sab, 0, INT_WORDS);
    words[PARTIES] = parties;
    words[HAS_ACTION] = options.action === undefined ? 0 : 1;
    new Float64Array(sab)[TIMEOUT_F64] = timeout;
    this._attach(sab, new WaitList(), new WaitList());
    if (options.action !== undefined) {
      this._action = options.action;
      this._watchActionRequests();
    }
  }

  /**
   * Waits until `parties` threads wait, then releases them all; resolves to this
   * party's index in the round (0 to parties - 1). `timeout` in ms: `undefined`/`null`
   * use the barrier's default (Python's `None`), `-1` means no limit.
   *
   * Python equivalent: `barrier.wait(timeout=None)`, without blocking the thread.
   *
   * Cancellation: rejects with `CancelledError`; the barrier is not broken.
   *
   * @throws RangeError/TypeError for a bad timeout. Rejects with BrokenBarrierError if
   * the barrier is or becomes broken, is reset while waiting, or `timeout` ms (default:
   * the barrier's) pass — which breaks it.
   */
  wait(timeout?: number | null): Promise<number> {
    const ms =
      timeout === undefined || timeout === null
        ? this._defaultTimeout()
        : checkTimeout('Barrier.wait() timeout', timeout);
    return this._wait(deadlineAfter(ms));
  }

  /**
   * The blocking twin of `wait`, for worker threads.
   *
   * @throws InvalidStateError on the main thread unless `allowMainThread`;
   * BrokenBarrierError as `wait`; RangeError/TypeError for a bad timeout.
   */
  waitSync(timeout?: number | null, options?: SyncOptions): number {
    const ms =
      timeout === undefined || timeout === null
        ? this._defaultTimeout()
        : checkTimeout('Barrier.waitSync() timeout', timeout);
    assertMayBlock('Barrier.waitSync()', options);
    const deadline = deadlineAfter(ms);
    const m = this._monitor;
    const entered = m.untilSync(this._list, Infinity, () => this._enter()) as Entered;
    try {
      if (entered.runAction) this._runAction();
      else if (!entered.released) {
        for (;;) {
          const outcome = m.untilSync(this._list, deadline, () => this._awaitRelease(deadline));
          if (outcome !== RUN_ACTION) break;
          this._runAction();
        }
      }
      return entered.index;
    } finally {
      m.run(() => this._exit(entered.member));
    }
  }

  /**
   * Returns the barrier to the filling state: parties waiting in it get
   * `BrokenBarrierError`, and once they have left it works again. Also repairs a broken
   * barrier. Python equivalent: `barrier.reset()`.
   */
  reset(): void {
    const words = this._words;
    this._monitor.run(() => {
      if (Atomics.load(words, COUNT) > 0) {
        const state = Atomics.load(words, STATE);
        if (state !== DRAINING) Atomics.store(words, STATE, RESETTING);
      } else {
        Atomics.store(words, STATE, FILLING);
      }
      this._list.wake(Infinity);
    });
  }

  /**
   * Breaks the barrier: current and later waits fail with `BrokenBarrierError` until
   * `reset()`. Python equivalent: `barrier.abort()`.
   */
  abort(): void {
    this._monitor.run(() => this._break());
  }

  /** The number of parties needed to pass the barrier. */
  get parties(): number {
    return Atomics.load(this._words, PARTIES);
  }

  /** Parties waiting for the round to fill (0 while draining or resetting). */
  get nWaiting(): number {
    return Atomics.load(this._words, STATE) === FILLING ? Atomics.load(this._words, COUNT) : 0;
  }

  /** True while broken (by a timeout, a throwing action or `abort()`), until `reset()`. */
  get broken(): boolean {
    return Atomics.load(this._words, STATE) === BROKEN;
  }

  /** A snapshot: `{ state, parties, nWaiting, broken }`. */
  statistics(): BarrierStatistics {
    const state = Atomics.load(this._words, STATE);
    return {
      state: STATE_NAMES[state] ?? 'broken',
      parties: this.parties,
      nWaiting: this.nWaiting,
      broken: state === BROKEN,
    };
  }

  /** `<Barrier filling waiters=2/5>`, `<Barrier broken>`. */
  [inspectCustom](): string {
    const { state, parties, nWaiting, broken } = this.statistics();
    if (broken) return '<Barrier broken>';
    return `<Barrier ${state} waiters=${nWaiting}/${parties}>`;
  }

  /** @internal The shareable protocol (the action stays home). */
  [kShare](): SharedState {
    return {
      __concur: 'Barrier',
      state: {
        words: this._words.buffer,
        waiters: this._list.share(),
        members: this._members.share(),
      },
    };
  }

  /**
   * @internal A dead thread inside the guard breaks the barrier; so does a party whose
   * thread died while in `wait` (it will never leave: counted, it would let the next
   * party pass in its place). Its slots are freed and it leaves, as `_exit` would.
   */
  [kOwnerDied](threadId: number): boolean {
    if (breakIfOwnedBy(this._words, GUARD, threadId)) {
      this._list.rouseAll();
      return true;
    }
    const words = this._words;
    try {
      return this._monitor.run(() => {
        this._list.reap(threadId); // (every change wakes the whole list: nothing to pass on)
        const dead = this._members.reap(threadId).held;
        if (dead === 0) return false;
        const state = Atomics.load(words, STATE);
        const left = Atomics.sub(words, COUNT, dead) - dead;
        if (state === FILLING || state === ACTION_PENDING || state === ACTION_RUNNING) {
          this._break();
        } else if (left === 0 && (state === RESETTING || state === DRAINING)) {
          Atomics.store(words, STATE, FILLING);
          this._list.wake(Infinity);
        }
        return true;
      });
    } catch (error) {
      if (error instanceof BrokenResourceError) return false; // broken already
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------
  // The steps, each run under the guard by Monitor.until / untilSync.

  /** Python's `_enter` plus the arrival: block while draining, take an index. */
  private _enter(): Entered | typeof BLOCKED {
    const words = this._words;
    const state = Atomics.load(words, STATE);
    if (state === BROKEN) throw this._brokenError('is broken');
    if (state !== FILLING) return BLOCKED; // draining, resetting, or the action runs
    const member = this._members.enqueue();
    const index = Atomics.add(words, COUNT, 1);
    if (index + 1 < Atomics.load(words, PARTIES)) {
      return { index, runAction: false, released: false, member };
    }
    // The last party: release the round, or get the action run first.
    if (Atomics.load(words, HAS_ACTION) === 0) {
      this._release();
      return { index, runAction: false, released: true, member };
    }
    if (this._action !== null) {
      Atomics.store(words, STATE, ACTION_RUNNING);
      return { index, runAction: true, released: false, member };
    }
    Atomics.store(words, STATE, ACTION_PENDING);
    Atomics.add(words, ACTION_REQUESTS, 1);
    notify(words, ACTION_REQUESTS); // the home thread's event loop…
    this._list.wake(Infinity); // …or its party blocked in waitSync
    return { index, runAction: false, released: false, member };
  }

  /** Python's `_wait`: released, broken, or (home thread) the action to run. */
  private _awaitRelease(deadline: number): typeof RELEASED | typeof RUN_ACTION | typeof BLOCKED {
    const words = this._words;
    const state = Atomics.load(words, STATE);
    if (state === DRAINING) return RELEASED;
    if (state === BROKEN) throw this._brokenError('was broken while this party waited');
    if (state === RESETTING) throw this._brokenError('was reset while this party waited');
    if (state === ACTION_PENDING && this._action !== null) {
      Atomics.store(words, STATE, ACTION_RUNNING);
      return RUN_ACTION;
    }
    if (remaining(deadline) === 0) {
      // A timed-out wait breaks the barrier for everyone, decided under the guard.
      this._break();
      throw this._brokenError('was broken: a wait timed out');
    }
    return BLOCKED;
  }

  /** Python's `_exit`: the last party out reopens the barrier. */
  private _exit(member: number): void {
    this._members.leave(member);
    const words = this._words;
    if (Atomics.sub(words, COUNT, 1) - 1 === 0) {
      const state = Atomics.load(words, STATE);
      if (state === RESETTING || state === DRAINING) {
        Atomics.store(words, STATE, FILLING);
        this._list.wake(Infinity);
      }
    }
  }

  private _release(): void {
    Atomics.store(this._words, STATE, DRAINING);
    this._list.wake(Infinity);
  }

  private _break(): void {
    Atomics.store(this._words, STATE, BROKEN);
    this._list.wake(Infinity);
  }

  /** Runs the claimed action (no guard held) and releases the round, or breaks it. */
  private _runAction(): void {
    const words = this._words;
    try {
      (this._action as () => void)();
    } catch (error) {
      this._monitor.run(() => {
        if (Atomics.load(words, STATE) === ACTION_RUNNING) this._break();
      });
      throw error;
    }
    this._monitor.run(() => {
      if (Atomics.load(words, STATE) === ACTION_RUNNING) this._release();
    });
  }

  // -------------------------------------------------------------------------------------

  private async _wait(deadline: number): Promise<number> {
    const m = this._monitor;
    const entered = (await m.until(this._list, Infinity, () => this._enter())) as Entered;
    try {
      if (entered.runAction) this._runAction();
      else if (!entered.released) {
        for (;;) {
          const outcome = await m.until(this._list, deadline, () => this._awaitRelease(deadline));
          if (outcome !== RUN_ACTION) break;
          this._runAction();
        }
      }
      return entered.index;
    } finally {
      m.run(() => this._exit(entered.member));
    }
  }

  /** The error for a broken or reset barrier, naming what happened. */
  private _brokenError(what: string): BrokenBarrierError {
    return new BrokenBarrierError(`the Barrier ${what}; reset() it to use it again`);
  }

  private _defaultTimeout(): number {
    return this._timeout[TIMEOUT_F64] as number;
  }

  /**
   * The home thread's watcher: sleeps on ACTION_REQUESTS (without keeping the event loop
   * alive: a request comes from a thread that itself keeps the process running) and
   * serves each request. It holds the barrier strongly on purpose: the parties in other
   * threads need the action even when this thread dropped its last reference.
   */
  private _watchActionRequests(): void {
    const words = this._words;
    const serve = (): void => {
      // Read the request counter before looking at the state: a request published after
      // this read changes the counter, so the wait below returns at once for it.
      const seen = Atomics.load(words, ACTION_REQUESTS);
      this._serveActionRequest();
      onChange(words, ACTION_REQUESTS, seen, serve);
    };
    serve();
  }

  private _serveActionRequest(): void {
    const words = this._words;
    const claimed = this._monitor.run(() => {
      if (Atomics.load(words, STATE) !== ACTION_PENDING) return false;
      Atomics.store(words, STATE, ACTION_RUNNING);
      return true;
    });
    if (!claimed) return;
    try {
      this._runAction();
    } catch (error) {
      callExceptionHandler({
        message: 'the Barrier action threw; the barrier is broken',
        exception: error,
        barrier: this,
      });
    }
  }

  private _attach(sab: SharedArrayBuffer, list: WaitList, members: WaitList): this {
    this._words = new Int32Array(sab, 0, INT_WORDS);
    this._timeout = new Float64Array(sab);
    this._list = list;
    this._members = members;
    this._monitor = new Monitor(this._words, GUARD, "the Barrier's internal guard");
    trackOwned(this);
    return this;
  }

  static {
    registerShareable(
      'Barrier',
      (state: { words: SharedArrayBuffer; waiters: WaitListState; members: WaitListState }) => {
        const barrier = Object.create(Barrier.prototype) as Barrier;
        barrier._action = null;
        return barrier._attach(
          state.words,
          new WaitList(state.waiters),
          new WaitList(state.members),
        );
      },
    );
  }
}
