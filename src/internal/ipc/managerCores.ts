/**
 * The server side of the Manager's shared containers: a dict (also behind `Namespace`)
 * and a list, held in the owner process. Values are stored as they arrived (already
 * copies: structured-cloned on the way in), with concur primitives in their shared-state
 * form.
 *
 * @module
 */
import { nodeBuiltin } from '../runtime/support.js';

import { Core, type Session } from './resourceServer.js';
import { num, unknownOp } from './coreArgs.js';
import { argRangeError, argTypeError, show } from '../base/validate.js';

const { isDeepStrictEqual } = nodeBuiltin<typeof import('node:util')>('node:util');

type Args = readonly unknown[];

/** A dict key: a primitive compared by value (Python: a hashable). */
export type DictKey = string | number | bigint | boolean | null | undefined;

export function checkKey(what: string, key: unknown): DictKey {
  if (typeof key === 'object' && key !== null) {
    throw argTypeError(`${what} must be a primitive (string, number, …), got ${show(key)}`);
  }
  if (typeof key === 'function' || typeof key === 'symbol') {
    throw argTypeError(`${what} must be a primitive (string, number, …), got ${show(key)}`);
  }
  return key as DictKey;
}

export class DictCore extends Core {
  private readonly map: Map<DictKey, unknown>;

  constructor(
    entries: Iterable<readonly [DictKey, unknown]>,
    private readonly kind: string,
  ) {
    super();
    this.map = new Map(entries);
  }

  call(op: string, args: Args, _session: Session): unknown {
    const map = this.map;
    const key = args[0] as DictKey;
    switch (op) {
      case 'get':
        return map.has(key) ? map.get(key) : args[1];
      case 'set':
        map.set(key, args[1]);
        return undefined;
      case 'delete':
        return map.delete(key);
      case 'has':
        return map.has(key);
      case 'pop': {
        if (!map.has(key)) return args[1];
        const value = map.get(key);
        map.delete(key);
        return value;
      }
      case 'setdefault':
        if (!map.has(key)) map.set(key, args[1]);
        return map.get(key);
      case 'update':
        for (const [k, v] of args[0] as [DictKey, unknown][]) map.set(k, v);
        return undefined;
      case 'keys':
        return [...map.keys()];
      case 'values':
        return [...map.values()];
      case 'items':
        return [...map.entries()];
      case 'length':
        return map.size;
      case 'clear':
        map.clear();
        return undefined;
      default:
        throw unknownOp(this.kind, op);
    }
  }
}

export class ListCore extends Core {
  private readonly items: unknown[];

  constructor(items: unknown[]) {
    super();
    this.items = items;
  }

  private index(i: number, what: string, forInsert = false): number {
    const n = this.items.length;
    const j = i < 0 ? i + n : i;
    if (forInsert) return Math.min(Math.max(j, 0), n);
    if (!Number.isInteger(j) || j < 0 || j >= n) {
      throw argRangeError(
        `ListProxy.${what}() index ${i} is out of range for a list of ${n} items`,
      );
    }
    return j;
  }

  call(op: string, args: Args, _session: Session): unknown {
    const items = this.items;
    switch (op) {
      case 'get':
        return items[this.index(num(args, 0), 'get')];
      case 'set':
        items[this.index(num(args, 0), 'set')] = args[1];
        return undefined;
      case 'append':
        items.push(args[0]);
        return undefined;
      case 'extend':
        for (const item of args[0] as unknown[]) items.push(item);
        return undefined;
      case 'insert':
        items.splice(this.index(num(args, 0), 'insert', true), 0, args[1]);
        return undefined;
      case 'pop': {
        if (items.length === 0) throw argRangeError('ListProxy.pop() from an empty list');
        return items.splice(this.index(num(args, 0, -1), 'pop'), 1)[0];
      }
      case 'remove': {
        const at = items.findIndex((item) => isDeepStrictEqual(item, args[0]));
        if (at < 0) throw argRangeError(`ListProxy.remove(): ${show(args[0])} is not in the list`);
        items.splice(at, 1);
        return undefined;
      }
      case 'index': {
        const at = items.findIndex((item) => isDeepStrictEqual(item, args[0]));
        if (at < 0) throw argRangeError(`ListProxy.index(): ${show(args[0])} is not in the list`);
        return at;
      }
      case 'count':
        return items.filter((item) => isDeepStrictEqual(item, args[0])).length;
      case 'slice':
        return items.slice(args[0] as number | undefined, args[1] as number | undefined);
      case 'length':
        return items.length;
      case 'clear':
        items.length = 0;
        return undefined;
      case 'reverse':
        items.reverse();
        return undefined;
      default:
        throw unknownOp('ListProxy', op);
    }
  }
}
