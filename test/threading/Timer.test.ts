/**
 * Timer: a Thread that runs its target once its interval has passed, unless cancelled.
 * The interval runs on the loop's clock, so a VirtualClock decides exactly when the
 * target is sent; the target reports through shared cells.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import { Thread, Timer } from 'concur-ts/threading';
import { VirtualClock } from 'concur-ts/testing';

import { addToCell } from '../fixtures/tasks.js';
import { makeCells } from '../fixtures/sync.js';

describe('Timer', () => {
  test('a Timer runs its target with its args once the interval has passed, and not before', async () => {
    using clock = VirtualClock.install({ autojump: false });
    const cells = makeCells();
    const timer = new Timer(1000, addToCell, [cells, 0, 5]);
    assert.ok(timer instanceof Thread);
    assert.equal(timer.interval, 1000);
    timer.start();
    assert.equal(typeof timer.ident, 'number');
    assert.equal(timer.isAlive(), true);
    clock.advance(999);
    // The target is sent only when the interval's timer fires: it cannot have run yet.
    assert.equal(await timer.join(0), false);
    assert.equal(Atomics.load(cells, 0), 0);
    clock.advance(1);
    assert.equal(await timer.join(), true);
    assert.equal(Atomics.load(cells, 0), 5);
    assert.equal(timer.isAlive(), false);
  });

  test('cancel() while the timer waits: the target never runs and the thread ends', async () => {
    using clock = VirtualClock.install({ autojump: false });
    const cells = makeCells();
    const timer = new Timer(1000, addToCell, [cells, 0, 5]);
    timer.start();
    clock.advance(500);
    timer.cancel();
    assert.equal(await timer.join(), true);
    assert.equal(timer.isAlive(), false);
    clock.advance(1000);
    assert.equal(Atomics.load(cells, 0), 0);
    assert.equal(clock.pendingTimers(), 0);
  });

  test('a Timer cancelled before start() starts, runs nothing and ends at once', async () => {
    using clock = VirtualClock.install({ autojump: false });
    const cells = makeCells();
    const timer = new Timer(1000, addToCell, [cells, 0, 5]);
    timer.cancel();
    timer.start();
    assert.equal(clock.pendingTimers(), 0);
    assert.equal(await timer.join(), true);
    assert.equal(Atomics.load(cells, 0), 0);
  });

  test('cancel() after the target ran, or twice, is harmless', async () => {
    const cells = makeCells();
    const timer = new Timer(0, addToCell, [cells, 0, 5]);
    timer.start();
    assert.equal(await timer.join(), true);
    timer.cancel();
    timer.cancel();
    assert.equal(Atomics.load(cells, 0), 5);
    assert.equal(timer.isAlive(), false);
  });

  test('a Timer runs on real time too', async () => {
    const cells = makeCells();
    const timer = new Timer(5, addToCell, [cells, 1, 2]);
    timer.start();
    assert.equal(await timer.join(), true);
    assert.equal(Atomics.load(cells, 1), 2);
  });

  test('a Timer takes a name and a daemon flag, and shows as a Timer', async () => {
    using clock = VirtualClock.install({ autojump: false });
    const cells = makeCells();
    const timer = new Timer(10, addToCell, [cells, 0, 1], { name: 'reminder', daemon: true });
    assert.equal(timer.name, 'reminder');
    assert.equal(timer.daemon, true);
    assert.equal(inspect(timer), '<Timer(reminder, initial)>');
    timer.start();
    assert.match(inspect(timer), /^<Timer\(reminder, started daemon \d+\)>$/);
    clock.advance(10);
    await timer.join();
    assert.equal(inspect(timer), '<Timer(reminder, stopped)>');
  });

  test('start() twice throws, as for any Thread', async () => {
    const timer = new Timer(0, addToCell, [makeCells(), 0, 1]);
    timer.start();
    assert.throws(() => timer.start(), { code: 'ERR_CONCUR_INVALID_STATE' });
    await timer.join();
  });

  test('a negative, NaN or infinite interval is a RangeError, a non-number a TypeError', () => {
    const args: [Int32Array, number, number] = [makeCells(), 0, 1];
    for (const bad of [-1, -0.5, NaN, Infinity]) {
      assert.throws(() => new Timer(bad, addToCell, args), RangeError, String(bad));
    }
    assert.throws(() => new Timer('10' as unknown as number, addToCell, args), TypeError);
    assert.throws(() => new Timer(10, 'addToCell' as unknown as typeof addToCell, args), TypeError);
  });
});
