import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  BrokenResourceError,
  DictProxy,
  InvalidStateError,
  Manager,
  SerializationError,
} from 'concur-ts/multiprocessing';

import { Children } from './harness.js';

describe('multiprocessing Manager', () => {
  test('children write to a managed dict, list and namespace that the parent reads', async () => {
    await using children = new Children();
    await using manager = await Manager.start();
    const dict = manager.dict<string, number>([['shared', 42]]);
    const list = manager.list<number>();
    const ns = manager.Namespace({ last: 0 });
    const runs = [1, 2, 3].map((n) => children.start('managerWork', { dict, list, ns, n }));
    assert.deepEqual(await Promise.all(runs.map((r) => r.result)), [42, 42, 42]);
    assert.deepEqual(await dict.get('child2'), 4);
    assert.deepEqual((await list.copy()).sort(), [1, 2, 3]);
    assert.ok([1, 2, 3].includes(await ns.get<number>('last')));
    assert.equal(await dict.length(), 4);
  });

  test('after shutdown, calls from a child reject with BrokenResourceError', async () => {
    await using children = new Children();
    const manager = new Manager();
    await manager.start();
    const dict = manager.dict([['x', 1]]);
    await manager.shutdown();
    const outcome = (await children.start('managerCall', { dict }).result) as {
      error: { code: string };
    };
    assert.equal(outcome.error.code, 'ERR_CONCUR_BROKEN_RESOURCE');
    await assert.rejects(dict.get('x'), BrokenResourceError);
    assert.throws(() => manager.dict(), InvalidStateError);
    await manager.shutdown();
  });

  test('a manager must be started once before it makes objects', async () => {
    const manager = new Manager();
    assert.throws(() => manager.list(), InvalidStateError);
    await manager.start();
    await assert.rejects(manager.start(), InvalidStateError);
    await manager.shutdown();
  });

  test('dict proxy methods follow Python dict semantics', async () => {
    await using manager = await Manager.start();
    const d = manager.dict<string, number>();
    await d.set('a', 1);
    assert.equal(await d.setdefault('a', 5), 1);
    assert.equal(await d.setdefault('b', 2), 2);
    assert.equal(await d.get('zz', -1), -1);
    assert.equal(await d.has('b'), true);
    assert.equal(await d.pop('b'), 2);
    assert.equal(await d.pop('b', 0), 0);
    assert.equal(await d.delete('a'), true);
    assert.equal(await d.delete('a'), false);
    await d.update([
      ['x', 1],
      ['y', 2],
    ]);
    assert.deepEqual(await d.keys(), ['x', 'y']);
    assert.deepEqual(await d.items(), [
      ['x', 1],
      ['y', 2],
    ]);
    assert.deepEqual(
      await d.copy(),
      new Map([
        ['x', 1],
        ['y', 2],
      ]),
    );
    await d.clear();
    assert.equal(await d.length(), 0);
    assert.throws(() => d.get({} as unknown as string), TypeError);
  });

  test('values are copies both ways', async () => {
    await using manager = await Manager.start();
    const d = manager.dict<string, { n: number }>();
    const value = { n: 1 };
    await d.set('v', value);
    value.n = 2;
    const got = (await d.get('v'))!;
    assert.equal(got.n, 1);
    got.n = 3;
    assert.equal((await d.get('v'))!.n, 1);
    assert.throws(() => d.set('f', { n: () => 1 } as unknown as { n: number }), SerializationError);
  });

  test('list proxy methods follow Python list semantics', async () => {
    await using manager = await Manager.start();
    const l = manager.list([3, 1, 2]);
    assert.equal(await l.get(-1), 2);
    await l.set(0, 4);
    await l.append(5);
    await l.extend([6, 7]);
    await l.insert(0, 0);
    assert.deepEqual(await l.copy(), [0, 4, 1, 2, 5, 6, 7]);
    assert.equal(await l.pop(), 7);
    assert.equal(await l.pop(0), 0);
    await l.remove(1);
    assert.equal(await l.index(5), 2);
    assert.equal(await l.count(4), 1);
    assert.deepEqual(await l.slice(1, 3), [2, 5]);
    await l.reverse();
    assert.deepEqual(await l.copy(), [6, 5, 2, 4]);
    await assert.rejects(l.get(10), RangeError);
    await assert.rejects(l.remove(99), RangeError);
    await l.clear();
    assert.equal(await l.length(), 0);
  });

  test('a proxy can hold another proxy, which arrives as the same shared object', async () => {
    await using manager = await Manager.start();
    const inner = manager.list<number>();
    const outer = manager.dict<string, unknown>();
    await outer.set('inner', inner);
    const again = (await outer.get('inner')) as typeof inner;
    await again.append(1);
    assert.deepEqual(await inner.copy(), [1]);
    assert.ok(!(again instanceof DictProxy));
  });
});
