/**
 * `SharedCell`: what `Value` and `Array` share — typed elements in a `SharedArrayBuffer`
 * (internal/shm/typeCodes.ts says how each type is read and written) plus the lock that
 * guards compound updates, which travels with them to other threads.
 *
 * @module
 */
import type { ElementArray, TypeInfo } from '../internal/shm/typeCodes.js';
import type { Lock } from './Lock.js';
import type { RLock } from './RLock.js';

/** The base of {@link Value} and {@link Array}; not exported on its own. */
export abstract class SharedCell {
  /** @internal How elements of the type are read, written and checked. */
  protected _info!: TypeInfo;
  /** @internal The elements, on the shared buffer. */
  protected _view!: ElementArray;
  /** @internal */
  protected _lock!: Lock | RLock;

  /** The element type's concur name, e.g. `'int32'` for `'i'`. */
  get type(): string {
    return this._info.name;
  }

  /** The lock that guards it (Python: `get_lock()`). */
  getLock(): Lock | RLock {
    return this._lock;
  }

  /** @internal */
  protected _attach(info: TypeInfo, view: ElementArray, lock: Lock | RLock): this {
    this._info = info;
    this._view = view;
    this._lock = lock;
    return this;
  }
}
