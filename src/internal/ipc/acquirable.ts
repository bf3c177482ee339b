/**
 * What the cross-process Lock, RLock and Semaphore handles share: `acquire` with
 * Python's `blocking`/`timeout`, `release`, `use(fn)`, and the rule that a permit granted
 * to a cancelled `acquire` is given back rather than lost.
 *
 * @module
 */
import { inspectCustom } from '../runtime/inspect.js';

import { CancelledError } from '../../errors.js';
import { Future } from '../loop/Future.js';
import { checkAcquireOptions, type AcquireOptions } from '../shm/futex.js';
import { Handle, callerToken } from './handle.js';
import { LockCore } from './lockCores.js';
import { checkFunction } from '../base/validate.js';

export abstract class AcquirableHandle extends Handle {
  /** The class name used in messages (`'Lock'`, `'Semaphore'`, …). */
  protected abstract get _what(): string;

  /**
   * Waits until it can be taken and takes it: `true`, or `false` when `blocking: false`
   * found it taken or `timeout` ms passed first.
   *
   * Python equivalent: `acquire(block=True, timeout=None)`, awaited.
   *
   * Cancellation: rejects with `CancelledError` and holds nothing (a grant that crossed
   * the cancel is released).
   *
   * @throws RangeError/TypeError for bad options (at the call). Rejects with
   * BrokenResourceError if a process died holding it, or its owner process is gone.
   */
  async acquire(options?: AcquireOptions): Promise<boolean> {
    const timeout = checkAcquireOptions(`${this._what}.acquire()`, options);
    const token = callerToken();
    const call = this._call('acquire', [timeout, token], (granted) => {
      if (granted === true) this._post('release', this._releaseArgs(token));
    });
    try {
      return (await call) as boolean;
    } catch (error) {
      // Granted, but the task was cancelled before it resumed: give it back.
      if (
        error instanceof CancelledError &&
        call instanceof Future &&
        call.done() &&
        !call.cancelled() &&
        call.exception() === null &&
        call.result() === true
      ) {
        this._post('release', this._releaseArgs(token));
      }
      throw error;
    }
  }

  /** The arguments of the `release` operation for the caller `token`. */
  protected _releaseArgs(token: number): unknown[] {
    return [token];
  }

  /**
   * Runs `fn` while holding it and releases it afterwards, however `fn` ends; resolves to
   * what `fn` returns. The twin of Python's `with lock:`.
   *
   * Cancellation: cancelled while waiting, `fn` never runs; once it runs, it is released
   * however it ends.
   *
   * @throws TypeError if `fn` is not a function.
   */
  async use<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    checkFunction(`the function passed to ${this._what}.use()`, fn);
    await this.acquire();
    try {
      return await fn();
    } finally {
      await this._releaseOne();
    }
  }

  /** Releases what `use` took. */
  protected abstract _releaseOne(): Promise<void>;
}

/** A snapshot of a multiprocessing `Lock` or `RLock`, from `statistics()`. */
export interface LockStatistics {
  /** True while the lock is held. */
  readonly locked: boolean;
  /** The owner's number for the connection of the holding process (0: the owner itself). */
  readonly owner: number | null;
  /** How many times the holder took it (RLock; 1 for Lock while held). */
  readonly recursionCount: number;
  /** Tasks (in any process) waiting in `acquire`. */
  readonly waiters: number;
  /** True once a process died holding it. */
  readonly broken: boolean;
}

/** What the cross-process `Lock` and `RLock` share (they differ in reentrancy only). */
export abstract class LockHandle extends AcquirableHandle {
  constructor(reentrant: boolean) {
    super();
    if (this._revived === null) this._serve(new LockCore(reentrant));
  }

  /**
   * Frees the lock (one level, for an RLock) and hands it to the next waiter.
   *
   * @throws Rejects with InvalidStateError if it is not held, or (RLock) not held by the
   * caller (Python: `ValueError`/`RuntimeError`); BrokenResourceError if it is broken.
   */
  release(): Promise<void> {
    return this._request('release', [callerToken()]);
  }

  protected _releaseOne(): Promise<void> {
    return this.release();
  }

  /** Resolves to true while the lock is held. */
  locked(): Promise<boolean> {
    return this._request('locked', []);
  }

  /** A snapshot: `{ locked, owner, recursionCount, waiters, broken }`. */
  statistics(): Promise<LockStatistics> {
    return this._request('stats', []);
  }

  /** `<multiprocessing.Lock owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<multiprocessing.${this._what} owner=pid ${this.ownerPid}>`;
  }
}
