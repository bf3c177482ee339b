/**
 * `Timer`: a `Thread` that runs its target once an interval has passed, unless cancelled.
 *
 *   start() ── worker boots ──────────── (interval) ── [RUN target] ── target ends ── exit
 *   cancel() before the interval: the RUN is never sent; the worker is stopped ── exit
 *
 * The interval is measured on this thread's loop (`callLater`, so a test's `VirtualClock`
 * drives it), and the worker starts at `start()`: its start-up overlaps the wait, and the
 * target runs close to the deadline.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import type { TaskFn } from '../futures/Executor.js';
import { callLater, type TimerHandle } from '../internal/loop/loop.js';
import { argRangeError, checkDuration } from '../internal/base/validate.js';
import { Thread } from './Thread.js';

/** Options of {@link Timer}: the thread's name and daemon flag, as for `Thread`. */
export interface TimerOptions {
  /** The thread's name (default `Thread-N (targetName)`). */
  name?: string;
  /** A daemon timer never keeps the process alive (default: inherited, as `Thread`). */
  daemon?: boolean;
}

/**
 * A thread that runs `target(...args)` after `interval` milliseconds, unless `cancel()`
 * was called first.
 *
 * Python equivalent: `threading.Timer(interval, function, args=None, kwargs=None)` — a
 * `Thread` subclass: `start()`, `join()`, `isAlive()`, `name`, `daemon` behave as for
 * {@link Thread}; `cancel()` stops the timer if it is still waiting (harmless once the
 * target has started or finished); a timer cancelled before `start()` starts, runs
 * nothing and ends at once.
 *
 * Differences: the interval is in milliseconds (Python: seconds) and is counted on the
 * thread that called `start()` (its event loop must be free to fire it; under a test's
 * `VirtualClock` it is virtual time). `cancel()` works from the thread that owns the
 * `Timer` object — a `Timer` is not a shared primitive, so another thread cannot call it;
 * to cancel from elsewhere, have the target check a shared `Event`. The target is a
 * task reference or a self-contained function, as for `Thread` (no `kwargs`).
 *
 * Cancellation: `cancel()` is the only way to stop it; once the target runs, the thread
 * ends with it, as any `Thread`.
 *
 * @throws {RangeError} a negative, NaN or infinite `interval`.
 * @throws {TypeError} a non-number `interval`; as `Thread` for `target`, `args` and
 * the options.
 *
 * @example
 * ```ts
 * const reminder = new Timer(5_000, remind, ['tea is ready']);
 * reminder.start();
 * // …changed our mind:
 * reminder.cancel();
 * await reminder.join();
 * ```
 */
export class Timer<F extends TaskFn = TaskFn> extends Thread<F> {
  /** The delay in milliseconds between `start()` and running the target. */
  readonly interval: number;
  private pending: TimerHandle | null = null;
  private isCancelled = false;

  /**
   * @param interval Milliseconds to wait before running the target (>= 0, finite).
   * @param target A function made by `defineTask`, or a self-contained function.
   * @param args The target's arguments (structured-cloned, shared primitives shared).
   * @param options The thread's `name` and `daemon` flag.
   */
  constructor(interval: number, target: F, args?: Parameters<F>, options: TimerOptions = {}) {
    const ms = checkDuration('the Timer interval', interval);
    if (ms === Infinity) {
      throw argRangeError('the Timer interval must be finite, got Infinity; use a Thread instead');
    }
    super({ target, ...(args === undefined ? {} : { args }), ...options });
    this.interval = ms;
  }

  /**
   * Stops the timer if it is still waiting: the target never runs and the thread ends.
   * Harmless once the target has started, after it ended, or when called twice.
   *
   * Python equivalent: `Timer.cancel()`.
   */
  cancel(): void {
    this.isCancelled = true;
    if (this.pending === null) return;
    this.pending.cancel();
    this.pending = null;
    this._abandon();
  }

  /** `<Timer(Thread-1 (remind), started 3)>`. */
  override [inspectCustom](): string {
    return super[inspectCustom]().replace(/^<Thread/, '<Timer');
  }

  /** @internal Waits `interval` before sending the target, unless cancelled. */
  protected override _launch(): void {
    if (this.isCancelled) {
      this._abandon();
      return;
    }
    this.pending = callLater(
      this.interval,
      (timer: Timer<F>) => {
        timer.pending = null;
        // The worker may have died while we waited: then there is nobody to run it.
        if (timer.isAlive()) timer.sendTarget();
      },
      this,
    );
  }

  private sendTarget(): void {
    super._launch();
  }
}
