// Lock acquire/release per second: concur's asyncio Lock vs async-mutex's Mutex.
//   node bench/lock.mjs concur|async-mutex uncontended|contended N
const [lib, kind, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);
const WORKERS = 4;

async function makeLock() {
  if (lib === 'concur') {
    const { Lock } = await import('../dist/asyncio/index.js');
    const lock = new Lock();
    return { acquire: () => lock.acquire(), release: () => lock.release() };
  }
  if (lib === 'async-mutex') {
    const { Mutex } = await import('async-mutex');
    const mutex = new Mutex();
    let releaser = null;
    return {
      acquire: async () => {
        releaser = await mutex.acquire();
      },
      release: () => releaser(),
    };
  }
  throw new Error(`unknown library ${lib}`);
}

async function body(lock) {
  if (kind === 'uncontended') {
    for (let i = 0; i < n; i++) {
      await lock.acquire();
      lock.release();
    }
    return;
  }
  // Contended: WORKERS loops share the lock and yield inside the critical section, so
  // every acquire after the first finds waiters queued.
  const per = n / WORKERS;
  const worker = async () => {
    for (let i = 0; i < per; i++) {
      await lock.acquire();
      await null;
      lock.release();
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

async function main() {
  const lock = await makeLock();
  const go = async () => {
    if (lib === 'concur') {
      const { run } = await import('../dist/asyncio/index.js');
      await run(() => body(lock));
    } else {
      await body(lock);
    }
  };
  await go(); // warm-up
  const t0 = performance.now();
  await go();
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ lib, kind, n, perSec: n / seconds }));
}
await main();
