/**
 * A timeout of any length. Node's timers take at most 2^31 - 1 ms and turn a longer delay
 * into 1 ms (with a TimeoutOverflowWarning); as the loop's timer heap does, a longer delay
 * is waited for in steps of the longest one. `Infinity` makes no timer at all.
 *
 * @module
 */
import { MAX_TIMER_MS } from './validate.js';
import { monotonicNow } from '../runtime/clock.js';

export class LongTimeout {
  private timer: NodeJS.Timeout | null = null;
  /** When the step now armed ends short of `due` (a clamped step), to arm the next. */
  private stepped = false;

  private constructor(
    private readonly due: number,
    private readonly fn: () => void,
    private readonly keepAlive: boolean,
  ) {
    this.arm();
  }

  /** Runs `fn` after `ms` ms (never for `Infinity`: `null`); unref'd unless `keepAlive`. */
  static start(ms: number, fn: () => void, keepAlive = false): LongTimeout | null {
    return ms === Infinity ? null : new LongTimeout(monotonicNow() + ms, fn, keepAlive);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    const left = Math.max(Math.ceil(this.due - monotonicNow()), 0);
    this.stepped = left > MAX_TIMER_MS;
    this.timer = setTimeout(this.fire, this.stepped ? MAX_TIMER_MS : left);
    if (!this.keepAlive) this.timer.unref?.();
  }

  private readonly fire = (): void => {
    if (this.stepped) {
      this.arm();
      return;
    }
    this.timer = null;
    this.fn();
  };
}
