import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Future, wait } from 'concur-ts/asyncio';
import { wait as futuresWait } from 'concur-ts/futures';

describe('asyncio wait', () => {
  // asyncio.wait(set()) raises ValueError: "Set of Tasks/Futures is empty."
  test('wait() of an empty collection throws RangeError, as asyncio.wait does', () => {
    assert.throws(() => wait([]), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => wait(new Set<Future<void>>()), RangeError);
  });

  test('asyncio wait and concurrent.futures wait agree on a non-empty collection', async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    a.setResult(1);
    const mine = await wait([a, b], { timeout: 0 });
    const theirs = await futuresWait([a, b], { timeout: 0 });
    assert.deepEqual(mine, { done: new Set([a]), notDone: new Set([b]) });
    assert.deepEqual(theirs, mine);
    b.cancel();
  });
});
