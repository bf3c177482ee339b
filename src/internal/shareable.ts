/**
 * The "shareable" protocol: how concur's shared-memory primitives (threading locks,
 * events, queues, `Value`/`Array`) cross a thread boundary as task arguments or results and
 * arrive as the same primitive.
 *
 *   main thread                                   worker
 *   lock ──[kShare]()──► { __concur: 'Lock',  ──clone──► decodeShared ──revive(state)──► lock'
 *                          state: { SABs… } }                     (same SharedArrayBuffer)
 *
 * Only concur's own types are registered, each by its own module; nothing is ever
 * evaluated to rebuild a value. The walk is bounded (depth and node count) and a primitive
 * argument is passed over without inspection, so plain-data tasks pay nothing.
 *
 * (Minimal version written by the pool; the threading primitives extend it.)
 *
 * @module
 */

/** The method a shareable primitive implements to describe its shared state. */
export const kShare: unique symbol = Symbol.for('concur.share') as never;

/** The structured-cloneable description of a shareable primitive. */
export interface SharedState {
  readonly __concur: string;
  readonly state: unknown;
}

/** A value that can cross a thread boundary as shared state. */
export interface Shareable {
  [kShare](): SharedState;
}

type Revive = (state: any) => unknown;

// One registry per thread, found through a global symbol so that two copies of the
// package loaded in one thread (a bundled copy and node_modules) still agree.
const registryKey = Symbol.for('concur.shareableRegistry');
const registry: Map<string, Revive> = ((globalThis as Record<symbol, unknown>)[registryKey] ??=
  new Map<string, Revive>()) as Map<string, Revive>;

/** Registers how to rebuild the primitive called `typeName` from its shared state. */
export function registerShareable(typeName: string, revive: Revive): void {
  registry.set(typeName, revive);
}

const MAX_DEPTH = 4;

function isShareable(value: object): value is Shareable {
  return typeof (value as Partial<Shareable>)[kShare] === 'function';
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isSharedState(value: object): value is SharedState {
  return typeof (value as Partial<SharedState>).__concur === 'string' && 'state' in value;
}

function encodeAt(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isShareable(value)) return value[kShare]();
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const encoded = encodeAt(item, depth + 1);
      if (encoded !== item) {
        out ??= value.slice();
        out[i] = encoded;
      }
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const encoded = encodeAt(item, depth + 1);
    if (encoded !== item) {
      out ??= { ...(value as Record<string, unknown>) };
      out[key] = encoded;
    }
  }
  return out ?? value;
}

function decodeAt(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isPlainObject(value) && isSharedState(value)) {
    const revive = registry.get(value.__concur);
    return revive === undefined ? value : revive(value.state);
  }
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decodeAt(value[i], depth + 1);
    return value;
  }
  if (!isPlainObject(value)) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = decodeAt(record[key], depth + 1);
  return value;
}

/**
 * Replaces shareable primitives in `value` (itself, or inside plain arrays and objects up
 * to a small depth) by their `SharedState`. Returns `value` itself when it holds none, so
 * `encodeShared(v) !== v` tells the caller that the receiver must call `decodeShared`.
 * Never mutates `value`.
 */
export function encodeShared(value: unknown): unknown {
  return encodeAt(value, 0);
}

/**
 * The inverse of `encodeShared`, on a freshly cloned value (which it may mutate): every
 * `SharedState` of a registered type becomes the primitive again.
 */
export function decodeShared(value: unknown): unknown {
  return decodeAt(value, 0);
}
