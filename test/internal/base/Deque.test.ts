/**
 * `Deque` against a model: a plain array (push, shift, unshift at either end), through
 * enough items to make the ring grow, wrap and shrink.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { deque } from '../internals.js';

type Op =
  | { kind: 'push'; count: number }
  | { kind: 'shift'; count: number }
  | { kind: 'unshift' }
  | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 40 }).map<Op>((count) => ({ kind: 'push', count })),
  },
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 40 }).map<Op>((count) => ({ kind: 'shift', count })),
  },
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'unshift' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'clear' }) },
);

describe('base Deque against an array model', () => {
  test('push, shift, unshift, peek and toArray behave as an array across growing and shrinking', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (sequence) => {
        const d = new deque.Deque<number>();
        const model: number[] = [];
        let next = 0;
        for (const step of sequence) {
          switch (step.kind) {
            case 'push':
              for (let i = 0; i < step.count; i++) {
                d.push(next);
                model.push(next++);
              }
              break;
            case 'shift':
              for (let i = 0; i < step.count; i++) assert.equal(d.shift(), model.shift());
              break;
            case 'unshift':
              d.unshift(next);
              model.unshift(next++);
              break;
            case 'clear':
              d.clear();
              model.length = 0;
              break;
          }
          assert.equal(d.length, model.length);
          assert.equal(d.peek(), model[0]);
          assert.deepEqual(d.toArray(), model);
        }
      }),
    );
  });
});
