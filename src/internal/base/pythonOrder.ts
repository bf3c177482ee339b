/**
 * `pythonOrder(a, b)`: the default order of concur's priority queues — what Python's
 * `<` does for the values JavaScript shares with it.
 *
 * - numbers and bigints, with each other (`1 < 2n`), by value; NaN cannot be ordered;
 * - strings, by UTF-16 code units (JavaScript's `<`; Python compares code points, which
 *   differs only between astral characters and U+E000–U+FFFF);
 * - booleans with booleans (`false` first);
 * - `Date`s with `Date`s, by time (an invalid date cannot be ordered);
 * - arrays, lexicographically like Python tuples: the first position where the elements
 *   differ decides, by this same order; a proper prefix comes first. Elements that are
 *   the same value (`Object.is`) are skipped without being ordered, so `[1, obj]` and
 *   `[2, obj]` compare fine even though objects have no order.
 *
 * Anything else (objects, `null`, `undefined`, mixed kinds such as a number and a
 * string) throws a `TypeError` that names the two values (and, inside arrays, the two
 * elements that could not be ordered) and suggests a `compare` function — as Python
 * raises `TypeError: '<' not supported between instances of …`.
 *
 * Difference: Python skips elements that are *equal* (`==`), so `(1, {})` and `(1, {})`
 * compare as equal; here two distinct objects at the deciding position throw, because
 * JavaScript has no value equality for objects.
 *
 * @module
 */
import { argTypeError, show } from './validate.js';

/** The two values `order` last found unorderable (module state: no allocation per call). */
let failedX: unknown;
let failedY: unknown;

/** Negative if `a` comes first, positive if `b` does, 0 if they are equal. */
export function pythonOrder(a: unknown, b: unknown): number {
  const c = order(a, b);
  if (!Number.isNaN(c)) return c;
  throw unorderable(a, b);
}

/** `pythonOrder` without the throw: NaN (with `failedX`/`failedY` set) if unorderable. */
function order(a: unknown, b: unknown): number {
  switch (typeof a) {
    case 'number':
    case 'bigint':
      if (typeof b === 'number' || typeof b === 'bigint') {
        // Mixed number/bigint comparisons are exact in JavaScript.
        if (a < b) return -1;
        if (a > b) return 1;
        if (a == b) return 0; // loose on purpose: 1 == 1n
      }
      break; // NaN, or not a number
    case 'string':
      if (typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
      break;
    case 'boolean':
      if (typeof b === 'boolean') return Number(a) - Number(b);
      break;
    case 'object':
      if (Array.isArray(a)) {
        if (Array.isArray(b)) return orderArrays(a, b);
      } else if (a instanceof Date && b instanceof Date) {
        const c = a.getTime() - b.getTime();
        if (!Number.isNaN(c)) return c;
        // An invalid date: unorderable.
      }
      break;
  }
  failedX = a;
  failedY = b;
  return NaN;
}

function orderArrays(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (Object.is(x, y)) continue;
    const c = order(x, y);
    if (c !== 0) return c; // including NaN
  }
  return a.length - b.length;
}

function unorderable(a: unknown, b: unknown): TypeError {
  const x = failedX;
  const y = failedY;
  failedX = failedY = undefined;
  let reason: string;
  if ((typeof x === 'number' && Number.isNaN(x)) || (typeof y === 'number' && Number.isNaN(y))) {
    reason = 'NaN has no order';
  } else if (x instanceof Date && y instanceof Date) {
    reason = 'an invalid Date has no order';
  } else {
    const kx = kind(x);
    const ky = kind(y);
    reason = kx === ky ? `two ${kx}s have no order` : `${kx} and ${ky} have no order`;
  }
  if (!Object.is(x, a) || !Object.is(y, b))
    reason = `their elements ${show(x)} and ${show(y)}: ${reason}`;
  return argTypeError(
    `cannot order ${show(a)} and ${show(b)}: ${reason}. The default order knows numbers, ` +
      'bigints, strings, booleans, Dates and arrays of them (compared element by element, ' +
      'like Python tuples); for other items pass a compare function, e.g. ' +
      '{ compare: (a, b) => a.priority - b.priority }',
  );
}

/** `number`, `null`, `Map`, `object`: what the value is, for the message. */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name || 'object';
}
