// P9: heap bytes per pending asyncio task (run with --expose-gc).
//   node --expose-gc bench/memory.mjs blocked|scheduled N
// blocked: tasks started and waiting on an Event; scheduled: created, not yet started.
const [kind, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);
const { createTask, Future, sleep } = await import('../dist/asyncio/index.js');

const gate = new Future();
global.gc();
const before = process.memoryUsage().heapUsed;
const tasks = new Array(n);
for (let i = 0; i < n; i++) {
  tasks[i] = createTask(async () => {
    await gate;
  });
}
if (kind === 'blocked') await sleep(0);
global.gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ kind, n, bytesPerTask: (after - before) / n }));
gate.setResult(undefined);
for (const t of tasks) await t;
