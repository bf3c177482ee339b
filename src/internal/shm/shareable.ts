/**
 * The "shareable" protocol: how concur's shared-memory primitives cross a thread
 * boundary and arrive as the same primitive.
 *
 *   thread A                                   thread B
 *   lock ──encodeShared──► { __concur: 'Lock', state: { sab } } ──postMessage──►
 *                                              decodeShared ──► revive(state) ──► lock'
 *   (lock and lock' are two handles on the same SharedArrayBuffer words)
 *
 * - A shareable class implements `[kShare]()`, returning a structured-cloneable plain
 *   object `{ __concur: '<TypeName>', state: {...SharedArrayBuffers and numbers...} }`.
 * - It registers `registerShareable('<TypeName>', revive)` when its module loads; the
 *   codec rebuilds a primitive only through that registry — only concur's own types
 *   are registered, and nothing is ever evaluated. A thread must have loaded the
 *   classes (import `concur/threading`, which the worker runtime does) before decoding.
 * - `encodeShared(value)` / `decodeShared(value)` walk a value — top level, then plain
 *   arrays and plain objects down to `MAX_DEPTH` levels — replacing shareables by their
 *   state and back. Primitives (numbers, strings, …) return at once without inspection,
 *   and a container with nothing to replace is returned as is (no copy).
 * - Plain data can take the shape of a state (`{ __concur: 'mp.Lock', state: {...} }`, from
 *   a file, a socket, another process). The encoder escapes every such object it meets
 *   where the decoder looks, as `{ __concur: 'plain', state: <the object> }`, so that
 *   what the decoder revives can only be what the encoder made from a real primitive.
 *   The rule that keeps it sound: decode only what was encoded. Senders that skip the
 *   encoder when there is no primitive (pool and `Thread` arguments: `CTL_SHARED`; results:
 *   `ST_OK_SHARED`) flag the payloads they did encode, and receivers decode only those.
 *
 * Dead-owner handling (`markOwnerDead`) lives in owners.ts and is re-exported here.
 *
 * @module
 */
import { argTypeError, show } from '../base/validate.js';

export { markOwnerDead } from './owners.js';

/**
 * The method a shareable primitive implements to describe itself for another thread.
 * A registered symbol (`Symbol.for`), like the reviver registry below, so that two
 * copies of concur loaded in one thread still understand each other's primitives.
 */
export const kShare: unique symbol = Symbol.for('concur.share') as typeof kShare;

/**
 * What a shared primitive becomes on the wire (from {@link encodeShared}): its
 * registered type name and its state (`SharedArrayBuffer`s and numbers). Treat it as
 * opaque: send it, and turn it back into the primitive with {@link decodeShared}.
 */
export interface SharedState {
  readonly __concur: string;
  readonly state: Record<string, unknown>;
}

/** A value that can cross threads as itself. */
export interface Shareable {
  [kShare](): SharedState;
}

/** How deep `encodeShared`/`decodeShared` look into nested arrays and plain objects. */
export const MAX_DEPTH = 8;

/** The type name of an escaped plain object that looked like a state. */
const ESCAPED = 'plain';

const REVIVERS = Symbol.for('concur.shareable.revivers');
const revivers: Map<string, (state: any) => unknown> = ((globalThis as Record<symbol, unknown>)[
  REVIVERS
] ??= new Map()) as Map<string, (state: any) => unknown>;

/**
 * Registers how to rebuild the shareable type `typeName` from its state. Called once by
 * each shareable class when its module loads.
 *
 */
export function registerShareable(typeName: string, revive: (state: any) => unknown): void {
  if (typeName === ESCAPED) throw new Error(`'${ESCAPED}' marks escaped data, not a type`);
  // A second copy of concur registers its own classes under the same names; the first
  // registration wins (both rebuild the same shared memory).
  if (!revivers.has(typeName)) revivers.set(typeName, revive);
}

/** True for a value implementing the shareable protocol. */
export function isShareable(value: unknown): value is Shareable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Shareable>)[kShare] === 'function'
  );
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isSharedState(value: object): value is SharedState {
  const candidate = value as Partial<SharedState>;
  return (
    typeof candidate.__concur === 'string' &&
    typeof candidate.state === 'object' &&
    candidate.state !== null &&
    Object.keys(value).length === 2
  );
}

/** Applies `fn` to every element or property; returns `value` itself if none changed. */
function mapContainer(value: object, fn: (item: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const mapped = fn(item);
      if (mapped !== item && copy === null) copy = value.slice(0, i);
      if (copy !== null) copy.push(mapped);
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | null = null;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const mapped = fn(item);
    if (mapped !== item && copy === null) copy = { ...record };
    if (copy !== null) copy[key] = mapped;
  }
  return copy ?? value;
}

function encodeAt(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isShareable(value)) return value[kShare]();
  if (Array.isArray(value)) {
    return depth >= MAX_DEPTH ? value : mapContainer(value, (item) => encodeAt(item, depth + 1));
  }
  if (!isPlainObject(value)) return value;
  // Mapped at the depth the decoder will see it, the escape wrapper not counting.
  const mapped =
    depth >= MAX_DEPTH ? value : mapContainer(value, (item) => encodeAt(item, depth + 1));
  if (isSharedState(value)) return { __concur: ESCAPED, state: mapped };
  return mapped;
}

function decodeAt(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (!Array.isArray(value) && isPlainObject(value) && isSharedState(value)) {
    if (value.__concur === ESCAPED) {
      const data = value.state;
      return depth >= MAX_DEPTH ? data : mapContainer(data, (item) => decodeAt(item, depth + 1));
    }
    const revive = revivers.get(value.__concur);
    if (revive === undefined) {
      throw argTypeError(
        `cannot rebuild a shared ${show(value.__concur)} here: its class is not loaded in ` +
          `this thread or process; import '${value.__concur.startsWith('mp.') ? 'concur-ts/multiprocessing' : 'concur-ts/threading'}' before receiving it`,
      );
    }
    return revive(value.state);
  }
  if (depth >= MAX_DEPTH || !(Array.isArray(value) || isPlainObject(value))) return value;
  return mapContainer(value, (item) => decodeAt(item, depth + 1));
}

/**
 * Prepares a value holding concur shared primitives (locks, events, queues, `Value`, …)
 * for `postMessage` or `workerData`: each primitive — at the top level, or inside plain
 * arrays and objects up to 8 levels (`MAX_DEPTH`) — becomes its {@link SharedState}.
 * Values with nothing to replace come back unchanged (the same object). A plain object
 * that merely looks like a `SharedState` is escaped, so that `decodeShared` gives it back
 * as the same plain data, never as a primitive.
 *
 * Only needed with raw `worker_threads`: concur's `Thread` and `ThreadPoolExecutor` do
 * this for task arguments and results.
 *
 * Python equivalent: none needed — Python threads share objects, and `multiprocessing`
 * pickles its synchronisation objects for child processes.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * const worker = new Worker(url, { workerData: encodeShared({ lock, n: 10 }) });
 * // in the worker: const { lock, n } = decodeShared(workerData) as { lock: Lock; n: number };
 * ```
 */
export function encodeShared(value: unknown): unknown {
  return encodeAt(value, 0);
}

/**
 * The inverse of {@link encodeShared}: rebuilds each `SharedState` as a handle on the
 * same shared memory, so the receiving thread uses the very same lock, event or queue.
 * The classes are rebuilt from concur's own registry only; nothing received is ever
 * evaluated.
 *
 * Security: decode only what `encodeShared` produced. Plain data from elsewhere (a file,
 * a socket, a message that did not pass through `encodeShared`) may be shaped like a state,
 * and would be rebuilt as a primitive connected to whatever its state names.
 *
 * Python equivalent: none needed (see `encodeShared`).
 *
 * @throws TypeError for a state whose type is not loaded in this thread (import
 * `concur/threading` first).
 * @example
 * ```ts
 * const { lock } = decodeShared(workerData) as { lock: Lock };
 * lock.useSync(() => { … });
 * ```
 */
export function decodeShared(value: unknown): unknown {
  return decodeAt(value, 0);
}
