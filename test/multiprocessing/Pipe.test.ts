import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createTask, run, sleep } from 'concur-ts/asyncio';
import {
  EOFError,
  InvalidStateError,
  Pipe,
  SerializationError,
  wait,
} from 'concur-ts/multiprocessing';
import { VirtualClock } from 'concur-ts/testing';

import { Children } from './harness.js';

describe('multiprocessing Pipe', () => {
  test('objects sent to a child come back from it in order', async () => {
    await using children = new Children();
    const [here, there] = Pipe();
    const child = children.start('pipeEcho', { conn: there, n: 100 });
    for (let i = 0; i < 100; i++) here.send({ i, text: `item ${i}` });
    for (let i = 0; i < 100; i++) assert.deepEqual(await here.recv(), { i, text: `item ${i}` });
    assert.equal(await child.result, 100);
    here.close();
  });

  test('a 16 MB message crosses both ways intact', async () => {
    await using children = new Children();
    const [here, there] = Pipe();
    const data = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data[i] = i % 251;
    const child = children.start<{ length: number; sum: number }>('bigMessage', { conn: there });
    here.send(data);
    const back = (await here.recv()) as Uint8Array;
    assert.equal(back.length, data.length);
    assert.deepEqual(back.subarray(0, 10_000), data.subarray(0, 10_000));
    const { length, sum } = await child.result;
    assert.equal(length, data.length);
    let expected = 0;
    for (let i = 0; i < data.length; i += 4096) expected += data[i]!;
    assert.equal(sum, expected);
  });

  test('recv rejects with EOFError after the other end closed and everything was received', async () => {
    await using children = new Children();
    const [reader, writer] = Pipe(false);
    const child = children.start('pipeSendAndClose', { conn: writer, items: [1, 2, 3] });
    assert.equal(await child.result, 3);
    assert.deepEqual([await reader.recv(), await reader.recv(), await reader.recv()], [1, 2, 3]);
    await assert.rejects(reader.recv(), EOFError);
    assert.equal(await reader.poll(), true);
  });

  test('recv rejects with EOFError once the process that sent on the other end exited', async () => {
    await using children = new Children();
    const [reader, writer] = Pipe(false);
    const child = children.start('pipeSendAndExit', { conn: writer, items: ['a', 'b'] });
    await child.exited;
    assert.equal(await reader.recv(), 'a');
    assert.equal(await reader.recv(), 'b');
    await assert.rejects(reader.recv(), EOFError);
  });

  test('a child reading a pipe sees EOFError when the parent closes its end', async () => {
    await using children = new Children();
    const [here, there] = Pipe();
    const child = children.start<{ got: unknown[]; error: { name: string } }>('pipeRecvAll', {
      conn: there,
    });
    here.send('one');
    here.send('two');
    here.close();
    const { got, error } = await child.result;
    assert.deepEqual(got, ['one', 'two']);
    assert.equal(error.name, 'EOFError');
  });

  test('poll waits up to its timeout and reports whether something can be received', async () => {
    await run(async () => {
      using clock = VirtualClock.install({ autojump: true });
      const [a, b] = Pipe();
      assert.equal(await a.poll(), false);
      const start = clock.now();
      assert.equal(await a.poll(100), false);
      assert.ok(clock.now() - start >= 100);
      b.send('x');
      assert.equal(await a.poll(100), true);
      assert.equal(await a.recv(), 'x');
    });
  });

  test('Pipe takes a boolean', () => {
    assert.throws(() => Pipe(1 as unknown as boolean), TypeError);
  });

  test('one-way ends refuse the wrong direction and closed ends refuse everything', () => {
    const [reader, writer] = Pipe(false);
    assert.equal(reader.writable, false);
    assert.equal(writer.readable, false);
    assert.throws(() => reader.send(1), InvalidStateError);
    assert.throws(() => writer.recv(), InvalidStateError);
    writer.close();
    writer.close();
    assert.equal(writer.closed, true);
    assert.throws(() => writer.send(1), InvalidStateError);
  });

  test('an object that cannot be cloned fails that send and the pipe keeps working', async () => {
    const [a, b] = Pipe();
    assert.throws(() => a.send(() => 1), SerializationError);
    a.send('fine');
    assert.equal(await b.recv(), 'fine');
  });

  test('wait returns the connections a child sent on, and [] after its timeout', async () => {
    await using children = new Children();
    const [a, aChild] = Pipe();
    const [b, bChild] = Pipe();
    assert.deepEqual(await wait([a, b], 0), []);
    const child = children.start('pipeSendAndExit', { conn: bChild, items: ['hello'] });
    assert.deepEqual(await wait([a, b]), [b]);
    assert.equal(await b.recv(), 'hello');
    await child.result;
    aChild.close();
    assert.deepEqual(await wait([a]), [a]); // the end of the stream counts as ready
    await assert.rejects(a.recv(), EOFError);
  });

  test('wait times out with an empty list and a cancelled wait stops its polls', async () => {
    await run(async () => {
      using _clock = VirtualClock.install({ autojump: true });
      const [a] = Pipe();
      assert.deepEqual(await wait([a], 50), []);
      const waiting = createTask(() => wait([a]));
      await sleep(0);
      waiting.cancel();
      await assert.rejects(waiting, { name: 'CancelledError' });
    });
  });
});
