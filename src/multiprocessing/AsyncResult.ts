/**
 * `AsyncResult`: the handle `Pool.applyAsync` / `mapAsync` / `starmapAsync` return.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { InvalidStateError, TimeoutError } from '../errors.js';
import { Future } from '../internal/loop/Future.js';
import { wait } from '../futures/wait.js';
import { callExceptionHandler } from '../internal/loop/loop.js';
import { checkDuration } from '../internal/base/validate.js';

/** Callbacks of the `…Async` methods of {@link Pool}. */
export interface AsyncCallbacks<T> {
  /** Called (in this process) with the result once it is ready. */
  callback?: ((result: T) => void) | null;
  /** Called (in this process) with the error if the work failed. */
  errorCallback?: ((error: unknown) => void) | null;
}

/**
 * The eventual result of work handed to a {@link Pool}.
 *
 * Python equivalent: `multiprocessing.pool.AsyncResult`. Differences: `get` and `wait`
 * return promises (await them); timeouts are milliseconds; `successful()` on a result
 * that is not ready throws `InvalidStateError` (Python: `ValueError`).
 *
 * A callback runs once, in this process, before `get()` resolves; an error it throws goes
 * to the loop's exception handler (it cannot reach the work that already finished).
 *
 * @example
 * ```ts
 * const r = pool.applyAsync(square, [7], { callback: (v) => console.log('got', v) });
 * console.log(await r.get(1000)); // 49
 * ```
 */
export class AsyncResult<T> {
  readonly #future: Future<T>;

  /** @internal */
  constructor(future: Future<T>, callbacks: AsyncCallbacks<T> | undefined) {
    this.#future = future;
    const callback = callbacks?.callback ?? null;
    const errorCallback = callbacks?.errorCallback ?? null;
    // With an error callback the error is delivered: it must not also be reported as
    // never retrieved.
    if (errorCallback !== null) future._observed = true;
    if (callback !== null || errorCallback !== null) {
      future.addDoneCallback((f) => {
        try {
          const error = f.cancelled() ? f._makeCancelledError() : f.exception();
          if (error === null) callback?.(f.result());
          else errorCallback?.(error);
        } catch (error) {
          callExceptionHandler({ message: 'A Pool callback threw', exception: error });
        }
      });
    }
  }

  /** True once the work is done (succeeded or failed). */
  ready(): boolean {
    return this.#future.done();
  }

  /**
   * True if the work succeeded.
   *
   * @throws {InvalidStateError} the result is not ready yet.
   */
  successful(): boolean {
    if (!this.#future.done()) throw new InvalidStateError('the result is not ready yet');
    return !this.#future.cancelled() && this.#future.exception() === null;
  }

  /**
   * Waits until the result is ready, or at most `timeout` milliseconds; never throws
   * the work's error.
   */
  async wait(timeout?: number | null): Promise<void> {
    const ms = timeout == null ? null : checkDuration('timeout', timeout);
    if (this.#future.done()) return;
    await wait([this.#future], ms === null ? {} : { timeout: ms });
  }

  /**
   * The result: resolves with it, or rejects with the work's error.
   *
   * @throws {TimeoutError} (as a rejection) the result was not ready within `timeout`
   *   milliseconds; the work goes on and `get` may be called again.
   */
  async get(timeout?: number | null): Promise<T> {
    const ms = timeout == null ? null : checkDuration('timeout', timeout);
    if (ms !== null && !this.#future.done()) {
      await wait([this.#future], { timeout: ms });
      if (!this.#future.done()) throw new TimeoutError(`the result was not ready within ${ms} ms`);
    }
    return await this.#future;
  }

  /** @internal */
  [inspectCustom](): string {
    const state = !this.#future.done() ? 'pending' : this.successful() ? 'ok' : 'failed';
    return `<AsyncResult ${state}>`;
  }
}
