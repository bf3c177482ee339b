/**
 * One measured run — a model on a workload — in a fresh child process, so that peak memory
 * and CPU time belong to that run alone:
 *
 *   concur compare ──fork (own process group)──► runner.js ──► model: in place, threads,
 *        ▲                                          │            or child processes
 *        └──── {progress} per job, {result} ────────┘
 *
 * The runner leads its own process group: stopping a run kills the group, pool processes
 * included, and a runner whose parent vanished kills its group too.
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { ModelName } from './models.js';
import type { Sample } from './tasks.js';
import type { Workload } from './workloads.js';

/** What the parent asks the runner to do. */
export interface RunRequest {
  model: ModelName;
  workload: Workload;
  workers: number;
  connection: string | null;
}

/** What a run measured. */
export interface RunMeasure {
  /** From before the model starts (pool start-up included) to after it shut down. */
  wallMs: number;
  /** CPU time (user + system) of the runner and of every child process that ran a task. */
  cpuMs: number;
  /** Peak resident memory of the runner plus the peak of each child process, bytes. */
  peakRssBytes: number;
  /** When the clock started (ms since the epoch, as the samples' times). */
  startedAt: number;
  /** The runner's pid: samples from other pids ran in child processes. */
  pid: number;
  samples: Sample[];
}

/** Messages from the runner. */
export type RunnerMessage =
  { type: 'progress' } | ({ type: 'result' } & RunMeasure) | { type: 'error'; message: string };

const RUNNER = fileURLToPath(new URL('./runner.js', import.meta.url));

/** A run under way: its result, and a way to stop it at once. */
export interface RunHandle {
  result: Promise<RunMeasure>;
  /** Kills the runner's process group (the runner and every process it started). */
  kill(): void;
}

/** Starts a run in a fresh runner process; `onProgress` is called as each job finishes. */
export function startRun(request: RunRequest, onProgress: () => void): RunHandle {
  const child = fork(RUNNER, [], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let outcome: RunnerMessage | null = null;
  const result = new Promise<RunMeasure>((resolve, reject) => {
    child.on('message', (message: RunnerMessage) => {
      if (message.type === 'progress') onProgress();
      else outcome = message;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (outcome?.type === 'result') {
        const { type: _, ...measure } = outcome;
        resolve(measure);
      } else if (outcome?.type === 'error') {
        reject(new Error(`${request.model}: ${outcome.message}`));
      } else {
        reject(new Error(`${request.model}: the runner exited (${signal ?? `code ${code}`})`));
      }
    });
  });
  child.send(request);
  return { result, kill: () => killGroup(child) };
}

/** Kills the process group `child` leads (it and every process it started), if still there. */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  // Windows has no process groups: there the pool's own parent watch ends its workers.
  if (process.platform === 'win32') {
    child.kill('SIGKILL');
    return;
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((error as { code?: unknown }).code !== 'ESRCH') throw error;
  }
}
