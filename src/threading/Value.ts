/**
 * `Value`: one number (or bigint) in a `SharedArrayBuffer`, shared by threads.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import {
  decodeShared,
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';
import {
  checkElement,
  load,
  store,
  typeInfo,
  type ElementOf,
  type ElementType,
} from '../internal/shm/typeCodes.js';
import { argTypeError, show } from '../internal/base/validate.js';
import { Lock } from './Lock.js';
import { RLock } from './RLock.js';
import { SharedCell } from './sharedCell.js';

/** Options of `new Value(type, init, options)` and `new Array(type, …, options)`. */
export interface SharedCellOptions {
  /** The lock `getLock()` returns (default: a new `RLock`, as Python). */
  readonly lock?: Lock | RLock | undefined;
}

/** Checks the `lock` option; the lock to use. */
export function lockOption(what: string, options: SharedCellOptions | undefined): Lock | RLock {
  if (options === undefined) return new RLock();
  if (typeof options !== 'object' || options === null) {
    throw argTypeError(`${what} options must be an object, got ${show(options)}`);
  }
  const lock = options.lock;
  if (lock === undefined) return new RLock();
  if (!(lock instanceof Lock) && !(lock instanceof RLock)) {
    throw argTypeError(`${what} lock must be a threading Lock or RLock, got ${show(lock)}`);
  }
  return lock;
}

/**
 * One number shared by threads: read and write it with `.value`; guard compound updates
 * with `getLock()`.
 *
 * Python equivalent: `multiprocessing.Value(typecode, value, lock=True)` — the type is a
 * concur name (`'int32'`, `'float64'`, `'bigint64'`, …) or a Python type code (`'i'`,
 * `'d'`, `'q'`, …; see below); `getLock()` returns its lock, an `RLock` unless you pass
 * `{ lock }`.
 *
 * Types: int8 `b`, uint8 `B`, int16 `h`, uint16 `H`, int32 `i`, uint32 `I`, bigint64
 * `q`, biguint64 `Q` (values are `bigint`), float32 `f`, float64 `d`.
 *
 * Differences: as in C (and ctypes), an integer that does not fit wraps around; a
 * fractional number for an integer type throws `RangeError` (Python: `TypeError`).
 * Reads and writes of integer types are atomic; float reads and writes are plain memory
 * accesses — use the lock when threads write the same float.
 *
 * Memory ordering: a single `.value` read or write is atomic for integer types; a
 * read-modify-write such as `v.value += 1` is not — do it under `getLock()`.
 *
 * @example
 * ```ts
 * const hits = new Value('i', 0);
 * // in each worker thread:
 * hits.getLock().useSync(() => { hits.value += 1; });
 * ```
 */
export class Value<K extends ElementType = ElementType> extends SharedCell implements Shareable {
  /**
   * @param type The element type (see the class docs).
   * @param init The initial value (default 0, or `0n` for the 64-bit integer types).
   * @throws RangeError for an unknown type or a fractional integer; TypeError for a value
   * of the wrong kind (a number for a bigint type, or the reverse) or a bad lock.
   */
  constructor(type: K, init?: ElementOf<K>, options?: SharedCellOptions) {
    super();
    const info = typeInfo('Value', type);
    const value = init ?? (info.bigint ? 0n : 0);
    checkElement('the Value initial value', info, value);
    const lock = lockOption('Value', options);
    const view = new info.make(new SharedArrayBuffer(info.bytes));
    store(view, info, 0, value);
    this._attach(info, view, lock);
  }

  /** The value now. */
  get value(): ElementOf<K> {
    return load(this._view, this._info, 0) as ElementOf<K>;
  }

  /** Writes the value. @throws TypeError/RangeError for a value of the wrong kind. */
  set value(value: ElementOf<K>) {
    checkElement('Value.value', this._info, value);
    store(this._view, this._info, 0, value);
  }

  /** `<Value int32 42>`. */
  [inspectCustom](): string {
    return `<Value ${this._info.name} ${String(this.value)}>`;
  }

  /** @internal The shareable protocol (the lock travels with it). */
  [kShare](): SharedState {
    return {
      __concur: 'Value',
      state: { type: this._info.name, data: this._view.buffer, lock: this._lock[kShare]() },
    };
  }

  static {
    registerShareable(
      'Value',
      (state: { type: string; data: SharedArrayBuffer; lock: SharedState }) => {
        const info = typeInfo('Value', state.type);
        return (Object.create(Value.prototype) as Value)._attach(
          info,
          new info.make(state.data),
          decodeShared(state.lock) as Lock | RLock,
        );
      },
    );
  }
}
