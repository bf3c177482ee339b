/**
 * `DictProxy`: a dict shared by processes, made by `Manager.dict()`.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { DictCore, checkKey, type DictKey } from '../internal/ipc/managerCores.js';
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { ProxyBase } from '../internal/ipc/proxy.js';
import { registerShareable } from '../internal/shm/shareable.js';

/**
 * A key → value map shared by processes; every method is a call to the process that
 * holds it. Values are copies (structured clone) both ways; concur primitives inside
 * values (queues, locks, other proxies) arrive as the same primitive.
 *
 * Python equivalent: the `DictProxy` of `SyncManager.dict()`. Method mapping:
 * `d[k]` → `get(k)` (`undefined` when missing, or `get(k, default)` as `d.get`),
 * `d[k] = v` → `set(k, v)`, `del d[k]` → `delete(k)` (resolves to whether it existed),
 * `k in d` → `has(k)`, `len(d)` → `length()`, `keys()`/`values()`/`items()` (arrays),
 * `pop(k, default)`, `setdefault(k, v)`, `update(entries)`, `clear()`, `copy()` (a `Map`).
 *
 * Differences: every method is async; keys are primitives compared by value (strings,
 * numbers, booleans, bigints, `null`); a missing key is `undefined`, not `KeyError`.
 *
 * @example
 * ```ts
 * await using manager = await Manager.start();
 * const scores = manager.dict<string, number>();
 * await scores.set('ada', 3); // in any process
 * console.log(await scores.get('ada'));
 * ```
 */
export class DictProxy<K extends DictKey = DictKey, V = unknown> extends ProxyBase {
  /** @internal Use `Manager.dict()`. */
  constructor(entries: Iterable<readonly [K, V]> = []) {
    super();
    if (this._revived !== null) return;
    this._serve(new DictCore(this._entries(entries, 'DictProxy'), this._what));
  }

  /** Validates and copies initial or `update` entries. */
  protected _entries(entries: Iterable<readonly [K, V]>, what: string): [DictKey, unknown][] {
    const out: [DictKey, unknown][] = [];
    for (const [k, v] of entries) out.push([checkKey(`a ${what} key`, k), this._in(v, 'a value')]);
    return out;
  }

  protected get _typeName(): string {
    return 'mp.DictProxy';
  }

  protected get _what(): string {
    return 'DictProxy';
  }

  /** The value of `key`, or `fallback` (default `undefined`) when missing. Python: `d.get(k)`. */
  get(key: K): Promise<V | undefined>;
  get<D>(key: K, fallback: D): Promise<V | D>;
  get(key: K, fallback?: unknown): Promise<unknown> {
    return this._ask('get', [
      checkKey('DictProxy.get() key', key),
      this._in(fallback, 'a default'),
    ]);
  }

  /**
   * Sets `key` to a copy of `value`. Python: `d[k] = v`.
   *
   * @throws TypeError (at the call) for a non-primitive key; SerializationError for a
   * value that cannot cross processes.
   */
  set(key: K, value: V): Promise<void> {
    return this._ask('set', [checkKey('DictProxy.set() key', key), this._in(value, 'a value')]);
  }

  /** Removes `key`; resolves to whether it was there. Python: `del d[k]`. */
  delete(key: K): Promise<boolean> {
    return this._ask('delete', [checkKey('DictProxy.delete() key', key)]);
  }

  /** Resolves to whether `key` is present. Python: `k in d`. */
  has(key: K): Promise<boolean> {
    return this._ask('has', [checkKey('DictProxy.has() key', key)]);
  }

  /** Removes `key` and resolves to its value, or `fallback` when missing. */
  pop(key: K): Promise<V | undefined>;
  pop<D>(key: K, fallback: D): Promise<V | D>;
  pop(key: K, fallback?: unknown): Promise<unknown> {
    return this._ask('pop', [
      checkKey('DictProxy.pop() key', key),
      this._in(fallback, 'a default'),
    ]);
  }

  /** The value of `key`, setting it to `value` first when missing. */
  setdefault(key: K, value: V): Promise<V> {
    return this._ask('setdefault', [
      checkKey('DictProxy.setdefault() key', key),
      this._in(value, 'a value'),
    ]);
  }

  /** Sets every entry of `entries` (a `Map`, an array of pairs, …). */
  update(entries: Iterable<readonly [K, V]>): Promise<void> {
    return this._ask('update', [this._entries(entries, 'DictProxy.update()')]);
  }

  /** The keys, in insertion order. */
  keys(): Promise<K[]> {
    return this._ask('keys');
  }

  /** The values, in insertion order. */
  values(): Promise<V[]> {
    return this._ask('values');
  }

  /** The `[key, value]` pairs, in insertion order. */
  items(): Promise<[K, V][]> {
    return this._ask('items');
  }

  /** The number of keys. Python: `len(d)`. */
  length(): Promise<number> {
    return this._ask('length');
  }

  /** Removes every key. */
  clear(): Promise<void> {
    return this._ask('clear');
  }

  /** A local copy as a `Map`. Python: `d.copy()`. */
  async copy(): Promise<Map<K, V>> {
    return new Map(await this.items());
  }

  /** `<DictProxy owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<${this._what} owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.DictProxy', (state: HandleState) =>
      reviveHandle(DictProxy as new () => DictProxy, state),
    );
  }
}
