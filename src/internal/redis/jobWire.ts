/**
 * The wire form of a distributed task: what a job carries in Redis, and how a result or an
 * error comes back. Everything is JSON; nothing read from Redis is ever evaluated, imported
 * or used to pick a class (see research B.7).
 *
 *   job name  the task's registered name (`defineTask`'s name)
 *   job data  { a: [args…], u?: [positions of undefined args] }           one call
 *             { c: [{ a, u? }, …] }                                        a map chunk
 *   result    { r: value } / { r: [values…], u?: [positions of undefined] }
 *   failure   failedReason = "<Name>: <message>" + MARK + JSON(SerializedError or kind)
 *
 * @module
 */
import { inspect } from '../runtime/inspect.js';
import { nodeBuiltin } from '../runtime/support.js';

import { SerializationError, type SerializedError } from '../../errors.js';

const { types } = nodeBuiltin<typeof import('node:util')>('node:util');

/** An argument list (or list of results) in JSON form: `undefined` items keep their place. */
export interface EncodedList {
  readonly a: unknown[];
  readonly u?: number[];
}

/** The data of a job. */
export type JobData = EncodedList | { readonly c: EncodedList[] };

/** Separates the readable failure text from its machine part in a job's `failedReason`. */
export const FAILURE_MARK = '\n\u0000concur:';

/** What a failure record may say besides a task error. */
export type FailureKind = 'error' | 'cancelled' | 'serialization' | 'unknown-task';

/** The machine part of a failure. */
export interface FailureRecord {
  readonly k: FailureKind;
  readonly e: SerializedError;
}

/**
 * `null` if `value` survives `JSON.stringify` → `JSON.parse` unchanged (plain objects,
 * arrays, strings, finite numbers, booleans, `null`; `undefined` only as an object
 * property, which is dropped), else the `SerializationError` saying where and why.
 */
export function checkJson(value: unknown, what: string): SerializationError | null {
  const path: (string | number)[] = [];
  const stack = new Set<object>();
  let problem: string | null = null;
  const walk = (v: unknown, inArray: boolean): boolean => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return true;
      case 'number':
        if (Number.isFinite(v)) return true;
        problem = `${String(v)}, which JSON turns into null`;
        return false;
      case 'undefined':
        if (!inArray) return true;
        problem = 'undefined inside an array, which JSON turns into null';
        return false;
      case 'bigint':
        problem = 'a bigint, which JSON cannot hold; send it as a string';
        return false;
      case 'symbol':
        problem = 'a symbol, which JSON cannot hold';
        return false;
      case 'function':
        problem =
          'a function; only data crosses to another machine (make the code a task with defineTask)';
        return false;
    }
    if (v === null) return true;
    const obj = v as object;
    if (stack.has(obj)) {
      problem = 'a circular reference, which JSON cannot hold';
      return false;
    }
    stack.add(obj);
    try {
      if (Array.isArray(obj)) {
        for (let i = 0; i < obj.length; i++) {
          path.push(i);
          if (!walk(obj[i], true)) return false;
          path.pop();
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        problem = types.isDate(obj)
          ? 'a Date, which JSON turns into a string; send date.toISOString() or a number'
          : `an instance of ${(proto as { constructor?: { name?: string } }).constructor?.name ?? 'a class'}, which JSON would turn into a plain object or lose; send plain data`;
        return false;
      }
      for (const key of Object.keys(obj)) {
        path.push(key);
        if (!walk((obj as Record<string, unknown>)[key], false)) return false;
        path.pop();
      }
      return true;
    } finally {
      stack.delete(obj);
    }
  };
  try {
    if (walk(value, false)) return null;
  } catch (error) {
    return new SerializationError(
      `${what}${describe(path)} cannot be read to send it: ${inspect(error, { depth: 0 })}`,
      { cause: error },
    );
  }
  const where = path.length === 0 ? what : `${what} (at ${describe(path)})`;
  return new SerializationError(`${where} is ${problem!}`);
}

function describe(path: (string | number)[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${key}`;
  return out;
}

/** A list with its `undefined` items recorded by position (JSON would make them null). */
export function encodeList(values: readonly unknown[]): EncodedList {
  let undef: number[] | undefined;
  const a = values.map((v, i) => {
    if (v !== undefined) return v;
    (undef ??= []).push(i);
    return null;
  });
  return undef === undefined ? { a } : { a, u: undef };
}

/** The list `encodeList` encoded; `null` if `data` is not one (data from Redis is input). */
export function decodeList(data: unknown): unknown[] | null {
  if (typeof data !== 'object' || data === null) return null;
  const { a, u } = data as { a?: unknown; u?: unknown };
  if (!Array.isArray(a)) return null;
  const values = [...(a as unknown[])];
  if (u !== undefined) {
    if (!Array.isArray(u)) return null;
    for (const i of u) {
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= values.length) {
        return null;
      }
      values[i] = undefined;
    }
  }
  return values;
}

/** The argument lists of a job's data (one for a call, several for a chunk), or `null`. */
export function decodeJobData(data: unknown): { calls: unknown[][]; chunk: boolean } | null {
  if (typeof data !== 'object' || data === null) return null;
  const chunk = (data as { c?: unknown }).c;
  if (chunk === undefined) {
    const args = decodeList(data);
    return args === null ? null : { calls: [args], chunk: false };
  }
  if (!Array.isArray(chunk)) return null;
  const calls: unknown[][] = [];
  for (const item of chunk) {
    const args = decodeList(item);
    if (args === null) return null;
    calls.push(args);
  }
  return { calls, chunk: true };
}

/** A job's `failedReason` for a failure record: readable first, then the record. */
export function encodeFailure(record: FailureRecord): string {
  return `${record.e.name}: ${record.e.message}${FAILURE_MARK}${JSON.stringify(record)}`;
}

const KINDS: ReadonlySet<string> = new Set(['error', 'cancelled', 'serialization', 'unknown-task']);

/**
 * The failure record in a job's `failedReason`, or `null` when it has none (a failure
 * BullMQ itself recorded, e.g. a stalled job). The record is checked field by field.
 */
export function decodeFailure(failedReason: unknown): FailureRecord | null {
  if (typeof failedReason !== 'string') return null;
  const at = failedReason.indexOf(FAILURE_MARK);
  if (at < 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(failedReason.slice(at + FAILURE_MARK.length));
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  const { k, e } = (parsed ?? {}) as { k?: unknown; e?: unknown };
  if (typeof k !== 'string' || !KINDS.has(k)) return null;
  const error = checkSerializedError(e, 0);
  return error === null ? null : { k: k as FailureKind, e: error };
}

/** `value` as a `SerializedError` if it has that shape (strings where strings belong). */
function checkSerializedError(value: unknown, depth: number): SerializedError | null {
  if (typeof value !== 'object' || value === null || depth > 8) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || typeof v.message !== 'string') return null;
  const out: { -readonly [K in keyof SerializedError]: SerializedError[K] } = {
    name: v.name,
    message: v.message,
  };
  if (typeof v.stack === 'string') out.stack = v.stack;
  if (typeof v.code === 'string' || typeof v.code === 'number') out.code = v.code;
  if (typeof v.props === 'object' && v.props !== null && !Array.isArray(v.props)) {
    out.props = v.props as Record<string, unknown>;
  }
  if (v.cause !== undefined) {
    const cause = checkSerializedError(v.cause, depth + 1);
    if (cause !== null) out.cause = cause;
  }
  if (Array.isArray(v.errors)) {
    const members = v.errors.map((m) => checkSerializedError(m, depth + 1));
    if (members.every((m) => m !== null)) out.errors = members;
  }
  return out;
}
