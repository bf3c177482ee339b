/**
 * The taskTimeouts of a pool: one timer for all of them. Every task gets the same timeout
 * from when it is handed to a (ready) worker, so deadlines come in the order tasks are
 * handed out and a FIFO is a sorted list: the timer only ever waits for its head. No timer
 * exists while no task has a deadline, and none per task (P9).
 *
 * A timeout counts the task's own run: a deadline that passes before the task started in
 * its worker (the worker was still importing the task's module, or running the task sent
 * before it) does not expire it; the task is looked at every START_POLL_MS until it has
 * started, and its clock starts again then — pushed at the back of the FIFO, which keeps
 * it sorted, as every entry is "when pushed + the timeout".
 *
 * @module
 */
import { Deque } from '../base/Deque.js';
import { extraOf, type PoolFuture } from './poolFuture.js';
import { MAX_TIMER_MS } from '../base/validate.js';
import { monotonicNow } from '../runtime/clock.js';

const RUNNING = 1;

/** How often a task whose deadline passed before it started is looked at (ms). */
const START_POLL_MS = 10;

export class Deadlines {
  private readonly futures = new Deque<PoolFuture<unknown>>();
  /** The deadline each entry had when queued (a requeued task gets a newer entry). */
  private readonly times = new Deque<number>();
  private timer: NodeJS.Timeout | null = null;
  /** Tasks whose deadline passed before they started. */
  private notStarted: PoolFuture<unknown>[] = [];
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpired: (future: PoolFuture<unknown>) => void,
    private readonly hasStarted: (future: PoolFuture<unknown>) => boolean,
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
    if (this.poll !== null) clearInterval(this.poll);
    this.timer = null;
    this.poll = null;
    this.futures.clear();
    this.times.clear();
    this.notStarted = [];
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
        const delay = Math.min(Math.ceil(Math.max(0, deadline - monotonicNow())), MAX_TIMER_MS);
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
    const now = monotonicNow();
    while (this.futures.length > 0) {
      const future = this.futures.peek()!;
      const deadline = this.times.peek()!;
      if (this.live(future, deadline)) {
        if (deadline > now) break;
        if (this.hasStarted(future)) this.onExpired(future);
        else this.waitForStart(future);
      }
      this.futures.shift();
      this.times.shift();
    }
    this.arm();
  };

  private waitForStart(future: PoolFuture<unknown>): void {
    extraOf(future).deadline = -1;
    this.notStarted.push(future);
    if (this.poll === null) {
      this.poll = setInterval(this.look, START_POLL_MS);
      this.poll.unref();
    }
  }

  /** Starts the clocks of the tasks that have started since the last look. */
  private readonly look = (): void => {
    const started: PoolFuture<unknown>[] = [];
    this.notStarted = this.notStarted.filter((future) => {
      if (future._state !== RUNNING || future._extra?.deadline !== -1) return false;
      if (!this.hasStarted(future)) return true;
      started.push(future);
      return false;
    });
    if (this.notStarted.length === 0) {
      clearInterval(this.poll!);
      this.poll = null;
    }
    if (started.length > 0) this.start(started, monotonicNow());
  };
}
