/**
 * `Future<T>`: the one result handle every backend returns.
 *
 * The class lives in the engine room (`internal/loop/Future.ts`), beneath the pools, the
 * shared-memory and cross-process engines that create futures; this is its public name.
 *
 * @module
 */
export { Future, isFuture, type DoneCallback } from '../internal/loop/Future.js';
