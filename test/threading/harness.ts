/**
 * Starts real worker threads running the scripts of fixtures/worker.ts, and cleans them
 * up: every worker is awaited (or terminated) before the test ends, and when one exits
 * the harness calls `markOwnerDead(threadId)`, as concur's pools and `Thread` do.
 */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';

import { ThreadPoolExecutor } from 'concur-ts/futures';
import { encodeShared, markOwnerDead } from 'concur-ts/threading';

import { eventually } from '../fixtures/polling.js';

const FIXTURE = new URL('./fixtures/worker.js', import.meta.url);

/** An error thrown by a script, rebuilt on this side with its name and code. */
export class ScriptError extends Error {
  code: unknown;
  constructor(error: { name: string; message: string; code?: unknown }) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
  }
}

/** One running script. */
export interface Running<R = unknown> {
  readonly worker: Worker;
  readonly threadId: number;
  /** What the script returned; rejects with a ScriptError if it threw. */
  readonly result: Promise<R>;
  /** Resolves with the exit code once the thread is gone (and marked dead). */
  readonly exited: Promise<number>;
}

/** A group of workers started by one test; `close()` ends them all. */
export class Workers {
  private readonly running: Running[] = [];

  /** Starts `script` in a new worker with `args` (shared primitives allowed). */
  start<R = unknown>(script: string, args: Record<string, unknown> = {}): Running<R> {
    const worker = new Worker(FIXTURE, {
      workerData: { script, args: encodeShared(args) },
      execArgv: [],
    });
    const threadId = worker.threadId;
    let settled = false;
    const result = new Promise<R>((resolve, reject) => {
      worker.once('message', (message: { ok: boolean; value?: R; error?: ScriptError }) => {
        settled = true;
        if (message.ok) resolve(message.value as R);
        else reject(new ScriptError(message.error as ScriptError));
      });
      worker.once('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.once('exit', (code) => {
        if (!settled)
          reject(new Error(`worker ${threadId} (${script}) exited with ${code} without a result`));
      });
    });
    // Tests that only care about the exit must not trip an unhandled rejection.
    result.catch(() => undefined);
    const exited = new Promise<number>((resolve) => {
      worker.once('exit', (code) => {
        markOwnerDead(threadId);
        resolve(code);
      });
    });
    const running: Running<R> = { worker, threadId, result, exited };
    this.running.push(running);
    return running;
  }

  /** Starts `count` workers running the same script. */
  startMany<R = unknown>(
    count: number,
    script: string,
    args: Record<string, unknown> = {},
  ): Running<R>[] {
    return Array.from({ length: count }, () => this.start<R>(script, args));
  }

  /** Terminates every worker still running and waits until all have exited. */
  async close(): Promise<void> {
    await Promise.all(
      this.running.map(async (r) => {
        await r.worker.terminate();
        await r.exited;
      }),
    );
  }
}

/**
 * Runs `body` with a fresh group of workers, closing them all afterwards (also when the
 * body throws).
 */
export async function withWorkers(body: (workers: Workers) => Promise<void>): Promise<void> {
  const workers = new Workers();
  try {
    await body(workers);
  } finally {
    await workers.close();
  }
}

/** Every result of `running`. */
export function results<R>(running: Running<R>[]): Promise<R[]> {
  return Promise.all(running.map((r) => r.result));
}

/**
 * Runs `task(...args)` on a one-thread pool, waits until `waiting()` holds (the task is
 * in its wait), then cancels it. The task ignores its abort signal, so the pool kills the
 * worker after `cancelGraceMs` and marks it dead; resolves once that happened.
 */
export async function killMidWait(
  task: (...args: any[]) => unknown,
  args: unknown[],
  waiting: () => boolean,
  what: string,
): Promise<void> {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1, cancelGraceMs: 20 });
  try {
    const future = pool.submit(task, ...args);
    await eventually(waiting, what);
    assert.equal(future.cancel(), true);
    await eventually(() => pool.statistics().workers === 0, 'the killed worker to be gone');
  } finally {
    await pool.shutdown({ wait: true });
  }
}
