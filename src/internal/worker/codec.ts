/**
 * The codec of the worker runtime: what may cross a thread or process boundary, and how
 * errors cross it.
 *
 * Values cross by structured clone. Before a value is sent, `checkCloneable` walks it
 * (bounded) and refuses what structured clone would reject or silently damage — functions,
 * symbols, and class instances, which would arrive as plain objects without their class or
 * private fields — so that the failure lands, typed, on the one future concerned. A
 * primitive is never walked.
 *
 * Errors cross as `SerializedError` (name, message, stack, code, cause, members, own
 * enumerable properties) and are rebuilt as `RemoteError`; nothing is evaluated to
 * rebuild them. A thrown non-error value crosses as itself when it can.
 *
 * @module
 */
import { inspect } from '../runtime/inspect.js';
import { nodeBuiltin } from '../runtime/support.js';

import { RemoteError, SerializationError, type SerializedError } from '../../errors.js';
import { kShare, type Shareable } from '../shm/shareable.js';

const { types } = nodeBuiltin<typeof import('node:util')>('node:util');

const WALK_BUDGET = 10_000; // values; beyond it the serialiser itself is the judge
const MAX_ERROR_DEPTH = 8; // cause chains and AggregateError nesting

function isPlainPrototype(proto: unknown): boolean {
  return proto === Object.prototype || proto === null;
}

/** Types structured clone copies faithfully (with their class). */
function isCloneableBuiltin(value: object): boolean {
  return (
    types.isDate(value) ||
    types.isRegExp(value) ||
    types.isAnyArrayBuffer(value) ||
    ArrayBuffer.isView(value) ||
    types.isNativeError(value) ||
    types.isBoxedPrimitive(value) ||
    value instanceof Blob
  );
}

function describePath(path: (string | number)[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${key}`;
  return out;
}

/**
 * `null` if `value` may cross a boundary, else the `SerializationError` saying why and
 * where. `what` names the value in the message ("argument 1 of sumSquares"). With
 * `crossProcess`, shared memory is refused too (it would arrive as a copy), also inside
 * the state of a shareable primitive.
 */
export function checkCloneable(
  value: unknown,
  what: string,
  crossProcess = false,
): SerializationError | null {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return typeof value === 'symbol' ? refuse(what, [], 'a symbol, which cannot be cloned') : null;
  }
  const path: (string | number)[] = [];
  const seen = new Set<object>();
  let budget = WALK_BUDGET;
  mayHoldShareable = false;
  let problem: SerializationError | null = null;

  // Every value visited costs one unit of budget; once it is spent the walk stops (and
  // accepts), leaving the rest to the serialiser: a million-element array costs 10 000
  // steps here, not a million.
  const walk = (v: unknown): boolean => {
    if (--budget < 0 || v === null) return true;
    const type = typeof v;
    if (type === 'function') {
      problem = refuse(
        what,
        path,
        'a function; functions cannot be sent to another thread or process. Send data, or make the code a task with defineTask',
      );
      return false;
    }
    if (type === 'symbol') {
      problem = refuse(what, path, 'a symbol, which cannot be cloned');
      return false;
    }
    if (type !== 'object') return true;
    const obj = v as object;
    if (seen.has(obj)) return true;
    seen.add(obj);
    const share = (obj as Partial<Shareable>)[kShare];
    if (typeof share === 'function') {
      mayHoldShareable = true;
      return crossProcess ? walk(share.call(obj).state) : true;
    }
    if (
      crossProcess &&
      (types.isSharedArrayBuffer(obj) ||
        (ArrayBuffer.isView(obj) && types.isSharedArrayBuffer(obj.buffer)))
    ) {
      problem = refuse(
        what,
        path,
        'shared memory (a SharedArrayBuffer), which another process cannot share: it would arrive as a copy. Send the data, or use a worker thread',
      );
      return false;
    }
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length && budget >= 0; i++) {
        path.push(i);
        if (!walk(obj[i])) return false;
        path.pop();
      }
      return true;
    }
    const proto: unknown = Object.getPrototypeOf(obj);
    if (isPlainPrototype(proto)) {
      for (const key of Object.keys(obj)) {
        if (budget < 0) break;
        path.push(key);
        if (!walk((obj as Record<string, unknown>)[key])) return false;
        path.pop();
      }
      return true;
    }
    if (types.isMap(obj)) {
      for (const [key, item] of obj) {
        path.push(`get(${inspect(key, { depth: 0 })})`);
        if (!walk(key) || !walk(item)) return false;
        path.pop();
      }
      return true;
    }
    if (types.isSet(obj)) {
      for (const item of obj) if (!walk(item)) return false;
      return true;
    }
    if (isCloneableBuiltin(obj)) return true;
    const ctor = (proto as { constructor?: { name?: unknown } } | null)?.constructor;
    const className = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'a class';
    problem = refuse(
      what,
      path,
      `an instance of ${className}; structured clone would turn it into a plain object without its class, methods or private fields. Send plain data (e.g. { ...value }) and rebuild the instance on the other side`,
    );
    return false;
  };

  try {
    walk(value);
  } catch (error) {
    // A getter that throws, a revoked proxy: the serialiser would fail the same way.
    return new SerializationError(
      `${what}${describePath(path)} cannot be serialised: reading it threw ${inspect(error, { depth: 0 })}`,
      { cause: error },
    );
  }
  if (budget < 0) mayHoldShareable = true; // (not walked to the end)
  return problem;
}

let mayHoldShareable = true;

/**
 * False when the last `checkCloneable` walked its whole value and met no shareable
 * primitive: `encodeShared` would return it unchanged, and can be skipped.
 */
export function lastCheckMetShareable(): boolean {
  return mayHoldShareable;
}

function refuse(what: string, path: (string | number)[], reason: string): SerializationError {
  const where = path.length === 0 ? what : `${what} (at ${describePath(path)})`;
  return new SerializationError(`${where} is ${reason}`);
}

/** The `SerializationError` for a value the serialiser itself refused (`cause`). */
export function cloneFailure(what: string, cause: unknown): SerializationError {
  const reason = cause instanceof Error ? cause.message : inspect(cause, { depth: 0 });
  return new SerializationError(`${what} could not be serialised: ${reason}`, { cause });
}

// ---------------------------------------------------------------------------------------
// Errors

const SKIPPED_PROPS = new Set(['name', 'message', 'stack', 'code', 'cause', 'errors']);

/** An error (or any thrown value) in the form that crosses a boundary. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error) && !types.isNativeError(error)) {
    return { name: typeof error, message: inspect(error, { depth: 2 }) };
  }
  const e = error as Error & { code?: unknown; errors?: unknown };
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(e)) {
    if (SKIPPED_PROPS.has(key)) continue;
    const value = (e as unknown as Record<string, unknown>)[key];
    props ??= {};
    props[key] = checkCloneable(value, key) === null ? value : inspect(value, { depth: 2 });
  }
  const code = e.code;
  const out: {
    -readonly [K in keyof SerializedError]: SerializedError[K];
  } = {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : inspect(e.message),
    stack: typeof e.stack === 'string' ? e.stack : undefined,
  };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (props !== undefined) out.props = props;
  if (depth < MAX_ERROR_DEPTH) {
    if (e.cause !== undefined) out.cause = serializeError(e.cause, depth + 1);
    if (Array.isArray(e.errors)) {
      out.errors = e.errors.map((member: unknown) => serializeError(member, depth + 1));
    }
  }
  return out;
}

/** The error a caller sees for a serialised remote error. */
export function deserializeError(serialized: SerializedError): RemoteError {
  return new RemoteError(serialized);
}

/** True for a thrown value that crosses as itself (not as an error description). */
export function throwsAsValue(thrown: unknown): boolean {
  if (thrown instanceof Error || types.isNativeError(thrown)) return false;
  return checkCloneable(thrown, 'the thrown value') === null;
}

/** A `RemoteError` back in the form it crossed in, to cross again (a pool's error, relayed). */
export function reserializeRemote(error: RemoteError): SerializedError {
  const own = new Set(['code', 'remoteName', 'remoteStack', 'errors']);
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (own.has(key)) continue;
    (props ??= {})[key] = (error as unknown as Record<string, unknown>)[key];
  }
  const out: { -readonly [K in keyof SerializedError]: SerializedError[K] } = {
    name: error.remoteName,
    message: error.message,
    stack: error.remoteStack,
  };
  // ERR_CONCUR_REMOTE stands for "no code of its own": the next hop puts it back.
  if (error.code !== 'ERR_CONCUR_REMOTE') out.code = error.code;
  if (props !== undefined) out.props = props;
  if (error.cause instanceof RemoteError) out.cause = reserializeRemote(error.cause);
  else if (error.cause !== undefined) out.cause = serializeError(error.cause);
  if (error.errors !== undefined) out.errors = error.errors.map(reserializeRemote);
  return out;
}
