/**
 * `captureExceptions()`: collect what reaches the loop's exception handler.
 *
 * @module
 */
import {
  getExceptionHandler,
  setExceptionHandler,
  type ExceptionContext,
  type ExceptionHandler,
} from '../internal/loop/loop.js';

/** The contexts collected so far; `restore()` (or `using`) puts the old handler back. */
export interface CapturedExceptions {
  readonly contexts: ExceptionContext[];
  /** Puts the previous exception handler back. */
  restore(): void;
  /** `using captured = captureExceptions()`: `restore()` at the end of the block. */
  [Symbol.dispose](): void;
}

/**
 * Installs an exception handler that records every context instead of printing it, to
 * assert in a test that an unobserved error was reported (or that none was).
 *
 * @example
 * ```ts
 * using captured = captureExceptions();
 * createTask(async () => { throw new Error('lost'); });
 * await sleep(10);
 * assert.equal(captured.contexts.length, 1);
 * ```
 */
export function captureExceptions(): CapturedExceptions {
  const previous: ExceptionHandler | null = getExceptionHandler();
  const contexts: ExceptionContext[] = [];
  setExceptionHandler((context) => contexts.push(context));
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    setExceptionHandler(previous);
  };
  return { contexts, restore, [Symbol.dispose]: restore };
}
