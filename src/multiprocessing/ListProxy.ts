/**
 * `ListProxy`: a list shared by processes, made by `Manager.list()`.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { ListCore } from '../internal/ipc/managerCores.js';
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { ProxyBase } from '../internal/ipc/proxy.js';
import { registerShareable } from '../internal/shm/shareable.js';
import { checkInteger } from '../internal/base/validate.js';

function checkIndex(what: string, i: number): number {
  return checkInteger(what, i, -Number.MAX_SAFE_INTEGER);
}

/**
 * A list shared by processes; every method is a call to the process that holds it.
 * Values are copies (structured clone) both ways.
 *
 * Python equivalent: the `ListProxy` of `SyncManager.list()`. Method mapping:
 * `l[i]` → `get(i)`, `l[i] = v` → `set(i, v)` (negative indices count from the end; out
 * of range rejects with `RangeError`, Python: `IndexError`), `append`, `extend`,
 * `insert(i, v)`, `pop(i = -1)`, `remove(v)`, `index(v)`, `count(v)` (values compared
 * deeply, like Python's `==`), `len(l)` → `length()`, `l[a:b]` → `slice(a, b)`,
 * `clear()`, `reverse()`, `list(l)` → `copy()`.
 *
 * Differences: every method is async; no `sort` (sort a `copy()`).
 *
 * @example
 * ```ts
 * const log = manager.list<string>();
 * await log.append('started'); // in any process
 * console.log(await log.copy());
 * ```
 */
export class ListProxy<T = unknown> extends ProxyBase {
  /** @internal Use `Manager.list()`. */
  constructor(items: Iterable<T> = []) {
    super();
    if (this._revived !== null) return;
    this._serve(new ListCore(Array.from(items, (item) => this._in(item, 'an item'))));
  }

  protected get _typeName(): string {
    return 'mp.ListProxy';
  }

  protected get _what(): string {
    return 'ListProxy';
  }

  /** The item at `index`. Python: `l[i]`. */
  get(index: number): Promise<T> {
    return this._ask('get', [checkIndex('ListProxy.get() index', index)]);
  }

  /** Replaces the item at `index`. Python: `l[i] = v`. */
  set(index: number, value: T): Promise<void> {
    return this._ask('set', [
      checkIndex('ListProxy.set() index', index),
      this._in(value, 'an item'),
    ]);
  }

  /** Adds `value` at the end. */
  append(value: T): Promise<void> {
    return this._ask('append', [this._in(value, 'an item')]);
  }

  /** Adds every value of `values` at the end. */
  extend(values: Iterable<T>): Promise<void> {
    return this._ask('extend', [Array.from(values, (v) => this._in(v, 'an item'))]);
  }

  /** Inserts `value` before `index`. */
  insert(index: number, value: T): Promise<void> {
    return this._ask('insert', [
      checkIndex('ListProxy.insert() index', index),
      this._in(value, 'an item'),
    ]);
  }

  /** Removes and resolves to the item at `index` (default: the last). */
  pop(index = -1): Promise<T> {
    return this._ask('pop', [checkIndex('ListProxy.pop() index', index)]);
  }

  /** Removes the first item equal to `value` (rejects with RangeError if none). */
  remove(value: T): Promise<void> {
    return this._ask('remove', [this._in(value, 'a value')]);
  }

  /** The index of the first item equal to `value` (rejects with RangeError if none). */
  index(value: T): Promise<number> {
    return this._ask('index', [this._in(value, 'a value')]);
  }

  /** How many items equal `value`. */
  count(value: T): Promise<number> {
    return this._ask('count', [this._in(value, 'a value')]);
  }

  /** The items from `start` to before `end` (as `Array.prototype.slice`). */
  slice(start?: number, end?: number): Promise<T[]> {
    return this._ask('slice', [start, end]);
  }

  /** The number of items. Python: `len(l)`. */
  length(): Promise<number> {
    return this._ask('length');
  }

  /** Removes every item. */
  clear(): Promise<void> {
    return this._ask('clear');
  }

  /** Reverses the list in place. */
  reverse(): Promise<void> {
    return this._ask('reverse');
  }

  /** A local copy as an array. Python: `list(l)`. */
  copy(): Promise<T[]> {
    return this._ask('slice', []);
  }

  /** `<ListProxy owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<ListProxy owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.ListProxy', (state: HandleState) =>
      reviveHandle(ListProxy as new () => ListProxy, state),
    );
  }
}
