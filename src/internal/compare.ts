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
 * string) throws a `TypeError` that names the two values and suggests a `compare`
 * function — as Python raises `TypeError: '<' not supported between instances of …`.
 *
 * Difference: Python skips elements that are *equal* (`==`), so `(1, {})` and `(1, {})`
 * compare as equal; here two distinct objects at the deciding position throw, because
 * JavaScript has no value equality for objects.
 *
 * @module
 */
import { argTypeError, show } from './validate.js';

/** Negative if `a` comes first, positive if `b` does, 0 if they are equal. */
export function pythonOrder(a: unknown, b: unknown): number {
  switch (typeof a) {
    case 'number':
    case 'bigint':
      if (typeof b === 'number' || typeof b === 'bigint') {
        // Mixed number/bigint comparisons are exact in JavaScript.
        if (a < b) return -1;
        if (a > b) return 1;
        if (a == b) return 0; // loose on purpose: 1 == 1n
        throw unorderable(a, b, 'NaN has no order');
      }
      break;
    case 'string':
      if (typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
      break;
    case 'boolean':
      if (typeof b === 'boolean') return Number(a) - Number(b);
      break;
    case 'object':
      if (Array.isArray(a)) {
        if (Array.isArray(b)) return compareArrays(a, b);
      } else if (a instanceof Date && b instanceof Date) {
        const x = a.getTime();
        const y = b.getTime();
        if (Number.isNaN(x) || Number.isNaN(y))
          throw unorderable(a, b, 'an invalid Date has no order');
        return x - y;
      }
      break;
  }
  throw unorderable(a, b);
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (Object.is(x, y)) continue;
    const c = pythonOrder(x, y);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function unorderable(a: unknown, b: unknown, why?: string): TypeError {
  const ka = kind(a);
  const kb = kind(b);
  const reason = why ?? (ka === kb ? `two ${ka}s have no order` : `${ka} and ${kb} have no order`);
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
