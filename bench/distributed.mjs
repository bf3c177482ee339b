// P10: N tiny tasks through a local Redis with 2 worker processes — concur's
// DistributedExecutor + `concur worker` side by side with raw BullMQ (`Queue.add` per job,
// 2 `Worker` processes, completions counted from one `QueueEvents`). Both sides: worker
// concurrency 16, the same private redis-server (unix socket), a fresh queue per run, a
// warm-up of 200 jobs before the measured ones.
//
//   node bench/distributed.mjs concur [N]   → { perSec }
//   node bench/distributed.mjs concur-pool-none [N]   (workers with --pool none: tasks on
//                                                      their event loop; not the headline)
//   node bench/distributed.mjs raw [N]      → { perSec }
//   node bench/distributed.mjs raw-worker <url> <queue>   (a raw worker process)
//
// Diagnosis switches (environment): P10_WORKER_PROF=<dir> starts the workers with
// `--cpu-prof --cpu-prof-dir=<dir>` (NODE_OPTIONS cannot carry --cpu-prof);
// P10_STATS=1 adds Redis's commands per measured job (INFO commandstats before/after) and
// each process's CPU time per job.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [mode, ...rest] = process.argv.slice(2);
const WORKERS = 2;
const CONCURRENCY = '16';
const root = fileURLToPath(new URL('..', import.meta.url));

async function rawConnection(url) {
  const { Redis } = await import('ioredis');
  return new Redis({ path: url.slice('unix://'.length), maxRetriesPerRequest: null });
}

/** `{ name: seconds of CPU (user + system) }` of each process, from /proc (Linux). */
function cpuTimes(pids) {
  const tick = 100; // USER_HZ
  const read = (path) => {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / tick;
  };
  const out = {};
  for (const [name, pid] of Object.entries(pids)) {
    out[name] = read(`/proc/${pid}/stat`);
    // A worker's main thread apart (the rest: its pool threads, GC and libuv threads).
    if (name.startsWith('worker')) out[`${name}Main`] = read(`/proc/${pid}/task/${pid}/stat`);
  }
  return out;
}

/** `{ command: calls }` from INFO commandstats. */
function commandCounts(info) {
  const counts = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts[m[1]] = Number(m[2]);
  return counts;
}

if (mode === 'raw-worker') {
  const [url, queue] = rest;
  const { Worker } = await import('bullmq');
  const worker = new Worker(queue, async (job) => job.data.x + 1, {
    connection: await rawConnection(url),
    concurrency: Number(CONCURRENCY),
  });
  await worker.waitUntilReady();
  process.stderr.write('; ready\n');
  process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
} else {
  const n = Number(rest[0] ?? 10_000);
  const { startRedis } = await import('../scripts/redis-server.mjs');
  const redis = await startRedis();
  const queue = `p10-${mode}`;
  const concur = mode === 'concur' || mode === 'concur-pool-none';
  const startWorker = () =>
    new Promise((resolve, reject) => {
      const args = concur
        ? [
            'dist/cli/main.js',
            'worker',
            '--connection',
            redis.url,
            '--queue',
            queue,
            '--tasks',
            'bench/distributed-tasks.mjs',
            '--concurrency',
            CONCURRENCY,
            ...(mode === 'concur-pool-none' ? ['--pool', 'none'] : []),
          ]
        : ['bench/distributed.mjs', 'raw-worker', redis.url, queue];
      const prof = process.env.P10_WORKER_PROF;
      if (prof) args.unshift('--cpu-prof', `--cpu-prof-dir=${prof}`);
      const child = spawn(process.execPath, args, {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let said = '';
      child.stderr.on('data', (chunk) => {
        said += chunk;
        if (said.includes('; ready')) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${said}`)));
    });
  const workers = [];
  for (let i = 0; i < WORKERS; i++) workers.push(await startWorker());
  /**
   * Times `run` (n jobs); with P10_STATS, also Redis's commands per job by name and the CPU
   * time per job (µs) of each process: this one, the workers, redis-server.
   */
  const measure = async (run) => {
    const stats = process.env.P10_STATS ? await rawConnection(redis.url) : null;
    const pids = { submitter: process.pid, worker1: workers[0].pid, worker2: workers[1].pid };
    pids.redis = redis.pid();
    const before = stats === null ? null : commandCounts(await stats.info('commandstats'));
    const cpuBefore = stats === null ? null : cpuTimes(pids);
    const t0 = performance.now();
    await run();
    const perSec = n / ((performance.now() - t0) / 1000);
    if (stats === null) return { perSec };
    const cpuAfter = cpuTimes(pids);
    const after = commandCounts(await stats.info('commandstats'));
    await stats.quit();
    const commandsPerJob = {};
    for (const [name, calls] of Object.entries(after)) {
      const d = (calls - (before[name] ?? 0)) / n;
      if (d >= 0.01) commandsPerJob[name] = Math.round(d * 100) / 100;
    }
    const cpuUsPerJob = {};
    for (const key of Object.keys(cpuAfter)) {
      cpuUsPerJob[key] = Math.round(((cpuAfter[key] - cpuBefore[key]) * 1e6) / n);
    }
    return { perSec, cpuUsPerJob, commandsPerJob };
  };
  let out;
  try {
    if (concur) {
      const { DistributedExecutor } = await import('../dist/distributed/index.js');
      const { add1 } = await import('./distributed-tasks.mjs');
      const executor = new DistributedExecutor({ connection: redis.url, queue });
      const burst = (count) =>
        Promise.all(Array.from({ length: count }, (_, i) => executor.submit(add1, i)));
      await burst(200);
      out = await measure(() => burst(n));
      await executor.shutdown();
    } else if (mode === 'raw') {
      const { Queue, QueueEvents } = await import('bullmq');
      const connection = await rawConnection(redis.url);
      // A longer event stream than the default ~10k: at this rate the default trims completions
      // before QueueEvents reads them and the count never completes (BullMQ's #1270, #2874).
      const q = new Queue(queue, { connection, streams: { events: { maxLen: 200_000 } } });
      // From the stream's start (the queue is fresh): a reader starting at '$' can miss the
      // first completions (BullMQ's #383), and the count would never complete.
      const events = new QueueEvents(queue, { connection, lastEventId: '0-0' });
      await events.waitUntilReady();
      let completed = 0;
      let wake = null;
      events.on('completed', () => {
        completed++;
        wake?.();
      });
      const burst = async (count) => {
        const target = completed + count;
        await Promise.all(Array.from({ length: count }, (_, i) => q.add('add1', { x: i })));
        while (completed < target) await new Promise((resolve) => (wake = resolve));
      };
      await burst(200);
      out = await measure(() => burst(n));
      await events.close();
      await q.close();
      await connection.quit();
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    for (const w of workers) {
      const exited = new Promise((resolve) => w.once('exit', resolve));
      w.kill('SIGTERM');
      await exited;
    }
    await redis.stop();
  }
  console.log(JSON.stringify({ mode, n, workers: WORKERS, ...out }));
}
