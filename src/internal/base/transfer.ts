/**
 * `transfer(value, list)`: hand buffers to the other side instead of copying them.
 *
 * @module
 */
// Node's own name: `TransferListItem` was its old alias, gone from the latest @types/node.
import type { Transferable as NodeTransferable } from 'node:worker_threads';

import { argTypeError, show } from './validate.js';

/** What may be moved rather than copied: an `ArrayBuffer`, a `MessagePort`, … (Node's `Transferable`). */
export type Transferable = NodeTransferable;

const kTransfer = Symbol.for('concur.transfer');

/**
 * A value to send with a transfer list: the `ArrayBuffer`s (or `MessagePort`s) in `list`
 * move to the receiver and become detached (length 0) on the sender, instead of being
 * copied. Made by {@link transfer}.
 */
export class Transfer<T> {
  /** @internal */ readonly [kTransfer] = true;

  /** @internal Use {@link transfer}. */
  constructor(
    /** The value sent. */
    readonly value: T,
    /** What moves instead of being copied. */
    readonly transferList: readonly Transferable[],
  ) {}
}

/**
 * Marks a task's result to be *moved* to the caller rather than copied: return
 * `transfer(value, [buffer])` from a task and the future resolves to `value`, with
 * `buffer` moved (zero-copy). For arguments, use `executor.submitWith({ transfer }, …)`.
 *
 * Python equivalent: none (pickle always copies). Node's `postMessage` transfer list.
 *
 * @throws {TypeError} `transferList` is not an array.
 *
 * @example
 * ```ts
 * export const render = defineTask(import.meta.url, function render(width: number) {
 *   const pixels = new Uint8Array(width * width);
 *   // … fill pixels …
 *   return transfer(pixels, [pixels.buffer]);
 * });
 * const pixels = await pool.submit(render, 1024); // Uint8Array, not copied
 * ```
 */
export function transfer<T>(value: T, transferList: readonly Transferable[]): Transfer<T> {
  if (!Array.isArray(transferList)) {
    throw argTypeError(`transfer needs an array of transferables, got ${show(transferList)}`);
  }
  return new Transfer(value, transferList);
}

/** True for a value made by `transfer()` (in any copy of the package). */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[kTransfer] === true
  );
}

/** The type a task's result has on the caller's side: `Transfer<T>` arrives as `T`. */
export type Untransfer<R> = R extends Transfer<infer U> ? U : R;
