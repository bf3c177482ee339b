/**
 * The base of the Manager's proxies (`DictProxy`, `ListProxy`, `NamespaceProxy`): values
 * go in as copies and come out as copies, as with Python's pickling proxies.
 *
 * @module
 */
import { Handle, incoming, outgoing } from './handle.js';

export abstract class ProxyBase extends Handle {
  /** The class name for messages. */
  protected abstract get _what(): string;

  /** A value on its way in (validated at the call; `SerializationError` if it cannot cross). */
  protected _in(value: unknown, what: string): unknown {
    return outgoing(value, `${what} of ${this._what}`, this._local);
  }

  /** Runs `op` and returns its result as the caller's own copy. */
  protected async _ask<R>(op: string, args: readonly unknown[] = []): Promise<R> {
    const value = await this._call(op, args);
    if (typeof value !== 'object' || value === null) return value as R;
    return incoming(this._local ? structuredClone(value) : value) as R;
  }
}
