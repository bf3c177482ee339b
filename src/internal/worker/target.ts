/**
 * What `Thread` (threading) and `Process` (multiprocessing) share: checking their options,
 * turning the target and its arguments into the one RUN message a worker needs, and
 * `join(timeout)` over the worker's end.
 *
 *   new Thread/Process({ target, args, name, daemon }) ── targetOptions (types)
 *   start() ── preparedTarget (task number, cloneable + encoded args) ── runMessage ──► worker
 *   join(ms) ── joinEnd(ended, ms) ◄── the worker's exit
 *
 * @module
 */
import type { TaskFn } from '../base/executorTypes.js';
import { callLater } from '../loop/loop.js';
import { CTL_DISCARD, CTL_SHARED, CTL_SHIFT, RUN } from './protocol.js';
import { encodeArgs } from './taskArgs.js';
import { taskDef, taskNumber } from './taskRef.js';
import { argTypeError, checkDuration, show } from '../base/validate.js';

/** The options of a `Thread` or `Process` (`ThreadOptions`, `ProcessOptions`). */
export interface TargetOptions<F extends TaskFn> {
  /**
   * What the thread or process runs: a function made by `defineTask`, or a self-contained
   * function (sent by source). Its return value is ignored, as in Python.
   */
  target: F;
  /**
   * Arguments of `target` (structured-cloned; concur's shared primitives arrive as the same
   * primitive).
   */
  args?: Parameters<F>;
  /** Its name (default `Thread-N (targetName)` for a thread, `Process-N` for a process). */
  name?: string;
  /**
   * A daemon never keeps its process alive; a non-daemon thread or process does until it
   * ends (default: the daemon flag of the thread or process creating it — `false` in the
   * main thread of the main process).
   */
  daemon?: boolean;
}

/** Checks the kinds of `options` (`kind`: "Thread", "Process"); not the target itself. */
export function targetOptions<F extends TaskFn>(
  kind: string,
  options: TargetOptions<F>,
): { target: F; args: unknown[]; name: string | undefined; daemon: boolean | undefined } {
  if (typeof options !== 'object' || options === null) {
    throw argTypeError(`${kind} needs an options object ({ target, args }), got ${show(options)}`);
  }
  const { target, args = [], name, daemon } = options;
  if (!Array.isArray(args)) throw argTypeError(`${kind} args must be an array, got ${show(args)}`);
  if (name !== undefined && typeof name !== 'string') {
    throw argTypeError(`${kind} name must be a string, got ${show(name)}`);
  }
  if (daemon !== undefined && typeof daemon !== 'boolean') {
    throw argTypeError(`${kind} daemon must be a boolean, got ${show(daemon)}`);
  }
  return { target, args, name, daemon };
}

/** A target ready to send: its task number and its encoded arguments. */
export interface PreparedTarget {
  num: number;
  args: unknown[];
  shared: boolean;
}

/**
 * Checks that `target` can run in a worker (a `defineTask` reference or a self-contained
 * function) and that `args` can cross to it, and encodes them.
 *
 * @throws {TypeError} a target that is not a function or cannot be sent.
 * @throws {SerializationError} arguments that cannot cross.
 */
export function prepareTarget(
  kind: string,
  target: unknown,
  args: unknown[],
  crossProcess: boolean,
): PreparedTarget {
  if (typeof target !== 'function') {
    throw argTypeError(
      `${kind} needs a target: a function made by defineTask or a self-contained function, got ${show(target)}`,
    );
  }
  const num = taskNumber(target, true);
  const encoded = encodeArgs(args, num, `the ${kind} args`, crossProcess);
  if (!Array.isArray(encoded)) throw encoded;
  return { num, args: encoded, shared: encoded !== args };
}

/** The RUN message of a prepared target (task id 0; its result is not wanted). */
export function runMessage(target: PreparedTarget): unknown[] {
  const { num, args, shared } = target;
  const ctl = (num << CTL_SHIFT) | CTL_DISCARD | (shared ? CTL_SHARED : 0);
  return [RUN, [num, taskDef(num)], 0, ctl, args.length, ...args];
}

/**
 * The milliseconds of a `join(timeout)`: `Infinity` for none; a negative timeout is 0
 * when `negativeIsZero` (Python's `Process.join(-1)`), else a `RangeError`.
 */
export function joinTimeout(timeout: number | null | undefined, negativeIsZero: boolean): number {
  if (timeout === undefined || timeout === null) return Infinity;
  const ms = checkDuration('timeout', timeout, negativeIsZero);
  return ms < 0 ? 0 : ms;
}

/**
 * Waits for `ended` or `ms`, whichever first; resolves `isDone()` then. `hold`/`release`
 * keep the process alive while the join waits.
 */
export function joinEnd(
  ended: Promise<void>,
  ms: number,
  isDone: () => boolean,
  hold: () => void,
  release: () => void,
): Promise<boolean> {
  if (isDone()) return Promise.resolve(true);
  if (ms === 0) return Promise.resolve(false);
  hold();
  const finish = (): boolean => {
    release();
    return isDone();
  };
  if (ms === Infinity) return ended.then(finish);
  return new Promise<boolean>((resolve) => {
    const timer = callLater(ms, () => resolve(finish()), null);
    void ended.then(() => {
      if (timer.cancelled()) return;
      timer.cancel();
      resolve(finish());
    });
  });
}
