/**
 * The queues' byte stores against a model: an array of (key, bytes) taken first in first
 * out (RingStore), newest first (HeapStore, LIFO) or smallest key first with ties in put
 * order (HeapStore, priority) — through growing, wrapping, compaction and "full".
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import type { ItemStore, StoreState } from '../../../dist/internal/shm/itemStore.js';
import { itemStore } from '../internals.js';

const MAX_BYTES = 2048;

type Op =
  | { kind: 'put'; length: number; key: number }
  | { kind: 'take' }
  | { kind: 'clear' }
  | { kind: 'share' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ length: fc.nat(300), key: fc.integer({ min: -3, max: 3 }) })
      .map<Op>(({ length, key }) => ({ kind: 'put', length, key })),
  },
  { weight: 5, arbitrary: fc.constant<Op>({ kind: 'take' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'clear' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'share' }) },
);

type Kind = 'fifo' | 'lifo' | 'priority';

interface Entry {
  readonly key: number;
  readonly bytes: Uint8Array;
}

function make(kind: Kind, state?: StoreState): ItemStore {
  return kind === 'fifo'
    ? new itemStore.RingStore(MAX_BYTES, state)
    : new itemStore.HeapStore(MAX_BYTES, kind === 'lifo', state);
}

/** The index of the entry `kind` takes next. */
function nextIndex(kind: Kind, model: Entry[]): number {
  if (kind === 'fifo') return 0;
  if (kind === 'lifo') return model.length - 1;
  let best = 0;
  for (let i = 1; i < model.length; i++) if (model[i]!.key < model[best]!.key) best = i;
  return best;
}

function checkStore(kind: Kind): void {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 100 }), (sequence) => {
      let store = make(kind);
      const model: Entry[] = [];
      let used = 0;
      let stamp = 0;
      for (const step of sequence) {
        switch (step.kind) {
          case 'put': {
            const bytes = new Uint8Array(step.length).fill(stamp++ & 0xff);
            const size = store.recordSize(step.length);
            const put = store.put(bytes, step.key);
            if (used + size > MAX_BYTES) assert.equal(put, false, 'a put past maxBytes fits');
            else if (kind === 'fifo' || model.length + 1 <= MAX_BYTES / 16) assert.equal(put, true);
            if (put) {
              model.push({ key: step.key, bytes });
              used += size;
            }
            break;
          }
          case 'take': {
            if (model.length === 0) break;
            const [entry] = model.splice(nextIndex(kind, model), 1);
            assert.deepEqual(store.take(), entry!.bytes);
            used -= store.recordSize(entry!.bytes.length);
            break;
          }
          case 'clear':
            store.clear();
            model.length = 0;
            used = 0;
            break;
          case 'share':
            store = make(kind, store.share());
            break;
        }
        assert.equal(store.usedBytes(), used);
      }
    }),
  );
}

describe('shm item stores against a model', () => {
  test('RingStore takes first in first out and is full exactly past maxBytes', () => {
    checkStore('fifo');
  });

  test('HeapStore (LIFO) takes the newest item first', () => {
    checkStore('lifo');
  });

  test('HeapStore (priority) takes the smallest key first, ties in put order', () => {
    checkStore('priority');
  });
});
