/**
 * The shared wait list against a first-in first-out model: which slots are waiting,
 * which were notified, what `leave` and `reap` report. One operation at a time on this
 * thread (nothing sleeps); the cross-thread behaviour is in monitor.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { threadId } from 'node:worker_threads';

import fc from 'fast-check';

import { waitList } from '../internals.js';

type Op =
  | { kind: 'enqueue' }
  | { kind: 'wake'; n: number }
  | { kind: 'leave'; pick: number }
  | { kind: 'reapOther' }
  | { kind: 'reapMine' }
  | { kind: 'share' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'enqueue' }) },
  { weight: 2, arbitrary: fc.nat(4).map<Op>((n) => ({ kind: 'wake', n })) },
  { weight: 3, arbitrary: fc.nat().map<Op>((pick) => ({ kind: 'leave', pick })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'reapOther' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'reapMine' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'share' }) },
);

describe('shm WaitList against a model', () => {
  test('wake(n) notifies the n oldest waiters; leave reports a notification; reap frees a dead thread’s slots', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (sequence) => {
        let list = new waitList.WaitList();
        const waiting: number[] = []; // slots in the list, oldest first
        const notified = new Set<number>(); // woken, not yet left
        for (const step of sequence) {
          switch (step.kind) {
            case 'enqueue': {
              const slot = list.enqueue();
              assert.ok(!waiting.includes(slot) && !notified.has(slot), `slot ${slot} reused live`);
              waiting.push(slot);
              break;
            }
            case 'wake': {
              const expected = waiting.splice(0, step.n);
              assert.equal(list.wake(step.n), expected.length);
              for (const slot of expected) {
                assert.equal(list.notified(slot), true);
                notified.add(slot);
              }
              break;
            }
            case 'leave': {
              const live = [...waiting, ...notified];
              if (live.length === 0) break;
              const slot = live[step.pick % live.length] as number;
              const wasNotified = notified.delete(slot);
              if (!wasNotified) waiting.splice(waiting.indexOf(slot), 1);
              assert.equal(list.leave(slot), wasNotified);
              break;
            }
            case 'reapOther':
              assert.deepEqual(list.reap(threadId + 1000), { held: 0, notified: 0 });
              break;
            case 'reapMine':
              assert.deepEqual(list.reap(threadId), {
                held: waiting.length + notified.size,
                notified: notified.size,
              });
              waiting.length = 0;
              notified.clear();
              break;
            case 'share':
              // Another handle on the same shared state sees the same list.
              list = new waitList.WaitList(list.share());
              break;
          }
          assert.equal(list.size, waiting.length);
          for (const slot of waiting) assert.equal(list.notified(slot), false);
        }
      }),
    );
  });
});
