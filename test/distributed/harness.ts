/**
 * The distributed executor under test: an executor plus an in-test worker on a fresh
 * queue, stopped together; file handshake cells (shared memory does not cross Redis).
 */
import {
  DistributedExecutor,
  runWorker,
  type DistributedWorker,
  type RunWorkerOptions,
} from 'concur-ts/distributed';
import type { ShutdownOptions, TaskFn } from 'concur-ts/futures';

import { makeFileCells, type FileCells } from '../fixtures/sync.js';

export const TASKS = new URL('../fixtures/tasks.js', import.meta.url);
export const DIST_TASKS = new URL('../fixtures/distributedTasks.js', import.meta.url);

let queues = 0;

/** A queue name no other test uses. */
export function freshQueue(): string {
  return `q${process.pid}-${++queues}`;
}

/** An executor whose `shutdown` also stops its in-test worker once its futures settled. */
export class ExecutorWithWorker extends DistributedExecutor {
  private stopped: Promise<void> | null = null;

  constructor(
    url: string,
    queue: string,
    readonly worker: Promise<DistributedWorker>,
  ) {
    super({ connection: url, queue, cancelGraceMs: 2000 });
    worker.catch(() => undefined); // observed by shutdown
  }

  /** File cells: shared memory does not cross Redis. */
  makeCells(n?: number): FileCells {
    return makeFileCells(n);
  }

  override shutdown(options: ShutdownOptions = {}): Promise<void> {
    const first = super.shutdown(options);
    this.stopped ??= super.shutdown({ wait: true }).then(async () => {
      await (await this.worker).close();
    });
    return options.wait === false ? first : this.stopped;
  }
}

/** Makes an executor and an in-test worker on a fresh queue. */
export function executorWithWorker(
  url: string,
  worker: Partial<RunWorkerOptions> & { maxWorkers?: number; initializer?: TaskFn } = {},
): ExecutorWithWorker {
  const queue = freshQueue();
  const { maxWorkers, ...rest } = worker;
  const started = runWorker({
    connection: url,
    queue,
    tasks: [TASKS, DIST_TASKS],
    concurrency: maxWorkers ?? 2,
    ...rest,
  });
  return new ExecutorWithWorker(url, queue, started);
}
