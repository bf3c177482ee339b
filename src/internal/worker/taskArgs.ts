/**
 * Task arguments on their way to a worker: checked (a value structured clone would
 * refuse or damage fails the task at once, typed) and encoded (concur's shared primitives
 * become their shared state). Shared by the pool, its initializer and `Thread`.
 *
 * @module
 */
import type { SerializationError } from '../../errors.js';
import { checkCloneable, lastCheckMetShareable } from './codec.js';
import { taskLabel } from './outcomes.js';
import { encodeShared } from '../shm/shareable.js';

/**
 * The arguments to send for task number `num`: `args` itself when there is nothing to
 * encode (the result is `args`), a new array holding shared state (the caller flags it),
 * or the `SerializationError` to fail the task with. Arguments that are all primitives
 * return at once, unexamined: the fast path of tiny tasks. `what` names the arguments in
 * the error (default: "the arguments of <task>"). With `crossProcess`, shared memory is
 * refused too (another process would get a copy). A receiver that decodes whatever it
 * gets (the initializer's arguments) needs `always`: every object is then encoded, so
 * data shaped like a shared state is escaped rather than revived (see shareable.ts).
 */
export function encodeArgs(
  args: unknown[],
  num: number,
  what?: string,
  crossProcess = false,
  always = false,
): unknown[] | SerializationError {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (
      arg !== null &&
      (typeof arg === 'object' || typeof arg === 'function' || typeof arg === 'symbol')
    ) {
      // Not plain primitives: check the whole list once (primitives are never walked).
      const problem = checkCloneable(
        args,
        what ?? `the arguments of ${taskLabel(num)}`,
        crossProcess,
      );
      if (problem !== null) return problem;
      return always || lastCheckMetShareable() ? (encodeShared(args) as unknown[]) : args;
    }
  }
  return args;
}
