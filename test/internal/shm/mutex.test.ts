/**
 * The owner-tagged mutex word against a three-state model (free, held, broken), one
 * operation at a time on this thread.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { threadId } from 'node:worker_threads';

import fc from 'fast-check';

import { BrokenResourceError } from 'concur-ts';

import { mutex } from '../internals.js';

const { BROKEN, NOT_LOCKED, RELEASED, WAS_BROKEN, breakIfOwnedBy, lockSync, ownerOf, tryLock } =
  mutex;

type Op = 'try' | 'timedLock' | 'unlock' | 'breakMine' | 'breakOther';
const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.constantFrom<Op>('try', 'timedLock', 'unlock', 'breakMine', 'breakOther'),
  { maxLength: 60 },
);

describe('shm mutex: the lock word against a model', () => {
  test('tryLock, a timed lockSync, unlock and breakIfOwnedBy behave as free / held / broken', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const words = new Int32Array(new SharedArrayBuffer(8));
        let state = 'free' as 'free' | 'held' | 'broken';
        for (const op of sequence) {
          switch (op) {
            case 'try':
              assert.equal(tryLock(words, 0), state === 'free');
              if (state === 'free') state = 'held';
              break;
            case 'timedLock':
              // A deadline already passed: one look, never a sleep.
              if (state === 'broken') {
                assert.throws(() => lockSync(words, 0, 1, 0, 'the lock'), BrokenResourceError);
              } else {
                assert.equal(lockSync(words, 0, 1, 0, 'the lock'), state === 'free');
                state = 'held';
              }
              break;
            case 'unlock': {
              const expected: number =
                state === 'held' ? RELEASED : state === 'free' ? NOT_LOCKED : WAS_BROKEN;
              assert.equal(mutex.unlock(words, 0), expected);
              if (state === 'held') state = 'free';
              break;
            }
            case 'breakMine':
              assert.equal(breakIfOwnedBy(words, 0, threadId), state === 'held');
              if (state === 'held') state = 'broken';
              break;
            case 'breakOther':
              assert.equal(breakIfOwnedBy(words, 0, threadId + 1000), false);
              break;
          }
          const word = Atomics.load(words, 0);
          assert.equal(word === 0, state === 'free', `word ${word} in state ${state}`);
          assert.equal((word & 3) === BROKEN, state === 'broken');
          assert.equal(ownerOf(word), state === 'free' ? null : threadId);
          assert.equal(Atomics.load(words, 1), 0, 'nobody is counted asleep');
        }
      }),
    );
  });
});
