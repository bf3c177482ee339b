/**
 * How a threading queue turns an item into the bytes it stores: `v8.serialize`, which
 * throws for what cannot be copied to another thread.
 *
 * A queue hands over a copy, so shared memory cannot go through it. Node's serializer
 * refuses a `SharedArrayBuffer`; Bun's copies it into a plain `ArrayBuffer`, and the
 * consumer would then write to memory nobody else sees. Where the serializer copies one,
 * an object item that serialized is also searched for a `SharedArrayBuffer` and refused as
 * Node refuses it. Elsewhere the search never runs, and a primitive is never searched.
 *
 * @module
 */
import { v8Serializer } from '../runtime/support.js';

/** Whether this runtime's `v8.serialize` copies a `SharedArrayBuffer`; asked once. */
let copiesShared: boolean | undefined;

function serializerCopiesShared(): boolean {
  if (copiesShared === undefined) {
    try {
      v8Serializer().serialize(new SharedArrayBuffer(1));
      copiesShared = true;
    } catch {
      copiesShared = false;
    }
  }
  return copiesShared;
}

/**
 * `item` serialized. Throws what `v8.serialize` throws, and an `Error` naming where it is
 * for a `SharedArrayBuffer` the serializer would have copied.
 */
export function serializeItem(item: unknown): Uint8Array {
  const bytes = v8Serializer().serialize(item);
  if (typeof item === 'object' && item !== null && serializerCopiesShared()) {
    const where = findSharedMemory(item);
    if (where !== null) {
      throw new Error(
        `#<SharedArrayBuffer>${where === '' ? '' : ` at ${where}`} could not be cloned.`,
      );
    }
  }
  return bytes;
}

/**
 * The path to a `SharedArrayBuffer` among what the serializer copied of `root` (its own
 * enumerable properties, array elements, Map entries, Set members), or `null`. (Getters
 * run a second time here; one that throws now makes the put fail as the serializer would.)
 */
function findSharedMemory(root: object): string | null {
  const seen = new Set<object>();
  const path: string[] = [];
  const search = (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null) return false;
    if (value instanceof SharedArrayBuffer) return true;
    if (seen.has(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      return false; // (a view's bytes are copied on every runtime, whatever holds them)
    }
    seen.add(value);
    if (value instanceof Map) {
      let i = 0;
      for (const entry of value) {
        path.push(`.entries()[${i++}]`);
        if (search(entry[0]) || search(entry[1])) return true;
        path.pop();
      }
      return false;
    }
    if (value instanceof Set) {
      let i = 0;
      for (const member of value) {
        path.push(`.values()[${i++}]`);
        if (search(member)) return true;
        path.pop();
      }
      return false;
    }
    for (const key of Object.keys(value)) {
      path.push(Array.isArray(value) ? `[${key}]` : `.${key}`);
      if (search((value as Record<string, unknown>)[key])) return true;
      path.pop();
    }
    return false;
  };
  return search(root) ? path.join('') : null;
}
