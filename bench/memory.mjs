// P9: heap bytes per pending asyncio task (run with --expose-gc).
//   node --expose-gc bench/memory.mjs blocked|sleeping|scheduled|raw-thenable|raw-promise N
// blocked: tasks started and waiting on a Future; sleeping: each awaiting its own
// `sleep()` (a future and a timer each); scheduled: created, not yet started.
// raw-thenable / raw-promise: no concur, plain async functions waiting on a thenable (as
// `await future` is) or on a native promise: what V8 itself keeps per waiting function.
const [kind, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);
const raw = kind === 'raw-thenable' || kind === 'raw-promise';
const { createTask, Future, sleep } = await import('../dist/asyncio/index.js');

let release;
const native = new Promise((resolve) => (release = resolve));
const thenable = { then: (onFulfilled, onRejected) => native.then(onFulfilled, onRejected) };
const gate = raw ? (kind === 'raw-thenable' ? thenable : native) : new Future();
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const pending = new Array(n);
for (let i = 0; i < n; i++) {
  const body =
    kind === 'sleeping'
      ? async () => {
          await sleep(3_600_000);
        }
      : async () => {
          await gate;
        };
  pending[i] = raw ? body() : createTask(body);
}
if (kind !== 'scheduled') await sleep(0);
globalThis.gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ kind, n, bytesPerTask: (after - before) / n }));
if (raw) release();
else gate.setResult(undefined);
if (kind === 'sleeping') for (const task of pending) task.cancel();
await Promise.allSettled(pending);
