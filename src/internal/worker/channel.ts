/**
 * The transport between a pool (or `Thread`) and one worker, as the main side sees it.
 * Threads implement it over a `MessageChannel` (threadChannel.ts); process and distributed
 * workers implement the same interface, so the pool engine does not know which it drives.
 *
 * @module
 */
import type { TaskDef } from './taskRef.js';
import type { Transferable } from '../base/transfer.js';

/** What a channel reports to its owner. */
export interface ChannelEvents {
  /** A protocol message from the worker (see protocol.ts). */
  message(message: unknown[]): void;
  /**
   * The worker is gone. `error` is what killed it (an uncaught error, running out of
   * memory), or `undefined` for a plain exit; `signal` the signal that ended a worker
   * process (then `exitCode` is `null`). Called exactly once, after every message.
   */
  exit(exitCode: number | null, error: unknown, signal: NodeJS.Signals | null): void;
}

/** How to start a worker. */
export interface ChannelInit {
  /** The worker's name (`currentThread().name` inside it). */
  name: string;
  /** A daemon never keeps the process alive. */
  daemon: boolean;
  /** The initializer to run before any task: task number, definition, arguments. */
  initializer: [num: number, def: TaskDef, args: unknown[]] | null;
  /**
   * A worker process that runs one target (`Process`) rather than pool tasks: once the
   * target settled it prints its error, if any, drops the IPC channel and ends when its
   * event loop is empty (code 1 after an error, else 0).
   */
  single?: boolean;
  /** How many tasks the worker may run at once (`concurrentTasksPerWorker`; default 1). */
  concurrency?: number;
  /** Heap limits for a thread worker. */
  resourceLimits?: import('node:worker_threads').ResourceLimits | undefined;
}

/** One worker, as its pool drives it. */
export interface WorkerChannel {
  /** What runs the worker: a thread of this process or a child process. */
  readonly kind: 'thread' | 'process';
  /** The worker's `threadId` (0 for a process: its main thread). */
  readonly threadId: number;
  /** The worker's process id (this process's for a thread). */
  readonly pid: number;
  /**
   * Queues a protocol message; throws synchronously if it cannot be serialised. The worker
   * may not look before `wake()`.
   */
  post(message: unknown[], transfer: readonly Transferable[] | undefined): void;
  /**
   * Tells an idle worker that messages are waiting. Called last, after the bookkeeping of
   * a dispatch: on a machine where both threads share a core, the worker runs only once
   * this thread goes idle, so every instruction after the wake-up delays it.
   */
  wake(): void;
  /**
   * How many tasks the worker has started, in the order they were sent: exact for a
   * thread; for a process, an upper bound unless `startedExactly()`.
   */
  started(): number;
  /** Whether `started()` is the exact count (else: it may count tasks not yet begun). */
  startedExactly(): boolean;
  /** Keep the process alive for this worker (work is in flight). */
  ref(): void;
  /** Let the process exit even though this worker is alive (it is idle). */
  unref(): void;
  /**
   * Asks an idle worker to exit once its output is flushed (a worker's console output
   * travels to this thread asynchronously; terminating it could cut the last lines).
   * Falls back to `terminate()` if it has not exited after a grace period. `exit` follows.
   */
  stop(): void;
  /** Ends the worker at once, whatever it runs; `exit` follows. */
  terminate(): void;
  /** A process worker: ends it with SIGKILL (`terminate` sends SIGTERM first). */
  kill?(): void;
}

/** Starts a worker. */
export type OpenChannel = (init: ChannelInit, events: ChannelEvents) => WorkerChannel;
