/**
 * `VirtualClock`: deterministic time for tests.
 *
 * While installed, every timer concur makes (`sleep`, `timeout`, `waitFor`, `wait` and
 * `asCompleted` timeouts, `callLater`) runs on virtual time. With autojump, whenever no
 * task can make progress (the ready queue is empty and no `sleep(0)` is pending after a
 * turn of Node's loop), time jumps straight to the next timer, so a test that sleeps for
 * an hour finishes at once and always in the same order.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { InvalidStateError } from '../errors.js';
import {
  getClock,
  pendingCallbacks,
  pendingTurns,
  realClock,
  setClock,
  type Clock,
  type TimerHandle,
} from '../internal/loop/loop.js';
import { Heap } from '../internal/base/Heap.js';
import {
  argTypeError,
  checkDuration,
  checkTimerDuration,
  show,
} from '../internal/base/validate.js';

class VirtualTimer implements TimerHandle {
  isCancelled = false;
  constructor(
    readonly when: number,
    readonly fn: (arg: any) => void,
    readonly arg: unknown,
    private readonly owner: VirtualClock,
  ) {}

  cancel(): void {
    if (this.isCancelled) return;
    this.isCancelled = true;
    this.owner._forget(this);
  }

  cancelled(): boolean {
    return this.isCancelled;
  }
}

/** Options of `VirtualClock.install`. */
export interface VirtualClockOptions {
  /**
   * Jump to the next timer whenever every task is blocked. Default `true`. Turn it off to
   * move time only with `advance()`.
   */
  autojump?: boolean;
  /**
   * Real milliseconds the program must stay idle before an autojump, for tests that also
   * wait on real I/O (a worker, a socket) that the clock cannot see. Default 0; at most
   * 2^31 - 1 (Node's longest timer), or `Infinity`, which never jumps.
   */
  autojumpThreshold?: number;
  /** The virtual time to start at, in ms. Default 0. */
  start?: number;
}

/**
 * A clock that moves only when told to, or (autojump) when nothing else can happen.
 *
 * Python equivalent: the test loop of CPython's asyncio tests (`advance_time`) and Trio's
 * `MockClock(autojump_threshold=0)`.
 *
 * @example
 * ```ts
 * using clock = VirtualClock.install();
 * await sleep(60_000); // returns at once
 * assert.equal(clock.now(), 60_000);
 * ```
 */
export class VirtualClock implements Clock {
  private current: number;
  /** Pending timers, earliest first; equal times in the order they were set. */
  private readonly heap = new Heap<VirtualTimer>((a, b) => a.when - b.when);
  private live = 0;
  private installed = false;
  private previous: Clock | null = null;
  private idleCheck: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private readonly autojump: boolean;
  private readonly threshold: number;

  /**
   * Makes a clock without installing it; prefer `VirtualClock.install()`.
   *
   * @throws TypeError for options that are not an object, or of the wrong kind (`autojump`
   * not a boolean, a duration not a number); RangeError for a negative or NaN
   * `autojumpThreshold`, or one past 2^31 - 1 other than `Infinity`.
   */
  constructor(options: VirtualClockOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw argTypeError(`VirtualClock options must be an object, got ${show(options)}`);
    }
    this.current = checkDuration('start', options.start ?? 0, true);
    const autojump = options.autojump ?? true;
    if (typeof autojump !== 'boolean') {
      throw argTypeError(`autojump must be true or false, got ${show(autojump)}`);
    }
    this.autojump = autojump;
    const threshold = options.autojumpThreshold ?? 0;
    this.threshold =
      threshold === Infinity ? Infinity : checkTimerDuration('autojumpThreshold', threshold);
  }

  /** Makes a clock and installs it as the loop's clock. */
  static install(options?: VirtualClockOptions): VirtualClock {
    const clock = new VirtualClock(options);
    clock.install();
    return clock;
  }

  /** The installed clock, or `null` when the loop runs on real time. */
  static current(): VirtualClock | null {
    const clock = getClock();
    return clock instanceof VirtualClock ? clock : null;
  }

  /** Installs this clock as the loop's clock. */
  install(): void {
    if (this.installed) throw new InvalidStateError('this VirtualClock is already installed');
    if (getClock() !== realClock) {
      throw new InvalidStateError('another VirtualClock is installed; uninstall it first');
    }
    this.previous = getClock();
    setClock(this);
    this.installed = true;
    this.scheduleIdleCheck();
  }

  /**
   * Restores the real clock. Timers still pending on this clock are dropped (a test that
   * leaves them is reported by the leak check before this runs).
   */
  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    setClock(this.previous ?? realClock);
    this.previous = null;
    this.cancelIdleCheck();
    for (let timer = this.heap.pop(); timer !== undefined; timer = this.heap.pop()) {
      timer.isCancelled = true;
    }
    this.live = 0;
  }

  /** `using clock = VirtualClock.install()`: uninstalls the clock at the end of the block. */
  [Symbol.dispose](): void {
    this.uninstall();
  }

  /** The virtual time in ms. */
  now(): number {
    return this.current;
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  pendingTimers(): number {
    return this.live;
  }

  /** The time of the next timer, or `null` when none is scheduled. */
  nextDeadline(): number | null {
    this.dropCancelled();
    return this.heap.peek()?.when ?? null;
  }

  /** @internal Clock interface. */
  schedule<A>(when: number, fn: (arg: A) => void, arg: A, _keepAlive: boolean): TimerHandle {
    const timer = new VirtualTimer(when, fn, arg, this);
    if (when !== Infinity) {
      this.heap.push(timer);
      this.live++;
      this.scheduleIdleCheck();
    }
    return timer;
  }

  /** @internal */
  _forget(timer: VirtualTimer): void {
    if (timer.when !== Infinity) this.live--;
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due, in order. Their
   * effects (woken tasks) run after the current code yields.
   */
  advance(ms: number): void {
    checkDuration('advance(ms)', ms);
    this.runUntil(this.current + ms);
  }

  private runUntil(target: number): void {
    for (;;) {
      this.dropCancelled();
      const next = this.heap.peek();
      if (next === undefined || next.when > target) break;
      this.heap.pop();
      next.isCancelled = true;
      this.live--;
      if (next.when > this.current) this.current = next.when;
      next.fn(next.arg);
    }
    if (target > this.current) this.current = target;
  }

  private scheduleIdleCheck(): void {
    if (!this.autojump || !this.installed || this.idleCheck !== null || this.live === 0) return;
    if (this.threshold === Infinity) return;
    const check = (): void => {
      this.idleCheck = null;
      this.onIdleCheck();
    };
    this.idleCheck = this.threshold > 0 ? setTimeout(check, this.threshold) : setImmediate(check);
  }

  private cancelIdleCheck(): void {
    const handle = this.idleCheck;
    if (handle === null) return;
    this.idleCheck = null;
    clearTimeout(handle as NodeJS.Timeout);
    clearImmediate(handle as NodeJS.Immediate);
  }

  private onIdleCheck(): void {
    if (!this.installed) return;
    if (pendingCallbacks() === 0 && pendingTurns() === 0) {
      const next = this.nextDeadline();
      if (next !== null) this.runUntil(next);
    }
    this.scheduleIdleCheck();
  }

  private dropCancelled(): void {
    while (this.heap.peek()?.isCancelled === true) this.heap.pop();
  }

  /** How `util.inspect` and `console.log` show the clock. */
  [inspectCustom](): string {
    return `<VirtualClock now=${this.current} timers=${this.live}${this.installed ? '' : ' uninstalled'}>`;
  }
}
