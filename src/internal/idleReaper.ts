/**
 * The idle timeout of a pool: one unref'd timer, due when the longest-idle worker has
 * been idle for `idleTimeout` ms; when it fires, every worker idle that long is stopped
 * and the timer re-arms for the next one. No timer exists while no worker is idle.
 *
 * @module
 */
import { callLaterReal, type TimerHandle } from './loop.js';
import type { PoolWorker } from './poolWorker.js';

export class IdleReaper {
  // On the loop's real-time heap, so that an idleTimeout past setTimeout's 2^31 - 1 ms
  // waits instead of overflowing into a 1 ms timer.
  private timer: TimerHandle | null = null;

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
    const delay = Math.max(0, earliest + this.idleTimeout - performance.now());
    this.timer = callLaterReal(delay, this.reap, undefined);
  }

  /** Stops the timer (the pool is closing). */
  clear(): void {
    if (this.timer === null) return;
    this.timer.cancel();
    this.timer = null;
  }

  private readonly reap = (): void => {
    this.timer = null;
    const now = performance.now();
    for (const worker of this.workers) {
      if (!worker.stopping && worker.inFlight === 0 && now - worker.idleSince >= this.idleTimeout) {
        this.stop(worker);
      }
    }
    this.arm();
  };
}
