// P6: N tasks created and gathered, each awaiting once. One mode per process, so that a
// mode that enables AsyncLocalStorage (concur's currentTask) cannot slow the others.
//   node bench/gather.mjs raw|concur N  → prints {"mode","n","perSec"}
const [mode, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 1_000_000);

async function work(i) {
  await null;
  return i;
}

async function raw() {
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = work(i);
  const out = await Promise.all(ps);
  if (out.length !== n) throw new Error('lost results');
}

async function concur() {
  const { createTask, gather, run } = await import('../dist/asyncio/index.js');
  await run(async () => {
    const ts = new Array(n);
    for (let i = 0; i < n; i++) ts[i] = createTask(() => work(i));
    const out = await gather(ts);
    if (out.length !== n) throw new Error('lost results');
  });
}

const fn = mode === 'raw' ? raw : mode === 'concur' ? concur : null;
if (fn === null) throw new Error(`unknown mode ${mode}`);
await fn(); // warm-up at a tenth of the size would change GC state; one cold run is what users see
const t0 = performance.now();
await fn();
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ mode, n, perSec: n / seconds }));
