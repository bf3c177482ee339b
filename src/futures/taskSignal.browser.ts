/**
 * `taskSignal()` in a browser, where there are no pool workers: the running asyncio task's
 * signal.
 *
 * @module
 */
import { InvalidStateError } from '../errors.js';
import { asyncioSignal } from '../internal/runtime/asyncioSignal.js';

/** The `AbortSignal` of the running asyncio task (see `taskSignal` in `./taskSignal.ts`). */
export function taskSignal(): AbortSignal {
  const signal = asyncioSignal();
  if (signal !== null) return signal;
  throw new InvalidStateError(
    'taskSignal() was called outside a running task: call it synchronously at the start of the task function (before its first await) and keep the signal',
  );
}
