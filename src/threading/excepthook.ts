/**
 * `setExcepthook`: where errors thrown by `Thread` targets go.
 *
 * @module
 */
import { argTypeError, show } from '../internal/base/validate.js';
import type { Thread } from './Thread.js';

/** What the excepthook receives. Python: `threading.ExceptHookArgs`. */
export interface ExceptHookArgs {
  /** The error's class name on the thread's side (classes do not cross threads). */
  readonly excType: string;
  /** The error: a `RemoteError` with the thread's stack, or what ended the thread. */
  readonly excValue: unknown;
  /** The thread whose target threw. */
  readonly thread: Thread;
}

/** A handler for errors thrown by `Thread` targets. */
export type ExceptHook = (args: ExceptHookArgs) => void;

let hook: ExceptHook | null = null;

/**
 * Sets the handler called on the main side when a `Thread`'s target throws (or its worker
 * dies of an uncaught error); `null` restores the default, which prints
 * `Exception in thread <name>:` and the stack to stderr. Returns the previous handler
 * (`null` for the default). A thread's error never crashes the thread that started it.
 *
 * Python equivalent: assigning `threading.excepthook`. As in Python, a thread that ends
 * with `process.exit()` (Python's `SystemExit`) is not reported.
 *
 * @throws {TypeError} `handler` is neither a function nor `null`.
 *
 * @example
 * ```ts
 * const previous = setExcepthook(({ thread, excValue }) => log.error(thread.name, excValue));
 * ```
 */
export function setExcepthook(handler: ExceptHook | null): ExceptHook | null {
  if (handler !== null && typeof handler !== 'function') {
    throw argTypeError(`the excepthook must be a function or null, got ${show(handler)}`);
  }
  const previous = hook;
  hook = handler;
  return previous;
}

function defaultExcepthook({ excValue, thread }: ExceptHookArgs): void {
  const shown = excValue instanceof Error ? (excValue.stack ?? String(excValue)) : show(excValue);
  process.stderr.write(`Exception in thread ${thread.name}:\n${shown}\n`);
}

/** @internal Reports a thread's error through the current hook. */
export function reportThreadError(args: ExceptHookArgs): void {
  try {
    (hook ?? defaultExcepthook)(args);
  } catch (error) {
    // Python prints an excepthook's own failure through sys.excepthook; so do we.
    process.stderr.write(`Exception in threading.excepthook:\n${show(error)}\n`);
  }
}
