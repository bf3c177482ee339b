/**
 * Byte storage for the cross-thread queues: serialized items in a growable
 * `SharedArrayBuffer`. Every method runs under the queue's guard, which orders all
 * access (plain typed-array reads and writes suffice between two guard operations).
 *
 * Two layouts:
 *
 *   RingStore (FIFO)   [len][payload…pad]  records in a ring; HEAD reads, TAIL writes;
 *                      WRAP marks where the tail jumped back to 0 (wasted till HEAD
 *                      reaches it).
 *   HeapStore (LIFO, priority)
 *                      arena:  [size][live][payload…pad][size]  appended at TOP; a taken
 *                              record is marked dead, TOP retreats over dead records at
 *                              the end, and the arena is compacted when a put needs the
 *                              space the dead ones hold.
 *                      index:  a binary min-heap of (key, seq, offset, length) — the
 *                              smallest key first, ties by put order. LIFO uses
 *                              key = -seq, so the newest item is always at TOP and
 *                              nothing is ever compacted.
 *
 * Both grow their buffers by doubling up to `maxBytes`; a put that cannot fit even then
 * returns false (the queue treats it as full).
 *
 * @module
 */

/** Rounds up to a multiple of 4. */
const align4 = (n: number): number => (n + 3) & ~3;

const INITIAL_BYTES = 4096;

/** A growable shared buffer of at most `maxBytes`. */
function growable(maxBytes: number, initial = INITIAL_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.min(initial, maxBytes), { maxByteLength: maxBytes });
}

/** Grows `buffer` to at least `needed` bytes (doubling); false if that passes the max. */
function ensureCapacity(buffer: SharedArrayBuffer, needed: number): boolean {
  if (needed <= buffer.byteLength) return true;
  if (needed > buffer.maxByteLength) return false;
  buffer.grow(Math.min(buffer.maxByteLength, Math.max(needed, buffer.byteLength * 2)));
  return true;
}

/** The state of a store, as it crosses threads. */
export interface StoreState {
  readonly meta: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  readonly index?: SharedArrayBuffer | undefined;
}

/** What a queue needs from its storage. */
export interface ItemStore {
  /** Bytes a record of a `length`-byte item takes (to tell "never fits" from "full"). */
  recordSize(length: number): number;
  /** Adds an item; false if there is no room even after growing. */
  put(bytes: Uint8Array, key: number): boolean;
  /** Removes the next item and returns a private copy of its bytes. Needs an item. */
  take(): Uint8Array;
  /** Drops every item. */
  clear(): void;
  /** Bytes currently used by items (records). */
  usedBytes(): number;
  share(): StoreState;
}

// ---------------------------------------------------------------------------------------

const R_HEAD = 0;
const R_TAIL = 1;
const R_WRAP = 2;
const R_USED = 3;
const R_ITEMS = 4;

/** First-in first-out records in a ring. */
export class RingStore implements ItemStore {
  private readonly meta: Int32Array;
  private readonly data: SharedArrayBuffer;
  private readonly bytes: Uint8Array;
  private readonly words: Int32Array;

  constructor(maxBytes: number, state?: StoreState) {
    this.meta = new Int32Array(state?.meta ?? new SharedArrayBuffer(5 * 4));
    if (state === undefined) this.meta[R_WRAP] = -1;
    this.data = state?.data ?? growable(maxBytes);
    this.bytes = new Uint8Array(this.data);
    this.words = new Int32Array(this.data);
  }

  share(): StoreState {
    return { meta: this.meta.buffer as SharedArrayBuffer, data: this.data };
  }

  recordSize(length: number): number {
    return 4 + align4(length);
  }

  usedBytes(): number {
    return this.meta[R_USED] as number;
  }

  put(item: Uint8Array, _key: number): boolean {
    const meta = this.meta;
    const size = this.recordSize(item.length);
    if (meta[R_ITEMS] === 0) this.clear();
    let at = this.directSlot(size);
    if (at < 0) {
      const used = meta[R_USED] as number;
      if (!ensureCapacity(this.data, used + size)) return false;
      this.linearize();
      at = meta[R_TAIL] as number;
    }
    this.words[at >> 2] = item.length;
    this.bytes.set(item, at + 4);
    meta[R_TAIL] = at + size;
    meta[R_USED] = (meta[R_USED] as number) + size;
    meta[R_ITEMS] = (meta[R_ITEMS] as number) + 1;
    return true;
  }

  take(): Uint8Array {
    const meta = this.meta;
    const head = meta[R_HEAD] as number;
    const length = this.words[head >> 2] as number;
    const copy = this.bytes.slice(head + 4, head + 4 + length);
    const size = this.recordSize(length);
    meta[R_HEAD] = head + size;
    meta[R_USED] = (meta[R_USED] as number) - size;
    meta[R_ITEMS] = (meta[R_ITEMS] as number) - 1;
    if (meta[R_ITEMS] === 0) this.clear();
    else if (meta[R_HEAD] === meta[R_WRAP]) {
      meta[R_HEAD] = 0;
      meta[R_WRAP] = -1;
    }
    return copy;
  }

  clear(): void {
    const meta = this.meta;
    meta[R_HEAD] = 0;
    meta[R_TAIL] = 0;
    meta[R_WRAP] = -1;
    meta[R_USED] = 0;
    meta[R_ITEMS] = 0;
  }

  /** Where a record of `size` fits without moving data, or -1. May wrap the tail. */
  private directSlot(size: number): number {
    const meta = this.meta;
    const head = meta[R_HEAD] as number;
    const tail = meta[R_TAIL] as number;
    if (meta[R_WRAP] === -1) {
      if (tail + size <= this.data.byteLength) return tail;
      if (size <= head) {
        meta[R_WRAP] = tail;
        meta[R_TAIL] = 0;
        return 0;
      }
      return -1;
    }
    return tail + size <= head ? tail : -1;
  }

  /** Moves the records to offset 0, in order (after growing, or to merge free space). */
  private linearize(): void {
    const meta = this.meta;
    const head = meta[R_HEAD] as number;
    const tail = meta[R_TAIL] as number;
    const wrap = meta[R_WRAP] as number;
    const copy =
      wrap === -1
        ? this.bytes.slice(head, tail)
        : concat(this.bytes.subarray(head, wrap), this.bytes.subarray(0, tail));
    this.bytes.set(copy, 0);
    meta[R_HEAD] = 0;
    meta[R_TAIL] = copy.length;
    meta[R_WRAP] = -1;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// ---------------------------------------------------------------------------------------

const H_TOP = 0;
const H_GARBAGE = 1;
const H_ITEMS = 2;
const H_SEQ_F64 = 2; // Float64 index (bytes 16..24) of the put counter

/** Index entry fields (Float64 slots per entry). */
const E_KEY = 0;
const E_SEQ = 1;
const E_OFFSET = 2;
const E_LENGTH = 3;
const ENTRY = 4;

/** Records in an arena, taken smallest key first (ties: oldest first). */
export class HeapStore implements ItemStore {
  private readonly meta: Int32Array;
  private readonly seq: Float64Array;
  private readonly data: SharedArrayBuffer;
  private readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly indexBuffer: SharedArrayBuffer;
  private readonly index: Float64Array;

  constructor(
    maxBytes: number,
    private readonly lifo: boolean,
    state?: StoreState,
  ) {
    const meta = state?.meta ?? new SharedArrayBuffer(24);
    this.meta = new Int32Array(meta, 0, 4);
    this.seq = new Float64Array(meta);
    this.data = state?.data ?? growable(maxBytes);
    this.bytes = new Uint8Array(this.data);
    this.words = new Int32Array(this.data);
    // At most one entry per 16 bytes of arena (the smallest record).
    this.indexBuffer =
      state?.index ??
      growable(Math.max(ENTRY * 8, Math.ceil(maxBytes / 16) * ENTRY * 8), 64 * ENTRY * 8);
    this.index = new Float64Array(this.indexBuffer);
  }

  share(): StoreState {
    return {
      meta: this.meta.buffer as SharedArrayBuffer,
      data: this.data,
      index: this.indexBuffer,
    };
  }

  recordSize(length: number): number {
    return 12 + align4(length);
  }

  usedBytes(): number {
    return (this.meta[H_TOP] as number) - (this.meta[H_GARBAGE] as number);
  }

  put(item: Uint8Array, key: number): boolean {
    const meta = this.meta;
    const size = this.recordSize(item.length);
    const n = meta[H_ITEMS] as number;
    if (!ensureCapacity(this.indexBuffer, (n + 1) * ENTRY * 8)) return false;
    let top = meta[H_TOP] as number;
    if (top + size > this.data.byteLength) {
      const live = top - (meta[H_GARBAGE] as number);
      if (!ensureCapacity(this.data, live + size)) return false;
      if (top + size > this.data.byteLength) {
        this.compact();
        top = meta[H_TOP] as number;
      }
    }
    const w = top >> 2;
    this.words[w] = size;
    this.words[w + 1] = 1; // live
    this.bytes.set(item, top + 8);
    this.words[(top + size - 4) >> 2] = size;
    meta[H_TOP] = top + size;
    const seq = this.seq[H_SEQ_F64] as number;
    this.seq[H_SEQ_F64] = seq + 1;
    // Sift the new entry up from the end of the heap.
    const index = this.index;
    let i = n;
    const entryKey = this.lifo ? -seq : key;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(entryKey, seq, parent)) break;
      this.copyEntry(parent, i);
      i = parent;
    }
    const base = i * ENTRY;
    index[base + E_KEY] = entryKey;
    index[base + E_SEQ] = seq;
    index[base + E_OFFSET] = top;
    index[base + E_LENGTH] = item.length;
    meta[H_ITEMS] = n + 1;
    return true;
  }

  take(): Uint8Array {
    const meta = this.meta;
    const index = this.index;
    const offset = index[E_OFFSET] as number;
    const length = index[E_LENGTH] as number;
    const copy = this.bytes.slice(offset + 8, offset + 8 + length);
    // Move the last entry to the root and sift it down.
    const n = (meta[H_ITEMS] as number) - 1;
    meta[H_ITEMS] = n;
    if (n > 0) {
      const last = n * ENTRY;
      const key = index[last + E_KEY] as number;
      const seq = index[last + E_SEQ] as number;
      const lastOffset = index[last + E_OFFSET] as number;
      const lastLength = index[last + E_LENGTH] as number;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && this.entryBefore(child + 1, child)) child++;
        if (
          !this.before(
            index[child * ENTRY + E_KEY] as number,
            index[child * ENTRY + E_SEQ] as number,
            -1,
            key,
            seq,
          )
        )
          break;
        this.copyEntry(child, i);
        i = child;
      }
      const base = i * ENTRY;
      index[base + E_KEY] = key;
      index[base + E_SEQ] = seq;
      index[base + E_OFFSET] = lastOffset;
      index[base + E_LENGTH] = lastLength;
    }
    this.free(offset);
    return copy;
  }

  clear(): void {
    this.meta[H_TOP] = 0;
    this.meta[H_GARBAGE] = 0;
    this.meta[H_ITEMS] = 0;
  }

  /**
   * True if (key, seq) comes before entry `j` — or, with j = -1, before (key2, seq2).
   */
  private before(key: number, seq: number, j: number, key2?: number, seq2?: number): boolean {
    const otherKey = j >= 0 ? (this.index[j * ENTRY + E_KEY] as number) : (key2 as number);
    const otherSeq = j >= 0 ? (this.index[j * ENTRY + E_SEQ] as number) : (seq2 as number);
    return key < otherKey || (key === otherKey && seq < otherSeq);
  }

  private entryBefore(i: number, j: number): boolean {
    return this.before(
      this.index[i * ENTRY + E_KEY] as number,
      this.index[i * ENTRY + E_SEQ] as number,
      j,
    );
  }

  private copyEntry(from: number, to: number): void {
    const index = this.index;
    index.copyWithin(to * ENTRY, from * ENTRY, from * ENTRY + ENTRY);
  }

  /** Marks the record at `offset` dead; retreats TOP over dead records at the end. */
  private free(offset: number): void {
    const meta = this.meta;
    const words = this.words;
    const size = words[offset >> 2] as number;
    words[(offset >> 2) + 1] = 0;
    let top = meta[H_TOP] as number;
    if (offset + size !== top) {
      meta[H_GARBAGE] = (meta[H_GARBAGE] as number) + size;
      return;
    }
    top = offset;
    while (top > 0) {
      const previous = words[(top - 4) >> 2] as number;
      const start = top - previous;
      if (words[(start >> 2) + 1] !== 0) break;
      meta[H_GARBAGE] = (meta[H_GARBAGE] as number) - previous;
      top = start;
    }
    meta[H_TOP] = top;
  }

  /** Moves live records down over dead ones and updates the index. */
  private compact(): void {
    const meta = this.meta;
    const words = this.words;
    const top = meta[H_TOP] as number;
    const moved = new Map<number, number>();
    let read = 0;
    let write = 0;
    while (read < top) {
      const size = words[read >> 2] as number;
      if (words[(read >> 2) + 1] !== 0) {
        if (read !== write) this.bytes.copyWithin(write, read, read + size);
        moved.set(read, write);
        write += size;
      }
      read += size;
    }
    const n = meta[H_ITEMS] as number;
    for (let i = 0; i < n; i++) {
      const at = i * ENTRY + E_OFFSET;
      this.index[at] = moved.get(this.index[at] as number) as number;
    }
    meta[H_TOP] = write;
    meta[H_GARBAGE] = 0;
  }
}
