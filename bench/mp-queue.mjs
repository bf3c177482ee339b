// P7: multiprocessing Queue / Pipe throughput between two processes.
//   node bench/mp-queue.mjs queue|pipe|queue-up N
// queue, pipe: the parent puts N small integers and a child gets them all; queue-up: the
// child puts and the parent gets. The rate is N over the time from the first put to the
// last get (child start-up excluded: one warm-up item crosses first).
import { fork } from 'node:child_process';

import { Pipe, Queue, decodeShared, encodeShared } from '../dist/multiprocessing/index.js';

const [kind = 'queue', nArg, role] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);
const upward = kind === 'queue-up';

function endpoints(end) {
  if (kind === 'pipe') return { put: (x) => end.send(x), get: () => end.recv() };
  return { put: (x) => end.put(x), get: () => end.get() };
}

async function produce({ put }, ready) {
  await put(-1);
  await ready;
  for (let i = 0; i < n; i++) await put(i);
}

async function consume({ get }, signalReady) {
  await get(); // warm-up: connected
  signalReady();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await get();
  if (sum !== (n * (n - 1)) / 2) throw new Error(`wrong sum ${sum}`);
}

if (role === 'child') {
  process.once('message', async ({ channel }) => {
    const io = endpoints(decodeShared(channel));
    if (upward) {
      const ready = new Promise((resolve) => process.once('message', resolve));
      await produce(io, ready);
    } else {
      await consume(io, () => process.send('ready'));
    }
    process.send('done', () => process.disconnect());
  });
} else {
  let mine;
  let theirs;
  if (kind === 'pipe') [mine, theirs] = Pipe();
  else mine = theirs = new Queue();
  const io = endpoints(mine);
  const child = fork(new URL(import.meta.url), [kind, String(n), 'child']);
  const inbox = [];
  const waiting = [];
  child.on('message', (m) => (waiting.length > 0 ? waiting.shift()(m) : inbox.push(m)));
  const next = () =>
    inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((r) => waiting.push(r));
  child.send({ channel: encodeShared(theirs) });
  let t0;
  if (upward) {
    await consume(io, () => {
      t0 = performance.now();
      child.send('go');
    });
    await next(); // 'done'
  } else {
    await produce(
      io,
      next().then(() => (t0 = performance.now())),
    );
    await next(); // 'done'
  }
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((resolve) => child.once('exit', resolve));
  console.log(JSON.stringify({ kind, n, perSec: n / seconds }));
}
