// Worker pools side by side: concur's ThreadPoolExecutor vs piscina, tinypool, workerpool;
// concur's ProcessPoolExecutor vs workerpool's process mode. Every library gets 2 workers,
// its defaults otherwise, and one warm-up before the measured run (workers started, code
// compiled); each mode runs in a fresh process.
//
//   node bench/pool.mjs <library> p1 [N]   N tiny tasks (x => x + 1) submitted at once → tasks/s
//   node bench/pool.mjs <library> p2 [N]   N tasks one at a time on an idle pool → p50 µs
//   node bench/pool.mjs <library> p3 [n]   8 × sumSquares(n) → speed-up over sequential
//   node bench/pool.mjs <library> p5 [N]   map(add1, range(N), chunksize 1000) → tasks/s
// (P4 is p1 on process pools: N tiny tasks via submit.)
//
// library: concur (awaits with futures.wait, Python's idiom), concur-promise-all (awaits
// with Promise.all), piscina, tinypool, workerpool; concur-process, workerpool-process.
import { availableParallelism } from 'node:os';

const [lib, bench, nArg] = process.argv.slice(2);
const WORKERS = 2;
const tasksModule = new URL('./pool-tasks.mjs', import.meta.url);
const { add1: localAdd1, sumSquares: localSumSquares } = await import(tasksModule.href);

/** A uniform face for every library: run(name, arg) → promise-like, all(list), close(). */
async function makePool() {
  if (lib === 'concur' || lib === 'concur-promise-all' || lib === 'concur-process') {
    const futures = await import('../dist/futures/index.js');
    const Executor =
      lib === 'concur-process' ? futures.ProcessPoolExecutor : futures.ThreadPoolExecutor;
    const pool = new Executor({ maxWorkers: WORKERS });
    const tasks = { add1: localAdd1, sumSquares: localSumSquares };
    return {
      run: (name, arg) => pool.submit(tasks[name], arg),
      all: lib === 'concur-promise-all' ? (fs) => Promise.all(fs) : (fs) => futures.wait(fs),
      map: async (n, chunksize) => {
        let count = 0;
        for await (const _ of pool.map(localAdd1, range(n), { chunksize })) count++;
        return count;
      },
      close: () => pool.shutdown(),
    };
  }
  if (lib === 'piscina') {
    const { Piscina } = await import('piscina');
    const pool = new Piscina({
      filename: tasksModule.href,
      minThreads: WORKERS,
      maxThreads: WORKERS,
    });
    return {
      run: (name, arg) => pool.run(arg, { name }),
      all: (ps) => Promise.all(ps),
      close: () => pool.destroy(),
    };
  }
  if (lib === 'tinypool') {
    const { Tinypool } = await import('tinypool');
    const pool = new Tinypool({
      filename: tasksModule.href,
      minThreads: WORKERS,
      maxThreads: WORKERS,
    });
    return {
      run: (name, arg) => pool.run(arg, { name }),
      all: (ps) => Promise.all(ps),
      close: () => pool.destroy(),
    };
  }
  if (lib === 'workerpool' || lib === 'workerpool-process') {
    const { default: workerpool } = await import('workerpool');
    const script = new URL('./workerpool-worker.mjs', import.meta.url);
    const workerType = lib === 'workerpool' ? 'thread' : 'process';
    const pool = workerpool.pool(script.pathname, { maxWorkers: WORKERS, workerType });
    return {
      run: (name, arg) => pool.exec(name, [arg]),
      all: (ps) => Promise.all(ps),
      close: () => pool.terminate(),
    };
  }
  throw new Error(`unknown library ${lib}`);
}

function* range(n) {
  for (let i = 0; i < n; i++) yield i;
}

async function burst(pool, n) {
  const futures = new Array(n);
  for (let i = 0; i < n; i++) futures[i] = pool.run('add1', i);
  await pool.all(futures);
}

const pool = await makePool();
let out;
if (bench === 'p1') {
  const n = Number(nArg ?? 100_000);
  await burst(pool, 2000); // warm-up: workers started, code compiled
  const t0 = performance.now();
  await burst(pool, n);
  out = { perSec: n / ((performance.now() - t0) / 1000) };
} else if (bench === 'p2') {
  const n = Number(nArg ?? 5000);
  for (let i = 0; i < 200; i++) await pool.run('add1', i); // warm-up
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await pool.run('add1', i);
    samples[i] = performance.now() - t0;
  }
  samples.sort();
  out = { p50us: samples[Math.floor(n / 2)] * 1000 };
} else if (bench === 'p3') {
  const n = Number(nArg ?? 200_000_000);
  const jobs = 8;
  await pool.all([pool.run('sumSquares', 1000), pool.run('sumSquares', 1000)]); // warm-up
  localSumSquares(1000);
  let t0 = performance.now();
  for (let i = 0; i < jobs; i++) localSumSquares(n);
  const sequential = performance.now() - t0;
  t0 = performance.now();
  await pool.all(Array.from({ length: jobs }, () => pool.run('sumSquares', n)));
  const parallel = performance.now() - t0;
  out = { speedup: sequential / parallel, sequentialMs: sequential, parallelMs: parallel };
} else if (bench === 'p5') {
  if (pool.map === undefined) throw new Error(`${lib} has no map`);
  const n = Number(nArg ?? 100_000);
  await pool.map(10_000, 1000); // warm-up
  const t0 = performance.now();
  const count = await pool.map(n, 1000);
  if (count !== n) throw new Error(`map gave ${count} results for ${n} inputs`);
  out = { perSec: n / ((performance.now() - t0) / 1000) };
} else {
  throw new Error(`unknown benchmark ${bench}`);
}
await pool.close();
console.log(JSON.stringify({ lib, bench, cores: availableParallelism(), ...out }));
