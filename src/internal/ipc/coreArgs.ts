/**
 * Reading the arguments of a core operation. They come from another process: a bad peer
 * gets a typed error in its reply, never a crash of the owner.
 *
 * @module
 */
export type Args = readonly unknown[];

/** A number argument (or `fallback` when it is not one). */
export function num(args: Args, i: number, fallback = 0): number {
  const v = args[i];
  return typeof v === 'number' ? v : fallback;
}

/** The error for an operation a core does not have. */
export function unknownOp(kind: string, op: string): TypeError {
  return new TypeError(`${kind} has no operation ${JSON.stringify(op)}`);
}
