// Queue throughput.
//   node bench/queue.mjs concur|p-queue|array jobs N   — N tiny async jobs, concurrency 4
//   node bench/queue.mjs concur|array handoff N        — N items producer → consumer
const [lib, kind, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 200_000);
const CONCURRENCY = 4;

async function job() {
  await null;
}

async function jobs() {
  if (lib === 'p-queue') {
    const { default: PQueue } = await import('p-queue');
    const queue = new PQueue({ concurrency: CONCURRENCY });
    for (let i = 0; i < n; i++) void queue.add(job);
    await queue.onIdle();
    return;
  }
  if (lib === 'concur') {
    const { Queue, createTask, gather, run } = await import('../dist/asyncio/index.js');
    await run(async () => {
      const queue = new Queue();
      const consumers = Array.from({ length: CONCURRENCY }, () =>
        createTask(async () => {
          for (;;) {
            const item = await queue.get();
            if (item === null) return;
            await item();
            queue.taskDone();
          }
        }),
      );
      for (let i = 0; i < n; i++) queue.putNowait(job);
      await queue.join();
      for (let i = 0; i < CONCURRENCY; i++) queue.putNowait(null);
      await gather(consumers);
    });
    return;
  }
  throw new Error(`unknown library ${lib} for jobs`);
}

async function handoff() {
  if (lib === 'concur') {
    const { Queue, createTask, run } = await import('../dist/asyncio/index.js');
    await run(async () => {
      const queue = new Queue(1024);
      const consumer = createTask(async () => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += await queue.get();
        return sum;
      });
      for (let i = 0; i < n; i++) await queue.put(i);
      await consumer;
    });
    return;
  }
  if (lib === 'array') {
    // Raw floor: a plain array with one promise per item the consumer waits for.
    const items = [];
    let wake = null;
    const consumer = (async () => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        while (items.length === 0) await new Promise((r) => (wake = r));
        sum += items.shift();
      }
      return sum;
    })();
    for (let i = 0; i < n; i++) {
      items.push(i);
      if (wake !== null) {
        const w = wake;
        wake = null;
        w();
      }
      if (i % 1024 === 1023) await null;
    }
    await consumer;
    return;
  }
  throw new Error(`unknown library ${lib} for handoff`);
}

const fn = kind === 'jobs' ? jobs : handoff;
await fn();
const t0 = performance.now();
await fn();
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ lib, kind, n, perSec: n / seconds }));
