/**
 * `AsyncResource` where the runtime has one; elsewhere a stand-in that runs its callbacks
 * in the caller's context (there is no other context to keep).
 *
 * @module
 */
import { builtin } from './runtime.js';

/** The part of Node's `AsyncResource` concur uses. */
export interface AsyncResourceLike {
  runInAsyncScope<A extends unknown[], R>(fn: (...args: A) => R, thisArg: unknown, ...args: A): R;
  emitDestroy(): unknown;
}

type AsyncResourceClass = new (
  type: string,
  options?: { requireManualDestroy?: boolean },
) => AsyncResourceLike;

class PlainAsyncResource implements AsyncResourceLike {
  constructor(_type: string, _options?: { requireManualDestroy?: boolean }) {}

  runInAsyncScope<A extends unknown[], R>(fn: (...args: A) => R, thisArg: unknown, ...args: A): R {
    return fn.apply(thisArg, args);
  }

  emitDestroy(): this {
    return this;
  }
}

/** A class to extend: the runtime's `AsyncResource`, or the stand-in. */
export const AsyncResource: AsyncResourceClass =
  builtin<{ AsyncResource?: AsyncResourceClass }>('node:async_hooks')?.AsyncResource ??
  PlainAsyncResource;
