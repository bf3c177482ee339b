/**
 * CPython beside Node in `concur compare`: finding an interpreter (3.9 or later), the
 * Python models, and one measured run in a fresh `python3 python/models.py` process — the
 * same workloads, so that the tables show, measured, what the GIL does to threads.
 *
 *   concur compare ──spawn (own process group)──► models.py ──► sequential, asyncio,
 *        ▲                                            │         threads, processes…
 *        └──── a JSON line per finished job, then the measure (stdout) ──┘
 *
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { killGroup, type RunHandle, type RunMeasure, type RunnerMessage } from './runs.js';
import type { Workload, WorkloadKind } from './workloads.js';

const PROGRAM = fileURLToPath(new URL('./python/models.py', import.meta.url));

/** The oldest CPython the Python program runs on (`threading.get_native_id`, `asyncio.run`). */
export const MIN_PYTHON: readonly [number, number] = [3, 9];

/**
 * CPython loops run the workloads' arithmetic about 60 times slower than V8's compiled
 * code: by default Python computes a hundredth of Node's numbers, so that its runs take
 * about as long as Node's (`--python-scale 1` gives both the same sizes).
 */
export const DEFAULT_PYTHON_SCALE = 0.01;

/** An interpreter found, or why there is none. */
export type PythonFound =
  { status: 'ok'; executable: string; version: string } | { status: 'skipped'; reason: string };

/** A Python model: its name is the Python API it uses. */
export interface PythonModel {
  name: string;
  how: string;
  kinds: readonly WorkloadKind[];
}

export const PYTHON_MODELS: readonly PythonModel[] = [
  { name: 'sequential', how: 'one job after the other', kinds: ['cpu', 'io', 'mixed'] },
  {
    name: 'asyncio',
    how: 'one coroutine per job, gathered (asyncio streams for HTTP)',
    kinds: ['cpu', 'io', 'mixed'],
  },
  { name: 'threading.Thread', how: 'one thread per job', kinds: ['cpu'] },
  {
    name: 'ThreadPoolExecutor',
    how: 'concurrent.futures thread pool (urllib for HTTP)',
    kinds: ['cpu', 'io', 'mixed'],
  },
  { name: 'multiprocessing.Process', how: 'one process per job, a Queue back', kinds: ['cpu'] },
  { name: 'multiprocessing.Pool', how: 'a pool of processes, imap', kinds: ['cpu'] },
  {
    name: 'ProcessPoolExecutor',
    how: 'concurrent.futures process pool',
    kinds: ['cpu', 'io'],
  },
  {
    name: 'asyncio+ProcessPoolExecutor',
    how: 'waits on the event loop, computing in a process pool (run_in_executor)',
    kinds: ['mixed'],
  },
];

/** Python's share of a workload: the same jobs, its computing scaled by `scale`. */
export function pythonWorkload(workload: Workload, scale: number): Workload {
  switch (workload.kind) {
    case 'cpu':
      return { ...workload, n: Math.max(1, Math.round(workload.n * scale)) };
    case 'io':
      return workload;
    case 'mixed':
      return { ...workload, rounds: Math.max(1, Math.round(workload.rounds * scale)) };
  }
}

/**
 * The interpreter to use: `choice` (from `--python`), else `python3` on the PATH; skipped,
 * with the reason, when it cannot be run or is older than {@link MIN_PYTHON}.
 */
export function findPython(choice: string | null): Promise<PythonFound> {
  const executable = choice ?? 'python3';
  const script = 'import sys; print("%d.%d.%d" % sys.version_info[:3])';
  return new Promise((resolve) => {
    execFile(executable, ['-c', script], { timeout: 10_000 }, (error, stdout) => {
      const hint = choice === null ? ' (--python PATH chooses one)' : '';
      if (error !== null) {
        const why = (error as { code?: unknown }).code === 'ENOENT' ? 'not found' : error.message;
        resolve({ status: 'skipped', reason: `${executable}: ${why.trim()}${hint}` });
        return;
      }
      const version = stdout.trim();
      const [major = 0, minor = 0] = version.split('.').map(Number);
      const [needMajor, needMinor] = MIN_PYTHON;
      if (major < needMajor || (major === needMajor && minor < needMinor)) {
        resolve({
          status: 'skipped',
          reason: `${executable} is Python ${version}; the comparison needs ${needMajor}.${needMinor} or later${hint}`,
        });
        return;
      }
      resolve({ status: 'ok', executable, version });
    });
  });
}

/** Starts one Python run; `onProgress` is called as each job finishes. */
export function startPythonRun(
  executable: string,
  request: { model: string; workload: Workload; workers: number },
  onProgress: () => void,
): RunHandle {
  const child = spawn(executable, [PROGRAM, JSON.stringify(request)], {
    detached: true,
    // stdin stays open and silent: the program kills its group when it closes (we are gone).
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let outcome: RunnerMessage | null = null;
  let unreadable: string | null = null;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    try {
      const message = JSON.parse(line) as RunnerMessage;
      if (message.type === 'progress') onProgress();
      else outcome = message;
    } catch {
      unreadable ??= line;
    }
  });
  const closed = new Promise<void>((resolve) => lines.once('close', resolve));
  const result = new Promise<RunMeasure>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      // Every line is read before the outcome is judged.
      void closed.then(() => {
        child.stdin.destroy();
        const name = `Python ${request.model}`;
        if (outcome?.type === 'result') {
          const { type: _, ...measure } = outcome;
          resolve(measure);
        } else if (outcome?.type === 'error') {
          reject(new Error(`${name}: ${outcome.message}`));
        } else {
          const printed =
            unreadable === null ? '' : `, having printed ${JSON.stringify(unreadable)}`;
          reject(new Error(`${name}: python exited (${signal ?? `code ${code}`})${printed}`));
        }
      });
    });
  });
  return { result, kill: () => killGroup(child) };
}
