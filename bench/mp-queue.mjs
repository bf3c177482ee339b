// P7: multiprocessing Queue, parent → child messages per second.
//   node bench/mp-queue.mjs queue|pipe N
// The parent puts N small integers; a child process gets them all and reports when it
// has; the rate is N over the time from the first put to that report (child start-up
// excluded: the child has connected and taken one warm-up item first).
import { fork } from 'node:child_process';

import { Pipe, Queue, encodeShared } from '../dist/multiprocessing/index.js';

const [kind = 'queue', nArg] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);

if (process.argv[4] === 'child') {
  process.once('message', async ({ channel }) => {
    const { decodeShared } = await import('../dist/multiprocessing/index.js');
    const end = decodeShared(channel);
    const get = kind === 'pipe' ? () => end.recv() : () => end.get();
    await get(); // warm-up: connected
    process.send('ready');
    let sum = 0;
    for (let i = 0; i < n; i++) sum += await get();
    process.send({ sum }, () => process.disconnect());
  });
} else {
  let channel;
  let put;
  if (kind === 'pipe') {
    const [here, there] = Pipe();
    channel = there;
    put = (x) => here.send(x);
  } else {
    const queue = new Queue();
    channel = queue;
    put = (x) => queue.put(x);
  }
  const child = fork(new URL(import.meta.url), [kind, String(n), 'child']);
  const ready = new Promise((resolve) => child.once('message', resolve));
  child.send({ channel: encodeShared(channel) });
  await put(-1);
  await ready;
  const done = new Promise((resolve) => child.once('message', resolve));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await put(i);
  const { sum } = await done;
  const seconds = (performance.now() - t0) / 1000;
  if (sum !== (n * (n - 1)) / 2) throw new Error(`wrong sum ${sum}`);
  await new Promise((resolve) => child.once('exit', resolve));
  console.log(JSON.stringify({ kind, n, perSec: n / seconds }));
}
