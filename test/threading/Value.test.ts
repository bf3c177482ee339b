import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { Array as SharedArray, Lock, RLock, Value } from 'concur-ts/threading';

import { withWorkers } from './harness.js';

describe('threading Value', () => {
  test('a Value holds one number of its type, read and written with .value', () => {
    const v = new Value('int32', 5);
    assert.equal(v.value, 5);
    v.value = -7;
    assert.equal(v.value, -7);
    assert.equal(v.type, 'int32');
    assert.equal(new Value('i').value, 0);
    assert.equal(new Value('d', 1.25).value, 1.25);
    assert.equal(new Value('float64').type, 'float64');
    assert.equal(inspect(new Value('uint8', 200)), '<Value uint8 200>');
  });

  test('Python type codes map to the same types', () => {
    const codes = {
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
    };
    for (const [code, name] of Object.entries(codes)) {
      assert.equal(new Value(code as 'i').type, name);
    }
  });

  test('the 64-bit integer types hold bigints', () => {
    const v = new Value('q', 2n ** 62n);
    assert.equal(v.value, 2n ** 62n);
    v.value = -1n;
    assert.equal(v.value, -1n);
    assert.equal(new Value('biguint64').value, 0n);
    assert.throws(() => new Value('q', 1 as unknown as bigint), TypeError);
    assert.throws(() => {
      new Value('int32').value = 1n as unknown as number;
    }, TypeError);
  });

  test('integers wrap as in C; fractions and unknown types are refused', () => {
    const v = new Value('uint8', 255);
    v.value = 256;
    assert.equal(v.value, 0);
    assert.throws(() => new Value('int32', 1.5), RangeError);
    assert.throws(
      () => new Value('l' as 'i'),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /unknown/);
        return true;
      },
    );
    assert.throws(() => new Value(3 as unknown as 'i'), TypeError);
    assert.throws(() => new Value('int32', '1' as unknown as number), TypeError);
  });

  test('getLock() is an RLock unless a lock is given', () => {
    assert.ok(new Value('i').getLock() instanceof RLock);
    const lock = new Lock();
    assert.equal(new Value('i', 0, { lock }).getLock(), lock);
    assert.throws(() => new Value('i', 0, { lock: {} as Lock }), TypeError);
  });

  test('increments under getLock() from two threads and this one all count', () =>
    withWorkers(async (workers) => {
      const value = new Value('int32', 0);
      const n = 2000;
      const both = workers.startMany(2, 'valueAdd', { value, n });
      for (let i = 0; i < n; i++) await value.getLock().use(() => (value.value += 1));
      assert.deepEqual(await Promise.all(both.map((w) => w.result)), ['int32', 'int32']);
      assert.equal(value.value, 3 * n);
    }));
});

describe('threading Array', () => {
  test('an Array has a length, get/set with negative indices, iteration and toArray()', () => {
    const a = new SharedArray('int16', [1, 2, 3]);
    assert.equal(a.length, 3);
    assert.equal(a.get(0), 1);
    assert.equal(a.get(-1), 3);
    a.set(-2, 20);
    assert.deepEqual([...a], [1, 20, 3]);
    assert.deepEqual(a.toArray(), [1, 20, 3]);
    assert.equal(inspect(a), '<Array int16(3) [1, 20, 3]>');
    assert.deepEqual(new SharedArray('d', 2).toArray(), [0, 0]);
    assert.deepEqual(new SharedArray('q', [1n, 2n]).toArray(), [1n, 2n]);
    assert.equal(new SharedArray('i', 0).length, 0);
    assert.ok(new SharedArray('i', 1).getLock() instanceof RLock);
  });

  test('bad indices, elements and sizes are refused', () => {
    const a = new SharedArray('int32', 2);
    assert.throws(() => a.get(2), RangeError);
    assert.throws(() => a.get(-3), RangeError);
    assert.throws(() => a.get(0.5), RangeError);
    assert.throws(() => a.set(0, 1.5), RangeError);
    assert.throws(() => a.set(0, 'x' as unknown as number), TypeError);
    assert.throws(() => new SharedArray('int32', -1), RangeError);
    assert.throws(() => new SharedArray('int32', [1, 'x'] as unknown as number[]), TypeError);
    assert.throws(() => new SharedArray('nope' as 'i', 1), RangeError);
    assert.throws(() => new SharedArray('i', {} as unknown as number), TypeError);
  });

  test('writes by another thread are seen here', () =>
    withWorkers(async (workers) => {
      const array = new SharedArray('float64', 5);
      const read = await workers.start('arrayFill', { array, factor: 1.5 }).result;
      assert.deepEqual(read, [0, 1.5, 3, 4.5, 6]);
      assert.deepEqual(array.toArray(), [0, 1.5, 3, 4.5, 6]);
    }));
});
