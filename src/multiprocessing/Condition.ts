/**
 * `Condition`: a condition variable shared by processes.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { CancelledError } from '../errors.js';
import { checkTimeout } from '../internal/shm/futex.js';
import { time } from '../internal/loop/loop.js';
import { Handle, callerToken, reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { decodeShared, encodeShared, registerShareable } from '../internal/shm/shareable.js';
import { ConditionCore, LockCore } from '../internal/ipc/lockCores.js';
import { argTypeError, checkFunction, checkInteger, show } from '../internal/base/validate.js';
import type { AcquireOptions } from '../internal/shm/futex.js';
import { Lock } from './Lock.js';
import { RLock } from './RLock.js';

/** A snapshot of a multiprocessing {@link Condition}, from `statistics()`. */
export interface ConditionStatistics {
  /** Tasks (in any process) waiting for a notify. */
  readonly waiters: number;
}

/**
 * A condition variable shared by processes: tasks holding its lock `wait()` until
 * another task (in any process) `notify()`s them.
 *
 * Python equivalent: `multiprocessing.Condition(lock=None)` (an `RLock` by default):
 * `acquire`/`release`/`use` (the `with cond:` twin) act on the lock; `wait(timeout)`,
 * `waitFor(predicate, timeout)`, `notify(n = 1)`, `notifyAll()`.
 *
 * Differences: every call is async; `waitFor`'s predicate may be async. The lock must be
 * created in the same process as the condition (it is served alongside it). A process
 * that dies holding the lock breaks it: waiters reject with `BrokenResourceError`.
 *
 * Cancellation: a task cancelled in `wait()` takes the lock back before its
 * `CancelledError` propagates (asyncio's rule), so a surrounding `use()` stays balanced.
 *
 * @throws TypeError from the constructor if `lock` is not a multiprocessing `Lock` or
 * `RLock` created in this process.
 * @example
 * ```ts
 * const cond = new Condition();
 * await cond.use(async () => { while (!(await ready.get())) await cond.wait(); });
 * // elsewhere: await cond.use(() => cond.notifyAll());
 * ```
 */
export class Condition extends Handle {
  private readonly _lock: Lock | RLock;

  /** Makes a condition over `lock` (a new `RLock` by default), served by this process. */
  constructor(lock?: Lock | RLock) {
    super();
    if (this._revived !== null) {
      this._lock = decodeShared(this._revived.lock) as Lock | RLock;
      return;
    }
    const theLock = lock ?? new RLock();
    if (
      !(theLock instanceof Lock || theLock instanceof RLock) ||
      !(theLock._core instanceof LockCore)
    ) {
      throw argTypeError(
        `Condition needs a multiprocessing Lock or RLock created in this process, got ${show(lock)}`,
      );
    }
    this._lock = theLock;
    this._serve(new ConditionCore(theLock._core));
  }

  protected get _typeName(): string {
    return 'mp.Condition';
  }

  protected override _extraState(): Record<string, unknown> {
    return { lock: encodeShared(this._lock) };
  }

  /** Acquires the underlying lock (see `Lock.acquire`). */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return this._lock.acquire(options);
  }

  /** Releases the underlying lock. */
  release(): Promise<void> {
    return this._lock.release();
  }

  /** Runs `fn` holding the underlying lock. The twin of `with cond:`. */
  use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    return this._lock.use(fn);
  }

  /**
   * Releases the lock, waits for a notify (or `timeout` ms), takes the lock back:
   * `true` if notified, `false` on timeout.
   *
   * @throws RangeError/TypeError for a bad timeout (at the call). Rejects with
   * InvalidStateError if the caller does not hold the lock (Python: `RuntimeError`).
   */
  async wait(timeout?: number | null): Promise<boolean> {
    const ms = checkTimeout('Condition.wait() timeout', timeout);
    const token = callerToken();
    try {
      return (await this._call('wait', [ms, token])) as boolean;
    } catch (error) {
      if (error instanceof CancelledError) await this._call('restore', [token]);
      throw error;
    }
  }

  /**
   * Waits until `predicate()` (which may be async) is truthy, re-checking after each
   * notify; resolves to its last value (falsy if `timeout` ms passed first).
   *
   * @throws TypeError if `predicate` is not a function; as `wait`.
   */
  async waitFor<T>(predicate: () => T | PromiseLike<T>, timeout?: number | null): Promise<T> {
    checkFunction('the predicate passed to Condition.waitFor()', predicate);
    const ms = checkTimeout('Condition.waitFor() timeout', timeout);
    const end = ms === Infinity ? Infinity : time() + ms;
    let result = await predicate();
    while (!result) {
      const left = end - time();
      if (left <= 0) break;
      await this.wait(left === Infinity ? undefined : left);
      result = await predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters (in any process).
   *
   * @throws RangeError/TypeError if `n` is not an integer ≥ 0. Rejects with
   * InvalidStateError if the caller does not hold the lock.
   */
  notify(n = 1): Promise<void> {
    checkInteger('Condition.notify() n', n, 0);
    return this._request('notify', [n, callerToken()]);
  }

  /** Wakes every waiter. Python: `notify_all()`. */
  notifyAll(): Promise<void> {
    return this._request('notify', [Infinity, callerToken()]);
  }

  /** A snapshot: `{ waiters }` (tasks in any process waiting for a notify). */
  statistics(): Promise<ConditionStatistics> {
    return this._request('stats', []);
  }

  /** `<multiprocessing.Condition owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<multiprocessing.Condition owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.Condition', (state: HandleState) => reviveHandle(Condition, state));
  }
}
