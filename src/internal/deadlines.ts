/**
 * The taskTimeouts of a pool: one timer for all of them. Every task gets the same timeout
 * from when it is handed to a (ready) worker, so deadlines come in the order tasks are
 * handed out and a FIFO is a sorted list: the timer only ever waits for its head. No timer
 * exists while no task has a deadline, and none per task (P9).
 *
 * @module
 */
import { Deque } from './Deque.js';
import { extraOf, type PoolFuture } from './poolFuture.js';
import { MAX_TIMER_MS } from './validate.js';

const RUNNING = 1;

export class Deadlines {
  private readonly futures = new Deque<PoolFuture<unknown>>();
  /** The deadline each entry had when queued (a requeued task gets a newer entry). */
  private readonly times = new Deque<number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpired: (future: PoolFuture<unknown>) => void,
  ) {}

  /** Starts the clocks of `futures` (those still running) at `now`. */
  start(futures: readonly PoolFuture<unknown>[], now: number): void {
    for (const future of futures) {
      if (future._state !== RUNNING) continue;
      const deadline = now + this.timeoutMs;
      extraOf(future).deadline = deadline;
      this.futures.push(future);
      this.times.push(deadline);
    }
    this.arm();
  }

  /** Drops every clock (the pool shut down). */
  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.futures.clear();
    this.times.clear();
  }

  private live(future: PoolFuture<unknown>, deadline: number): boolean {
    return future._state === RUNNING && future._extra?.deadline === deadline;
  }

  private arm(): void {
    if (this.timer !== null) return;
    while (this.futures.length > 0) {
      const deadline = this.times.peek()!;
      if (this.live(this.futures.peek()!, deadline)) {
        // A taskTimeout past Node's longest timer waits in steps: `fire` finds the deadline
        // not reached yet and arms again.
        const delay = Math.min(Math.ceil(Math.max(0, deadline - performance.now())), MAX_TIMER_MS);
        this.timer = setTimeout(this.fire, delay);
        this.timer.unref();
        return;
      }
      this.futures.shift(); // settled, or requeued after a crash (it has a newer entry)
      this.times.shift();
    }
  }

  private readonly fire = (): void => {
    this.timer = null;
    const now = performance.now();
    while (this.futures.length > 0) {
      const future = this.futures.peek()!;
      const deadline = this.times.peek()!;
      if (this.live(future, deadline)) {
        if (deadline > now) break;
        this.onExpired(future);
      }
      this.futures.shift();
      this.times.shift();
    }
    this.arm();
  };
}
