/**
 * `Thread`: one function run in a new worker thread.
 *
 *   main                                   worker thread (internal/worker/threadMain.ts)
 *   start() ── new Worker ── [RUN target] ──► target(...args)
 *   excepthook ◄── [RESULTS id ERROR …] ◄──── (the result itself is discarded)
 *   join() ◄──── 'exit' ◄── [STOP] once the target settled (flush output, exit)
 *
 * @module
 */
import { nodeBuiltin } from '../internal/runtime/support.js';
import { inspectCustom } from '../internal/runtime/inspect.js';

import { InvalidStateError, RemoteError } from '../errors.js';
import { refuseWhileImporting } from '../internal/worker/bootstrap.js';
import type { TaskFn } from '../futures/Executor.js';
import type { WorkerChannel } from '../internal/worker/channel.js';
import { liveBegin, liveEnd } from '../internal/base/liveObjects.js';
import { markOwnerDead } from '../internal/shm/owners.js';
import { RESULTS, ST_ERROR, ST_LOCAL, ST_THROWN } from '../internal/worker/protocol.js';
import { failureOf } from '../internal/worker/outcomes.js';
import {
  joinEnd,
  joinTimeout,
  prepareTarget,
  runMessage,
  targetOptions,
  type TargetOptions,
} from '../internal/worker/target.js';
import { checkThreadsCanStart, openThreadChannel } from '../internal/worker/threadChannel.js';
import { argTypeError, show } from '../internal/base/validate.js';
import { reportThreadError } from './excepthook.js';

const { isMainThread, threadId } =
  nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

/** Options of {@link Thread}: `target`, `args`, `name`, `daemon`. */
export type ThreadOptions<F extends TaskFn> = TargetOptions<F>;

let threadCount = 0;
/** Threads started from this thread and still alive. */
const live = new Set<Thread>();

/** @internal The threads started here that are alive (for `enumerate`). */
export function liveThreads(): Thread[] {
  return [...live];
}

/** @internal The daemon flag new threads inherit (set by currentThread.ts in workers). */
export const inherited = { daemon: false };

/**
 * A function running in its own worker thread.
 *
 * Python equivalent: `threading.Thread(target, args, name, daemon)`. Differences:
 * - the target runs in a `worker_threads` thread with its own heap: it is a task
 *   reference (`defineTask`) or a self-contained function, and its arguments are
 *   structured-cloned — share state through concur's threading primitives, which
 *   arrive as the same primitive;
 * - `join(ms)` is async and resolves to whether the thread has ended (`true`), which is
 *   Python's `not t.is_alive()` after `t.join(timeout)`;
 * - the target's return value is discarded, as in Python, but an error it throws goes to
 *   `setExcepthook`'s handler and never crashes the thread that started it;
 * - the thread ends when the target returns (or its promise settles), as a Python thread
 *   ends with its `run()`: timers or promises the target left behind are dropped, once
 *   its console output is flushed;
 * - `ident` is the worker's `threadId` (the main thread is 0).
 *
 * Cancellation: a thread cannot be interrupted (as in Python); signal it through a shared
 * `Event` or flag it checks.
 *
 * @throws {TypeError} a missing or non-function `target`, non-array `args`.
 * @throws {SerializationError} `args` that cannot cross to a thread.
 *
 * @example
 * ```ts
 * const t = new Thread({ target: threadTask, args: ['Thread A', 200] });
 * t.start();
 * await t.join();
 * ```
 */
export class Thread<F extends TaskFn = TaskFn> {
  /** The thread's name; settable. */
  name: string;
  private isDaemon: boolean;
  private readonly num: number;
  private readonly args: unknown[];
  private readonly shared: boolean;
  private channel: WorkerChannel | null = null;
  private id: number | null = null;
  private started = false;
  private alive = false;
  private joiners = 0;
  private readonly exited: Promise<void>;
  private resolveExited!: () => void;
  /** @internal A thread this thread did not start (main, itself in a worker). */
  readonly _external: boolean;

  constructor(options: ThreadOptions<F>);
  /** @internal */
  constructor(
    options: ThreadOptions<F>,
    external: { name: string; ident: number; daemon: boolean },
  );
  constructor(
    options: ThreadOptions<F>,
    external?: { name: string; ident: number; daemon: boolean },
  ) {
    this.exited = new Promise<void>((resolve) => {
      this.resolveExited = resolve;
    });
    if (external !== undefined) {
      this._external = true;
      this.name = external.name;
      this.isDaemon = external.daemon;
      this.id = external.ident;
      this.started = true;
      this.alive = true;
      this.num = -1;
      this.args = [];
      this.shared = false;
      return;
    }
    this._external = false;
    const { target, args, name, daemon } = targetOptions('Thread', options);
    const prepared = prepareTarget('Thread', target, args, false);
    this.num = prepared.num;
    this.args = prepared.args;
    this.shared = prepared.shared;
    threadCount++;
    this.name = name ?? `Thread-${threadCount}${target.name ? ` (${target.name})` : ''}`;
    this.isDaemon = daemon ?? inherited.daemon;
  }

  /** Whether the thread is a daemon. Settable only before `start()`. */
  get daemon(): boolean {
    return this.isDaemon;
  }

  set daemon(value: boolean) {
    if (this.started) throw new InvalidStateError('cannot set daemon status of active thread');
    if (typeof value !== 'boolean')
      throw argTypeError(`daemon must be a boolean, got ${show(value)}`);
    this.isDaemon = value;
  }

  /** The thread's id (the worker's `threadId`), or `null` before `start()`. */
  get ident(): number | null {
    return this.id;
  }

  /**
   * Starts the thread. Python: `Thread.start()`.
   * @throws {InvalidStateError} when called twice ("threads can only be started once").
   * @throws {BootstrapError} in a worker importing a task module: see `isWorker()`.
   * @throws {UnsupportedRuntimeError} in a program bundled so that its threads have no file
   *   to start from (as CommonJS; with build-time paths for `import.meta.url`).
   */
  start(): void {
    if (this.started) throw new InvalidStateError('threads can only be started once');
    refuseWhileImporting('a Thread');
    checkThreadsCanStart();
    this.started = true;
    this.alive = true;
    const channel = openThreadChannel(
      { name: this.name, daemon: this.isDaemon, initializer: null },
      {
        message: (message) => this.onMessage(message),
        exit: (_code, error) => this.onExit(error),
      },
    );
    this.channel = channel;
    this.id = channel.threadId;
    if (!this.isDaemon) channel.ref();
    live.add(this);
    liveBegin('threads', this);
    this._launch();
  }

  /**
   * @internal Sends the target to the started worker. `Timer` delays this until its
   * interval has passed.
   */
  protected _launch(): void {
    const channel = this.channel!;
    channel.post(runMessage({ num: this.num, args: this.args, shared: this.shared }), undefined);
    channel.wake();
  }

  /**
   * @internal Ends a started thread whose target was never sent (a cancelled `Timer`):
   * its worker exits, and `join` resolves once it has.
   */
  protected _abandon(): void {
    this.channel?.stop();
  }

  /**
   * Waits for the thread to end, or at most `timeout` ms; resolves `true` if it has
   * ended, `false` if the timeout came first (Python: `join(timeout)` followed by
   * `not is_alive()`). A pending `join` keeps the process alive, even for a daemon.
   *
   * @throws {InvalidStateError} before `start()`, or when joining the current thread.
   * @throws {RangeError} a negative `timeout`.
   */
  join(timeout?: number | null): Promise<boolean> {
    if (!this.started) throw new InvalidStateError('cannot join thread before it is started');
    if (this._external) {
      throw new InvalidStateError(
        this.id === threadId ? 'cannot join current thread' : `cannot join ${this.name} from here`,
      );
    }
    return joinEnd(
      this.exited,
      joinTimeout(timeout, false),
      () => !this.alive,
      () => {
        this.joiners++;
        this.channel!.ref();
      },
      () => {
        if (--this.joiners === 0 && this.isDaemon && this.alive) this.channel!.unref();
      },
    );
  }

  /** True from `start()` until the thread has ended. Python: `is_alive()`. */
  isAlive(): boolean {
    return this.alive;
  }

  /** `<Thread(Thread-1 (work), started 3)>`, as Python's repr. */
  [inspectCustom](): string {
    const state = !this.started
      ? 'initial'
      : this.alive
        ? `started${this.isDaemon ? ' daemon' : ''} ${this.id}`
        : 'stopped';
    return `<Thread(${this.name}, ${state})>`;
  }

  private onMessage(message: unknown[]): void {
    if (message[0] !== RESULTS) return;
    const status = message[2] as number;
    if (status === ST_ERROR || status === ST_LOCAL || status === ST_THROWN) {
      const excValue = failureOf(status, message[3], this.num);
      const excType =
        excValue instanceof RemoteError
          ? excValue.remoteName
          : excValue instanceof Error
            ? excValue.name
            : typeof excValue;
      reportThreadError({ excType, excValue, thread: this });
    }
    // The target is done: the thread ends now, as a Python thread ends with its run()
    // (once its console output is flushed).
    this.channel!.stop();
  }

  private onExit(error: unknown): void {
    this.alive = false;
    live.delete(this);
    liveEnd('threads', this);
    markOwnerDead(this.id!);
    if (error !== undefined) {
      const excType = error instanceof Error ? error.name : typeof error;
      reportThreadError({ excType, excValue: error, thread: this });
    }
    this.resolveExited();
  }
}

/** @internal Makes the `Thread` object of a thread this thread did not start. */
export function externalThread(name: string, ident: number, daemon: boolean): Thread {
  return new Thread({ target: () => undefined }, { name, ident, daemon });
}

/** @internal True in the main thread. */
export const onMainThread = isMainThread;
