/**
 * `NamespaceProxy`: a bag of named values shared by processes, made by
 * `Manager.Namespace()`.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { DictCore } from '../internal/ipc/managerCores.js';
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { ProxyBase } from '../internal/ipc/proxy.js';
import { registerShareable } from '../internal/shm/shareable.js';
import { argTypeError, show } from '../internal/base/validate.js';

function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string') throw argTypeError(`${what} must be a string, got ${show(name)}`);
  return name;
}

/**
 * Named values shared by processes; every method is a call to the process that holds
 * them. Values are copies both ways.
 *
 * Python equivalent: `SyncManager.Namespace()`. Attribute access maps to methods:
 * `ns.x` → `get('x')` (`undefined` when unset, Python: `AttributeError`), `ns.x = v` →
 * `set('x', v)`, `del ns.x` → `delete('x')`, `vars(ns)` → `toObject()`.
 *
 * @example
 * ```ts
 * const ns = manager.Namespace({ done: false });
 * await ns.set('done', true); // in any process
 * ```
 */
export class NamespaceProxy extends ProxyBase {
  /** @internal Use `Manager.Namespace()`. */
  constructor(init: Record<string, unknown> = {}) {
    super();
    if (this._revived !== null) return;
    const entries = Object.entries(init).map(([k, v]): [string, unknown] => [
      k,
      this._in(v, `attribute ${k}`),
    ]);
    this._serve(new DictCore(entries, 'NamespaceProxy'));
  }

  protected get _typeName(): string {
    return 'mp.NamespaceProxy';
  }

  protected get _what(): string {
    return 'NamespaceProxy';
  }

  /** The value of attribute `name` (`undefined` when unset). */
  get<T = unknown>(name: string): Promise<T> {
    return this._ask('get', [checkName('NamespaceProxy.get() name', name)]);
  }

  /** Sets attribute `name` to a copy of `value`. */
  set(name: string, value: unknown): Promise<void> {
    return this._ask('set', [
      checkName('NamespaceProxy.set() name', name),
      this._in(value, `attribute ${name}`),
    ]);
  }

  /** Removes attribute `name`; resolves to whether it was set. */
  delete(name: string): Promise<boolean> {
    return this._ask('delete', [checkName('NamespaceProxy.delete() name', name)]);
  }

  /** Every attribute as a plain object. Python: `vars(ns)`. */
  async toObject(): Promise<Record<string, unknown>> {
    return Object.fromEntries(await this._ask<[string, unknown][]>('items'));
  }

  /** `<NamespaceProxy owner=pid 1234>`. */
  [inspectCustom](): string {
    return `<NamespaceProxy owner=pid ${this.ownerPid}>`;
  }

  static {
    registerShareable('mp.NamespaceProxy', (state: HandleState) =>
      reviveHandle(NamespaceProxy, state),
    );
  }
}
