// Process pools side by side: concur's ProcessPoolExecutor vs workerpool's process mode.
// Every library gets 2 worker processes, its defaults otherwise, and one warm-up before
// the measured run (processes started, code compiled); each mode runs in a fresh process.
//
//   node bench/process-pool.mjs <library> p4 [N]  N tiny tasks (x => x + 1) via submit → tasks/s
//   node bench/process-pool.mjs <library> p5 [N]  map(add1, range(N), chunksize 1000) → tasks/s
//   node bench/process-pool.mjs <library> p3 [n]  8 × sumSquares(n) → speed-up over sequential
//
// library: concur, workerpool (workerType 'process'; no p5: it has no map).
import { availableParallelism } from 'node:os';

const [lib, bench, nArg] = process.argv.slice(2);
const WORKERS = 2;
const tasksModule = new URL('./pool-tasks.mjs', import.meta.url);
const { add1, sumSquares: localSumSquares } = await import(tasksModule.href);

async function makePool() {
  if (lib === 'concur') {
    const { ProcessPoolExecutor, wait } = await import('../dist/futures/index.js');
    const tasks = await import(tasksModule.href);
    const pool = new ProcessPoolExecutor({ maxWorkers: WORKERS });
    return {
      run: (name, arg) => pool.submit(tasks[name], arg),
      all: (fs) => wait(fs),
      map: async (n, chunksize) => {
        let count = 0;
        for await (const _ of pool.map(add1, range(n), { chunksize })) count++;
        return count;
      },
      close: () => pool.shutdown(),
    };
  }
  if (lib === 'workerpool') {
    const { default: workerpool } = await import('workerpool');
    const script = new URL('./workerpool-worker.mjs', import.meta.url);
    const pool = workerpool.pool(script.pathname, { maxWorkers: WORKERS, workerType: 'process' });
    return {
      run: (name, arg) => pool.exec(name, [arg]),
      all: (ps) => Promise.all(ps),
      map: null,
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
if (bench === 'p4') {
  const n = Number(nArg ?? 20_000);
  await burst(pool, 2000); // warm-up
  const t0 = performance.now();
  await burst(pool, n);
  out = { perSec: n / ((performance.now() - t0) / 1000) };
} else if (bench === 'p5') {
  if (pool.map === null) throw new Error(`${lib} has no map`);
  const n = Number(nArg ?? 100_000);
  await pool.map(10_000, 1000); // warm-up
  const t0 = performance.now();
  const count = await pool.map(n, 1000);
  if (count !== n) throw new Error(`map gave ${count} results for ${n} inputs`);
  out = { perSec: n / ((performance.now() - t0) / 1000) };
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
} else {
  throw new Error(`unknown benchmark ${bench}`);
}
await pool.close();
console.log(JSON.stringify({ lib, bench, cores: availableParallelism(), ...out }));
