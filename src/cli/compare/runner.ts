/**
 * The runner process of `concur compare` (see runs.ts): receives one {@link RunRequest},
 * runs it, reports progress and what it measured, and exits.
 *
 * @module
 */
import { MODELS } from './models.js';
import type { RunMeasure, RunnerMessage, RunRequest } from './runs.js';
import { now, type Sample } from './tasks.js';
import { jobsOf } from './workloads.js';

function send(message: RunnerMessage): void {
  process.send!(message);
}

/** CPU time and peak memory of the child processes among the samples (cumulative counters). */
function childUsage(samples: readonly Sample[]): { cpuUs: number; rssKiB: number } {
  const byPid = new Map<number, { cpuUs: number; rssKiB: number }>();
  for (const s of samples) {
    if (s.pid === process.pid) continue;
    const seen = byPid.get(s.pid) ?? { cpuUs: 0, rssKiB: 0 };
    seen.cpuUs = Math.max(seen.cpuUs, s.processCpuUs);
    seen.rssKiB = Math.max(seen.rssKiB, s.processMaxRssKiB);
    byPid.set(s.pid, seen);
  }
  let cpuUs = 0;
  let rssKiB = 0;
  for (const usage of byPid.values()) {
    cpuUs += usage.cpuUs;
    rssKiB += usage.rssKiB;
  }
  return { cpuUs, rssKiB };
}

async function runRequest(request: RunRequest): Promise<RunMeasure> {
  const model = MODELS.find((m) => m.name === request.model);
  if (model === undefined) throw new Error(`no model ${JSON.stringify(request.model)}`);
  const jobs = jobsOf(request.workload);
  if (request.workload.kind === 'io') {
    // Node loads its HTTP client on the first fetch: do that before the clock starts, so
    // the numbers compare models, not module loading (pool workers still load their own).
    await (await fetch(`${request.workload.url}/warm-up`)).text();
  }
  // The same span in every model: after the imports and the warm-up, from just before the
  // model starts to just after it shut down; every thread of this process (V8's GC and
  // compiler threads too, which is why CPU time can exceed wall time on one thread) plus
  // the child processes that ran tasks. There is no asymmetry between sequential and
  // asyncio: over repeats both cost the same CPU (≈ wall + 20 ms), but a single run of
  // either can cost up to half as much again when other programs compete for the machine.
  const cpuBefore = process.cpuUsage();
  const start = now();
  const samples = await model.run(jobs, {
    workers: request.workers,
    connection: request.connection,
    onDone: () => send({ type: 'progress' }),
  });
  const wallMs = now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const children = childUsage(samples);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system + children.cpuUs) / 1000,
    peakRssBytes: (process.resourceUsage().maxRSS + children.rssKiB) * 1024,
    startedAt: start,
    pid: process.pid,
    samples,
  };
}

// A runner whose parent is gone (killed without a chance to stop us) takes its process
// group — itself and any pool processes — down with it.
let finished = false;
process.once('disconnect', () => {
  if (finished) return;
  if (process.platform === 'win32') process.exit(1);
  process.kill(-process.pid, 'SIGKILL');
});

function finish(message: RunnerMessage): void {
  finished = true;
  send(message);
  process.disconnect();
}

process.once('message', (request: RunRequest) => {
  runRequest(request).then(
    (measure) => finish({ type: 'result', ...measure }),
    (error: unknown) =>
      finish({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
