/**
 * The idle timeout of a pool: one unref'd timer, due when the longest-idle worker has
 * been idle for `idleTimeout` ms; when it fires, every worker idle that long is stopped
 * and the timer re-arms for the next one. No timer exists while no worker is idle.
 *
 * @module
 */
import type { PoolWorker } from './poolWorker.js';
import { MAX_TIMER_MS } from '../base/validate.js';
import { monotonicNow } from '../runtime/clock.js';

export class IdleReaper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly idleTimeout: number,
    /** The pool's workers (read live). */
    private readonly workers: readonly PoolWorker[],
    /** Ends an idle worker. */
    private readonly stop: (worker: PoolWorker) => void,
  ) {}

  /** Makes sure the timer runs if a worker is idle (a worker just became idle). */
  arm(): void {
    if (this.timer !== null) return;
    let earliest = Infinity;
    for (const worker of this.workers) {
      if (!worker.stopping && worker.inFlight === 0 && worker.idleSince < earliest) {
        earliest = worker.idleSince;
      }
    }
    if (earliest === Infinity) return;
    // An idleTimeout past Node's longest timer waits in steps: `reap` finds no worker idle
    // for that long yet and arms again.
    const delay = Math.max(0, earliest + this.idleTimeout - monotonicNow());
    this.timer = setTimeout(this.reap, Math.min(Math.ceil(delay), MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Stops the timer (the pool is closing). */
  clear(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly reap = (): void => {
    this.timer = null;
    const now = monotonicNow();
    for (const worker of this.workers) {
      if (!worker.stopping && worker.inFlight === 0 && now - worker.idleSince >= this.idleTimeout) {
        this.stop(worker);
      }
    }
    this.arm();
  };
}
