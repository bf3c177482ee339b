/**
 * The element types of the shared `Value` and `Array`: concur names and Python's
 * `array`/`ctypes` type codes.
 *
 *   int8 'b'   uint8 'B'   int16 'h'   uint16 'H'   int32 'i'   uint32 'I'
 *   bigint64 'q'   biguint64 'Q'   float32 'f'   float64 'd'
 *
 * Python's 'l'/'L' are left out on purpose: their size depends on the platform.
 *
 * @module
 */
import { argRangeError, argTypeError, show } from '../base/validate.js';

type IntArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
type BigArray = BigInt64Array | BigUint64Array;
type FloatArray = Float32Array | Float64Array;
export type ElementArray = IntArray | BigArray | FloatArray;

const CODES = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bigint64: BigInt64Array,
  biguint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

const PYTHON = {
  b: 'int8',
  B: 'uint8',
  h: 'int16',
  H: 'uint16',
  i: 'int32',
  I: 'uint32',
  q: 'bigint64',
  Q: 'biguint64',
  f: 'float32',
  d: 'float64',
} as const;

/** A concur element type name. */
export type TypeName = keyof typeof CODES;
/** A Python type code. */
export type TypeCode = keyof typeof PYTHON;
/** Either: what `Value`/`Array` accept. */
export type ElementType = TypeName | TypeCode;

type BigTypes = 'bigint64' | 'biguint64' | 'q' | 'Q';
/** The JavaScript type of an element: `bigint` for the 64-bit integer types. */
export type ElementOf<K extends ElementType> = K extends BigTypes ? bigint : number;

/** What is known about an element type. */
export interface TypeInfo {
  readonly name: TypeName;
  readonly make: new (buffer: SharedArrayBuffer, offset?: number, length?: number) => ElementArray;
  readonly bytes: number;
  readonly bigint: boolean;
  readonly integer: boolean;
  /** Atomics work on every integer type (not on floats). */
  readonly atomic: boolean;
}

/** Looks up `type`. @throws TypeError/RangeError for an unknown type. */
export function typeInfo(what: string, type: unknown): TypeInfo {
  if (typeof type !== 'string') {
    throw argTypeError(`${what} type must be a string such as 'int32' or 'd', got ${show(type)}`);
  }
  const name: TypeName | undefined =
    type in CODES ? (type as TypeName) : (PYTHON as Record<string, TypeName>)[type];
  if (name === undefined || !Object.hasOwn(CODES, name)) {
    throw argRangeError(
      `${what} type ${show(type)} is unknown; use one of ${Object.keys(CODES).join(', ')} ` +
        `or a Python type code (${Object.keys(PYTHON).join(' ')})`,
    );
  }
  const make = CODES[name];
  const bigint = name === 'bigint64' || name === 'biguint64';
  const integer = name !== 'float32' && name !== 'float64';
  return { name, make, bytes: make.BYTES_PER_ELEMENT, bigint, integer, atomic: integer };
}

/** Checks that `value` suits the element type. @throws TypeError/RangeError. */
export function checkElement(what: string, info: TypeInfo, value: unknown): void {
  if (info.bigint) {
    if (typeof value !== 'bigint') {
      throw argTypeError(
        `${what} must be a bigint for type ${info.name} (e.g. 0n), got ${show(value)}`,
      );
    }
    return;
  }
  if (typeof value !== 'number') {
    throw argTypeError(`${what} must be a number for type ${info.name}, got ${show(value)}`);
  }
  if (info.integer && !Number.isInteger(value)) {
    throw argRangeError(`${what} must be an integer for type ${info.name}, got ${show(value)}`);
  }
}

/** Reads element `i`: atomically for integer types. */
export function load(view: ElementArray, info: TypeInfo, i: number): number | bigint {
  if (!info.atomic) return view[i] as number;
  return info.bigint ? Atomics.load(view as BigArray, i) : Atomics.load(view as IntArray, i);
}

/** Writes element `i`: atomically for integer types. */
export function store(view: ElementArray, info: TypeInfo, i: number, value: number | bigint): void {
  if (!info.atomic) (view as FloatArray)[i] = value as number;
  else if (info.bigint) Atomics.store(view as BigArray, i, value as bigint);
  else Atomics.store(view as IntArray, i, value as number);
}
