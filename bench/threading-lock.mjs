// P8: a contended Lock across 2 worker threads — concur's threading Lock
// (acquireSync/release) vs a raw Atomics spin-then-wait lock (Drepper's futex mutex, the
// same spin count). Each thread does n/2 acquire + increment + release; the time is from
// the first thread's start to the last thread's end, measured in the workers, after a
// warm-up round.
//   node bench/threading-lock.mjs concur|raw N
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const THREADS = 2;
const SPINS = 100;

function rawLock(word) {
  if (Atomics.compareExchange(word, 0, 0, 1) === 0) return;
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(word, 0) === 0 && Atomics.compareExchange(word, 0, 0, 1) === 0) return;
  }
  let c = Atomics.exchange(word, 0, 2);
  while (c !== 0) {
    Atomics.wait(word, 0, 2);
    c = Atomics.exchange(word, 0, 2);
  }
}

function rawUnlock(word) {
  if (Atomics.sub(word, 0, 1) !== 1) {
    Atomics.store(word, 0, 0);
    Atomics.notify(word, 0, 1);
  }
}

if (isMainThread) {
  const [lib, nArg] = process.argv.slice(2);
  const n = Number(nArg ?? 2_000_000);
  const { Lock, encodeShared } = await import('../dist/threading/index.js');
  const control = new Int32Array(new SharedArrayBuffer(16)); // [round, counter]
  const times = new Float64Array(new SharedArrayBuffer(8 * 2 * THREADS));
  const lock =
    lib === 'concur' ? encodeShared(new Lock()) : new Int32Array(new SharedArrayBuffer(4));
  if (lib !== 'concur' && lib !== 'raw') throw new Error(`unknown lock ${lib}`);
  const workers = Array.from(
    { length: THREADS },
    (_, id) =>
      new Worker(new URL(import.meta.url), {
        workerData: { lib, lock, control, times, id, n: n / THREADS },
      }),
  );
  const done = workers.map(
    (w) =>
      new Promise((resolve, reject) => {
        w.once('exit', resolve);
        w.once('error', reject);
      }),
  );
  await Promise.all(done);
  const starts = [];
  const ends = [];
  for (let i = 0; i < THREADS; i++) {
    starts.push(times[2 * i]);
    ends.push(times[2 * i + 1]);
  }
  const seconds = (Math.max(...ends) - Math.min(...starts)) / 1000;
  if (Atomics.load(control, 1) !== 2 * n)
    throw new Error(`lost updates: ${control[1]} != ${2 * n}`);
  console.log(JSON.stringify({ lib, n, perSec: n / seconds }));
} else {
  const { lib, control, times, id, n } = workerData;
  let acquire;
  let release;
  if (lib === 'concur') {
    const { decodeShared } = await import('../dist/threading/index.js');
    const lock = decodeShared(workerData.lock);
    acquire = () => lock.acquireSync();
    release = () => lock.release();
  } else {
    const word = workerData.lock;
    acquire = () => rawLock(word);
    release = () => rawUnlock(word);
  }
  for (const round of [0, 1]) {
    // Both threads start together: each arrives, the last one opens the round.
    if (Atomics.add(control, 2, 1) === THREADS * (round + 1) - 1) {
      Atomics.store(control, 0, round + 1);
      Atomics.notify(control, 0);
    } else {
      while (Atomics.load(control, 0) < round + 1) Atomics.wait(control, 0, round);
    }
    const t0 = performance.timeOrigin + performance.now();
    for (let i = 0; i < n; i++) {
      acquire();
      control[1] += 1; // the critical section: a plain, unsynchronised increment
      release();
    }
    const t1 = performance.timeOrigin + performance.now();
    if (round === 1) {
      times[2 * id] = t0;
      times[2 * id + 1] = t1;
    }
  }
  parentPort.postMessage('done');
}
