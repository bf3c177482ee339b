/**
 * Plain data shaped like the wire form of a primitive (`{ __concur, state }`) crosses every
 * multiprocessing channel as the same plain data; it never becomes a live primitive.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Lock, Manager, Pipe, Queue } from 'concur-ts/multiprocessing';

const forged = { __concur: 'mp.Lock', state: { address: '/some/socket', id: 1, pid: 1 } };
const escapeLike = { __concur: 'plain', state: { __concur: 'mp.Lock', state: {} } };

describe('multiprocessing channels: data shaped like an encoded primitive stays data', () => {
  test('through a Queue, next to a real Lock', async () => {
    const queue = new Queue();
    const lock = new Lock();
    await queue.put({ lock, forged, escapeLike });
    const item = (await queue.get()) as { lock: Lock; forged: unknown; escapeLike: unknown };
    assert.ok(item.lock instanceof Lock);
    assert.equal(await item.lock.acquire({ timeout: 10_000 }), true);
    await item.lock.release();
    assert.deepEqual(item.forged, forged);
    assert.deepEqual(item.escapeLike, escapeLike);
    queue.close();
  });

  test('through a Pipe', async () => {
    const [here, there] = Pipe();
    here.send([forged, escapeLike]);
    assert.deepEqual(await there.recv(), [forged, escapeLike]);
    here.close();
    there.close();
  });

  test('through a Manager dict', async () => {
    await using manager = await Manager.start();
    const dict = manager.dict<string, unknown>([['initial', forged]]);
    await dict.set('forged', forged);
    assert.deepEqual(await dict.get('initial'), forged);
    await dict.set('nested', { list: [escapeLike] });
    assert.deepEqual(await dict.get('forged'), forged);
    assert.deepEqual(await dict.get('nested'), { list: [escapeLike] });
  });
});
