/**
 * `Heap` against a model: a plain array kept sorted by (key, push order) — the stable
 * order the heap promises — including comparators that throw.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { heap } from '../internals.js';

interface Item {
  readonly key: number;
  readonly id: number;
}

type Op = { kind: 'push'; key: number } | { kind: 'pop' } | { kind: 'clear' } | { kind: 'poison' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.integer({ min: 0, max: 6 }).map<Op>((key) => ({ kind: 'push', key })),
  },
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'pop' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'clear' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'poison' }) },
);

describe('base Heap against a sorted-array model', () => {
  test('pop returns the smallest key, ties first pushed first; a throwing comparator changes nothing', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (sequence) => {
        let poisoned = false;
        const h = new heap.Heap<Item>((a, b) => {
          if (poisoned) throw new TypeError('cannot order');
          return a.key - b.key;
        });
        let model: Item[] = [];
        let nextId = 0;
        for (const step of sequence) {
          if (step.kind === 'push') {
            const item = { key: step.key, id: nextId++ };
            h.push(item);
            // After the last item of the same or a smaller key: stable.
            const at = model.findIndex((m) => m.key > item.key);
            model.splice(at === -1 ? model.length : at, 0, item);
          } else if (step.kind === 'pop') {
            assert.equal(h.pop(), model.shift());
          } else if (step.kind === 'clear') {
            h.clear();
            model = [];
          } else {
            // A comparator that throws: push and pop fail and leave the heap as it was.
            poisoned = true;
            if (model.length >= 1) assert.throws(() => h.push({ key: 0, id: -1 }), TypeError);
            if (model.length >= 3) assert.throws(() => h.pop(), TypeError);
            poisoned = false;
          }
          assert.equal(h.size, model.length);
          assert.equal(h.peek(), model[0]);
        }
      }),
    );
  });
});
