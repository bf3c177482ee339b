/**
 * `Array` (also exported as `SharedArray`): a fixed-length typed array in a
 * `SharedArrayBuffer`, shared by threads.
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
import { argRangeError, argTypeError, checkInteger, show } from '../internal/base/validate.js';
import type { Lock } from './Lock.js';
import type { RLock } from './RLock.js';
import { SharedCell } from './sharedCell.js';
import { lockOption, type SharedCellOptions } from './Value.js';

const MAX_LENGTH = 2 ** 30;

/**
 * A fixed-length array of numbers (or bigints) shared by threads, with a lock for
 * compound updates.
 *
 * Python equivalent: `multiprocessing.Array(typecode, size_or_initializer, lock=True)`
 * — `get(i)`, `set(i, v)` (Python's `a[i]`, `a[i] = v`; negative indices count from the
 * end), `length` (`len(a)`), iteration, `toArray()` (`a[:]`), `getLock()`. Types as
 * {@link Value}.
 *
 * Differences: no slicing or item syntax (`a[i]`) — JavaScript has no operator
 * overloading; an index out of range throws `RangeError` (Python: `IndexError`).
 * Integer elements are read and written atomically, floats are not (see `Value`).
 *
 * @example
 * ```ts
 * const totals = new SharedArray('float64', 4); // import { Array as SharedArray }
 * totals.getLock().useSync(() => totals.set(id, totals.get(id) + x));
 * console.log(totals.toArray());
 * ```
 */
export class SharedArray<K extends ElementType = ElementType>
  extends SharedCell
  implements Shareable
{
  /**
   * @param type The element type (see `Value`).
   * @param sizeOrValues The length (elements start at 0), or the initial elements.
   * @throws RangeError for an unknown type, a negative or fractional length, or a bad
   * element; TypeError for elements of the wrong kind or a bad lock.
   */
  constructor(type: K, sizeOrValues: number | Iterable<ElementOf<K>>, options?: SharedCellOptions) {
    super();
    const info = typeInfo('Array', type);
    let values: ElementOf<K>[] | null = null;
    let length: number;
    if (typeof sizeOrValues === 'number') {
      length = checkInteger('the Array length', sizeOrValues, 0);
    } else if (
      typeof sizeOrValues === 'object' &&
      sizeOrValues !== null &&
      Symbol.iterator in sizeOrValues
    ) {
      values = [...sizeOrValues];
      length = values.length;
      values.forEach((v, i) => checkElement(`Array element ${i}`, info, v));
    } else {
      throw argTypeError(
        `Array takes a length or an iterable of elements, got ${show(sizeOrValues)}`,
      );
    }
    if (length > MAX_LENGTH)
      throw argRangeError(`the Array length must be <= ${MAX_LENGTH}, got ${length}`);
    const lock = lockOption('Array', options);
    const view = new info.make(new SharedArrayBuffer(Math.max(1, length) * info.bytes), 0, length);
    if (values !== null) values.forEach((v, i) => store(view, info, i, v));
    this._attach(info, view, lock);
  }

  /** The number of elements. Python: `len(a)`. */
  get length(): number {
    return this._view.length;
  }

  /**
   * Element `i` (negative: from the end). Python: `a[i]`.
   *
   * @throws RangeError if `i` is out of range or not an integer.
   */
  get(i: number): ElementOf<K> {
    return load(this._view, this._info, this._index(i)) as ElementOf<K>;
  }

  /**
   * Writes element `i` (negative: from the end). Python: `a[i] = value`.
   *
   * @throws RangeError for a bad index; TypeError/RangeError for a bad value.
   */
  set(i: number, value: ElementOf<K>): void {
    const at = this._index(i);
    checkElement(`Array element ${i}`, this._info, value);
    store(this._view, this._info, at, value);
  }

  /** A copy of the elements as a plain array. Python: `a[:]`. */
  toArray(): ElementOf<K>[] {
    return [...this];
  }

  /** Iterates the elements (each read when reached). */
  *[Symbol.iterator](): IterableIterator<ElementOf<K>> {
    for (let i = 0; i < this._view.length; i++) {
      yield load(this._view, this._info, i) as ElementOf<K>;
    }
  }

  /** `<Array int32(3) [1, 2, 3]>`. */
  [inspectCustom](): string {
    const shown = this.toArray().slice(0, 10).map(String).join(', ');
    return `<Array ${this._info.name}(${this.length}) [${shown}${this.length > 10 ? ', …' : ''}]>`;
  }

  /** @internal The shareable protocol (the lock travels with it). */
  [kShare](): SharedState {
    return {
      __concur: 'Array',
      state: {
        type: this._info.name,
        data: this._view.buffer,
        length: this._view.length,
        lock: this._lock[kShare](),
      },
    };
  }

  private _index(i: number): number {
    const length = this._view.length;
    if (typeof i !== 'number' || !Number.isInteger(i) || i >= length || i < -length) {
      throw argRangeError(`Array index ${show(i)} is out of range for length ${length}`);
    }
    return i < 0 ? i + length : i;
  }

  static {
    registerShareable(
      'Array',
      (state: { type: string; data: SharedArrayBuffer; length: number; lock: SharedState }) => {
        const info = typeInfo('Array', state.type);
        return (Object.create(SharedArray.prototype) as SharedArray)._attach(
          info,
          new info.make(state.data, 0, state.length),
          decodeShared(state.lock) as Lock | RLock,
        );
      },
    );
  }
}
