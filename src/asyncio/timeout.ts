/**
 * `timeout(ms, fn)` / `timeoutAt(when, fn)`: a deadline around a block of code.
 *
 * The deadline cancels the task running the block (an ordinary `task.cancel()`); when
 * the block ends, a `CancelledError` that the deadline caused becomes `TimeoutError`. A
 * cancel that came from elsewhere stays a `CancelledError`: the deadline tells its own
 * cancels apart by counting (`uncancel() <= cancelling at entry`), as asyncio does.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { CancelledError, ExceptionGroup, InvalidStateError, TimeoutError } from '../errors.js';
import { callAt, callSoon, time, type TimerHandle } from '../internal/loop/loop.js';
import {
  argRangeError,
  argTypeError,
  checkDuration,
  checkFunction,
  show,
} from '../internal/base/validate.js';
import { Future, isFuture } from '../internal/loop/Future.js';
import { taskContextKind } from '../internal/runtime/taskContext.js';
import { currentTask, Task } from './Task.js';

/**
 * In the pure task context (a browser) an `await` does not tell the task what it waits on,
 * so a deadline's cancel would not reach the block. There the block's result is awaited
 * through a future made the task's waiter by hand: the cancel reaches that one. A future
 * returned by the block is cancelled itself; an async block is abandoned at the deadline,
 * not interrupted inside (it runs on, as under `shield`).
 */
const waiterByHand = taskContextKind === 'pure';

async function awaitAsWaiter<T>(task: Task<any>, result: T | PromiseLike<T>): Promise<T> {
  let waiter: Future<T>;
  if (isFuture(result)) {
    waiter = result as Future<T>;
  } else {
    waiter = new Future<T>();
    Promise.resolve(result).then(
      (value) => {
        if (!waiter.done()) waiter.setResult(value);
      },
      (error: unknown) => {
        if (!waiter.done()) waiter.setException(error);
      },
    );
  }
  task._awaiting(waiter);
  // Resumed outside the task's context: do what `Future.then` does for a known task.
  let value: T;
  try {
    value = await waiter;
  } catch (error) {
    task._resumeCancellation(waiter);
    throw error;
  }
  const cancelled = task._resumeCancellation(waiter);
  if (cancelled !== null) throw cancelled;
  return value;
}

type TimeoutState = 'created' | 'active' | 'expiring' | 'expired' | 'finished';

/**
 * A deadline around a block: created by `timeout`/`timeoutAt` (or `new Timeout(when)`),
 * entered by `run`, and handed to the block so it can be inspected and moved.
 *
 * Python equivalent: `asyncio.Timeout` (`when()`, `reschedule()`, `expired()`).
 * Difference: times are loop times in **milliseconds** (`getRunningLoop().time()`).
 */
export class Timeout {
  private state: TimeoutState = 'created';
  private deadline: number | null;
  private task: Task<unknown> | null = null;
  private cancellingAtEntry = 0;
  private handle: TimerHandle | { cancel(): void } | null = null;

  /** `when`: the deadline in loop time (ms), or `null` for none. */
  constructor(when: number | null) {
    this.deadline = checkWhen(when);
  }

  /** The deadline in loop time (ms), or `null`. */
  when(): number | null {
    return this.deadline;
  }

  /**
   * Moves the deadline to `when` (loop time, ms; `null` removes it). A deadline already
   * past fires on the next scheduler turn.
   *
   * @throws InvalidStateError before the block started, and once it expired or finished.
   */
  reschedule(when: number | null): void {
    if (this.state !== 'active') {
      if (this.state === 'created') {
        throw new InvalidStateError('the Timeout has not been entered; call run(fn) first');
      }
      throw new InvalidStateError(
        `cannot reschedule this Timeout: it is ${this.state} (only an active one, whose block runs and has not expired, can be)`,
      );
    }
    this.deadline = checkWhen(when);
    this.handle?.cancel();
    this.handle = null;
    this.arm();
  }

  /** True once the deadline passed and cancelled the block. */
  expired(): boolean {
    return this.state === 'expiring' || this.state === 'expired';
  }

  /**
   * Runs `fn(this)` under the deadline in the current task (or in a new task when called
   * outside one). Resolves to what `fn` returns.
   *
   * @throws TimeoutError if the deadline cancelled the block; InvalidStateError if this
   * Timeout was already entered.
   */
  run<T>(fn: (timeout: Timeout) => T | PromiseLike<T>): Promise<T> {
    checkFunction('the timeout body', fn);
    if (this.state !== 'created') {
      throw new InvalidStateError(`this Timeout was already entered (it is ${this.state})`);
    }
    const task = currentTask();
    if (task === null) {
      // Outside a task there is nothing to cancel: run the block as a task of its own,
      // started eagerly so this Timeout is entered before run() returns.
      return Promise.resolve(new Task<T>((own) => this.enterAndRun(own, fn), { eagerStart: true }));
    }
    return this.enterAndRun(task, fn);
  }

  private async enterAndRun<T>(
    task: Task<any>,
    fn: (timeout: Timeout) => T | PromiseLike<T>,
  ): Promise<T> {
    this.state = 'active';
    this.task = task;
    this.cancellingAtEntry = task.cancelling();
    this.arm();
    let value: T;
    try {
      value = waiterByHand ? await awaitAsWaiter(task, fn(this)) : await fn(this);
    } catch (error) {
      this.exit(error, true);
      throw error; // not ours: exit() did not convert it
    }
    this.exit(undefined, false);
    return value;
  }

  private arm(): void {
    const when = this.deadline;
    if (when === null) return;
    if (when <= time()) {
      let cancelled = false;
      callSoon((self) => {
        if (!cancelled) self.onTimeout();
      }, this);
      this.handle = { cancel: () => (cancelled = true) };
    } else {
      this.handle = callAt(when, (self) => self.onTimeout(), this, true);
    }
  }

  private onTimeout(): void {
    if (this.state !== 'active') return;
    this.handle = null;
    this.task!.cancel();
    this.state = 'expiring';
  }

  /** Leaves the block; throws a TimeoutError in place of our own cancellation. */
  private exit(error: unknown, failed: boolean): void {
    this.handle?.cancel();
    this.handle = null;
    const task = this.task!;
    this.task = null;
    if (this.state === 'expiring') {
      this.state = 'expired';
      if (task.uncancel() <= this.cancellingAtEntry && failed) {
        if (error instanceof CancelledError) {
          throw new TimeoutError('the timeout expired', { cause: error });
        }
        insertTimeoutError(error);
        if (error instanceof ExceptionGroup) for (const e of error.errors) insertTimeoutError(e);
      }
    } else if (this.state === 'active') {
      this.state = 'finished';
    }
  }

  /** How `util.inspect` and `console.log` show the timeout. */
  [inspectCustom](): string {
    const when = this.deadline === null ? 'null' : this.deadline.toFixed(3);
    return `<Timeout [${this.state}] when=${when}>`;
  }
}

/**
 * Where the block failed with an error of its own while the deadline cancelled it, marks
 * the `CancelledError` in its `cause` chain as a timeout: Python's `_insert_timeout_error`
 * on `__context__`, done on the `cause` chain that JavaScript has.
 */
function insertTimeoutError(error: unknown): void {
  let current = error;
  const seen = new Set<unknown>();
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const cause = (current as { cause?: unknown }).cause;
    if (cause instanceof CancelledError) {
      Object.defineProperty(current, 'cause', {
        value: new TimeoutError('the timeout expired', { cause }),
        writable: true,
        configurable: true,
        enumerable: false,
      });
      return;
    }
    current = cause;
  }
}

function checkWhen(when: unknown): number | null {
  if (when === null) return null;
  if (typeof when !== 'number') {
    throw argTypeError(`a deadline must be a loop time in milliseconds or null, got ${show(when)}`);
  }
  if (Number.isNaN(when)) throw argRangeError('a deadline must be a number, got NaN');
  return when;
}

/**
 * Runs `fn` with a deadline `ms` milliseconds from now; `null` means no deadline.
 *
 * Python equivalent: `async with asyncio.timeout(delay):` — with the delay in ms. The
 * block gets the {@link Timeout}, to `reschedule` or check `expired()`. A zero or
 * negative delay fires on the next scheduler turn, so `timeout(0, () => sleep(0))` times
 * out.
 *
 * Cancellation: on expiry the running task is cancelled; a `CancelledError` caused by the
 * deadline leaves as `TimeoutError` (its `cause` is the `CancelledError`). A cancel from
 * elsewhere stays a `CancelledError`. With nested deadlines only the one that fired
 * converts. A callback form rather than `await using`, because a disposer cannot see the
 * block's error.
 *
 * @throws TimeoutError when the deadline passes; TypeError/RangeError for a delay that is
 * not a number or is NaN.
 * @example
 * ```ts
 * try {
 *   await timeout(1000, async () => { await longOperation(); });
 * } catch (e) {
 *   if (e instanceof TimeoutError) console.log('took too long');
 * }
 * ```
 */
export function timeout<T>(
  ms: number | null,
  fn: (timeout: Timeout) => T | PromiseLike<T>,
): Promise<T> {
  if (ms !== null) checkDuration('the timeout delay', ms, true);
  return new Timeout(ms === null ? null : time() + ms).run(fn);
}

/**
 * Runs `fn` with a deadline at loop time `when` (ms; `null` for none).
 * Python equivalent: `async with asyncio.timeout_at(when):`. See {@link timeout}.
 */
export function timeoutAt<T>(
  when: number | null,
  fn: (timeout: Timeout) => T | PromiseLike<T>,
): Promise<T> {
  return new Timeout(when).run(fn);
}
