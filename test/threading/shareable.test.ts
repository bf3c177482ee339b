import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  Array as SharedArray,
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  RLock,
  Semaphore,
  SimpleQueue,
  Value,
  decodeShared,
  encodeShared,
} from 'concur-ts/threading';

import { withWorkers } from './harness.js';

describe('encodeShared / decodeShared', () => {
  test('primitives and data without shared primitives come back as the same values', () => {
    for (const value of [1, 'a', null, undefined, true, 10n]) {
      assert.equal(encodeShared(value), value);
      assert.equal(decodeShared(value), value);
    }
    const data = { a: [1, 2, { b: 'c' }], d: new Map() };
    assert.equal(encodeShared(data), data);
    assert.equal(decodeShared(data), data);
  });

  test('shared primitives nested in plain arrays and objects are replaced and rebuilt', async () => {
    const lock = new Lock();
    const args = [1, { lock, list: [new Event()] }, 'x'];
    const encoded = encodeShared(args) as unknown[];
    assert.notEqual(encoded, args);
    assert.deepEqual((encoded[1] as { lock: { __concur: string } }).lock.__concur, 'Lock');
    const [, decoded] = decodeShared(structuredClone(encoded)) as [
      number,
      { lock: Lock; list: Event[] },
    ];
    assert.ok(decoded.lock instanceof Lock);
    assert.ok(decoded.list[0] instanceof Event);
    await decoded.lock.acquire();
    assert.equal(lock.locked(), true); // the same lock
    lock.release();
  });

  test('values nested deeper than the limit are left alone', () => {
    let deep: unknown = new Lock();
    for (let i = 0; i < 10; i++) deep = [deep];
    assert.equal(encodeShared(deep), deep);
  });

  test('a state of an unknown type is refused with a message saying what to import', () => {
    assert.throws(
      () => decodeShared({ __concur: 'Teleporter', state: {} }),
      /import 'concur-ts\/threading'/,
    );
    // An object that merely has the field is data.
    const data = { __concur: 'Lock', state: {}, other: 1 };
    assert.equal(decodeShared(data), data);
  });

  test('plain data shaped like an encoded primitive round-trips as the same plain data, next to a real primitive', () => {
    const lock = new Lock();
    const forged = { __concur: 'mp.Lock', state: { address: '/some/socket', id: 1, pid: 1 } };
    const escapeLike = { __concur: 'plain', state: { __concur: 'Lock', state: {} } };
    const data = { lock, forged, list: [escapeLike, { __concur: 'Teleporter', state: {} }] };
    const decoded = decodeShared(structuredClone(encodeShared(data))) as typeof data;
    assert.ok(decoded.lock instanceof Lock);
    assert.deepEqual(decoded.forged, forged);
    assert.deepEqual(decoded.list, data.list);
    // Alone, and at the deepest level the codec looks at.
    assert.deepEqual(decodeShared(structuredClone(encodeShared(forged))), forged);
    let deep: unknown = forged;
    for (let i = 0; i < 8; i++) deep = [deep];
    assert.deepEqual(decodeShared(structuredClone(encodeShared(deep))), deep);
  });

  test('every shared primitive arrives in another thread as its own class', () =>
    withWorkers(async (workers) => {
      const all = {
        lock: new Lock(),
        rlock: new RLock(),
        condition: new Condition(),
        semaphore: new Semaphore(2),
        bounded: new BoundedSemaphore(2),
        event: new Event(),
        barrier: new Barrier(2),
        value: new Value('i'),
        array: new SharedArray('d', 2),
        queue: new Queue(),
        lifo: new LifoQueue(),
        priority: new PriorityQueue(),
        simple: new SimpleQueue(),
      };
      const kinds = await workers.start<Record<string, string>>('kinds', all).result;
      assert.deepEqual(kinds, {
        lock: 'Lock',
        rlock: 'RLock',
        condition: 'Condition',
        semaphore: 'Semaphore',
        bounded: 'BoundedSemaphore',
        event: 'Event',
        barrier: 'Barrier',
        value: 'Value',
        array: 'SharedArray',
        queue: 'Queue',
        lifo: 'LifoQueue',
        priority: 'PriorityQueue',
        simple: 'SimpleQueue',
      });
    }));
});
