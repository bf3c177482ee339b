// P9 (pool half): heap bytes per queued ThreadPoolExecutor task, and how many timers the
// queue holds (run with --expose-gc).
//   node --expose-gc bench/pool-memory.mjs N  → {"n","bytesPerTask","timers"}
// One worker is plugged by a task that blocks on a shared cell; N tiny tasks (with a
// taskTimeout, so a per-task timer would show) then wait in the pool's queue.
const n = Number(process.argv[2] ?? 100_000);
const { ThreadPoolExecutor } = await import('../dist/futures/index.js');
const { add1, blockOn } = await import('./pool-tasks.mjs');

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const pool = new ThreadPoolExecutor({ maxWorkers: 1, taskTimeout: 600_000 });
const cells = new Int32Array(new SharedArrayBuffer(4));
const plug = pool.submit(blockOn, cells);
const futures = new Array(n);
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const timersBefore = timers();
for (let i = 0; i < n; i++) futures[i] = pool.submit(add1, i);
globalThis.gc();
const after = process.memoryUsage().heapUsed;
const timersQueued = timers() - timersBefore;
Atomics.store(cells, 0, 1);
Atomics.notify(cells, 0);
await plug;
for (const f of futures) await f;
await pool.shutdown();
if (timersQueued > 1) throw new Error(`${timersQueued} timers for ${n} queued tasks`);
console.log(JSON.stringify({ n, bytesPerTask: (after - before) / n, timers: timersQueued }));
