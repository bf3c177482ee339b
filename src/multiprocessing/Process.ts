/**
 * `Process`: one function run in a new child process.
 *
 *   parent                                    child (processMain.ts, single-target mode)
 *   start() ── fork ── [INIT] [RUN target] ──► target(...args)
 *                                              error? print "Process <name>:" + stack
 *                                              disconnect; end once the event loop is empty
 *   join() ◄── 'close' (code | signal) ◄──── exit: the code given to process.exit, 1 after
 *   exitcode: code, or −N for signal N         an error, else 0
 *
 * @module
 */
import { osBuiltin } from '../internal/runtime/support.js';
import { inspectCustom } from '../internal/runtime/inspect.js';

import { InvalidStateError } from '../errors.js';
import { refuseWhileImporting } from '../internal/worker/bootstrap.js';
import { liveBegin, liveEnd } from '../internal/base/liveObjects.js';
import type { TaskFn } from '../futures/Executor.js';
import type { WorkerChannel } from '../internal/worker/channel.js';
import { checkProcessesCanStart, openProcessChannel } from '../internal/worker/processChannel.js';
import { identity } from '../internal/worker/processInfo.js';
import {
  joinEnd,
  joinTimeout,
  prepareTarget,
  runMessage,
  targetOptions,
  type TargetOptions,
} from '../internal/worker/target.js';
import { argTypeError, show } from '../internal/base/validate.js';

/** Options of {@link Process}: `target`, `args`, `name`, `daemon`. */
export type ProcessOptions<F extends TaskFn> = TargetOptions<F>;

let processCount = 0;
/** Processes started here and not yet ended. */
const live = new Set<Process>();

/** @internal The processes started here that are alive (for `activeChildren`). */
export function liveProcesses(): Process[] {
  return [...live];
}

const INITIAL = 0;
const STARTED = 1;
const CLOSED = 2;

/**
 * A function running in its own child process.
 *
 * Python equivalent: `multiprocessing.Process(target, args, name, daemon)` with the
 * `spawn` start method. Differences:
 * - the target is a task reference (`defineTask`) or a self-contained function, checked
 *   at `start()`; its arguments are structured-cloned (not pickled);
 * - `join(ms)` is async and resolves to whether the process has ended (`true`) — Python's
 *   `join(timeout)` followed by `not p.is_alive()`; a negative `ms` counts as 0;
 * - once the target has returned (or its promise settled), the process ends when what the
 *   target started has finished — as a Python process ends after `run()` only once its
 *   non-daemon threads ended and its queues flushed: items put on a `Queue` are delivered,
 *   but a timer the target left running (`setInterval`) keeps it alive until cleared or
 *   `terminate()`d;
 * - `exitcode`: 0, the code given to `process.exit`, 1 after an error the target threw
 *   (printed to stderr as `Process <name>:` and its stack), `-N` after signal N;
 * - every child exits when this process does, daemon or not (Python joins non-daemon
 *   children at exit: here a live non-daemon child keeps this process running instead,
 *   so the effect is the same unless this process is killed).
 *
 * Cancellation: `terminate()` (SIGTERM), `kill()` (SIGKILL) or `interrupt()` (SIGINT).
 *
 * @example
 * ```ts
 * const p = new Process({ target: sumSquares, args: [10_000_000] });
 * p.start();
 * await p.join();
 * console.log(p.exitcode); // 0
 * ```
 */
export class Process<F extends TaskFn = TaskFn> {
  /** The process's name; settable. */
  name: string;
  private isDaemon: boolean;
  private readonly target: unknown;
  private readonly args: unknown[];
  private channel: WorkerChannel | null = null;
  private state = INITIAL;
  private id: number | null = null;
  private code: number | null = null;
  private alive = false;
  private joiners = 0;
  private readonly ended: Promise<void>;
  private resolveEnded!: () => void;
  /** @internal A process this process did not start (itself, its parent). */
  readonly _external: boolean;

  constructor(options: ProcessOptions<F>);
  /** @internal */
  constructor(options: ProcessOptions<F>, external: { name: string; pid: number; daemon: boolean });
  constructor(
    options: ProcessOptions<F>,
    external?: { name: string; pid: number; daemon: boolean },
  ) {
    this.ended = new Promise<void>((resolve) => {
      this.resolveEnded = resolve;
    });
    if (external !== undefined) {
      this._external = true;
      this.name = external.name;
      this.isDaemon = external.daemon;
      this.id = external.pid;
      this.state = STARTED;
      this.alive = true;
      this.target = null;
      this.args = [];
      return;
    }
    this._external = false;
    const { target, args, name, daemon } = targetOptions('Process', options);
    this.target = target;
    this.args = args;
    processCount++;
    this.name = name ?? `Process-${processCount}`;
    this.isDaemon = daemon ?? identity.daemon;
  }

  /** Whether the process is a daemon. Settable only before `start()`. */
  get daemon(): boolean {
    return this.isDaemon;
  }

  set daemon(value: boolean) {
    if (this.state !== INITIAL) throw new InvalidStateError('process has already started');
    if (typeof value !== 'boolean') {
      throw argTypeError(`daemon must be a boolean, got ${show(value)}`);
    }
    this.isDaemon = value;
  }

  /** The process id, or `null` before `start()`. Python: `pid` / `ident`. */
  get pid(): number | null {
    this.checkOpen();
    return this.id;
  }

  /**
   * How the process ended: `null` before start and while it runs, then its exit code —
   * or `-N` if signal N ended it. Python: `exitcode`.
   */
  get exitcode(): number | null {
    this.checkOpen();
    return this.code;
  }

  /**
   * Starts the process. Python: `Process.start()`.
   * @throws {InvalidStateError} when called twice, or after `close()`.
   * @throws {TypeError} a target that is not a `defineTask` reference or a self-contained
   * function.
   * @throws {SerializationError} `args` that cannot cross to another process.
   * @throws {BootstrapError} in a worker importing a task module: see `isWorker()`.
   * @throws {UnsupportedRuntimeError} in a program bundled so that its processes have no
   *   file to start from (as CommonJS; with build-time paths for `import.meta.url`).
   */
  start(): void {
    this.checkOpen();
    if (this.state !== INITIAL || this._external) {
      throw new InvalidStateError('cannot start a process twice');
    }
    refuseWhileImporting('a Process');
    checkProcessesCanStart();
    const prepared = prepareTarget('Process', this.target, this.args, true);
    this.state = STARTED;
    this.alive = true;
    const channel = openProcessChannel(
      { name: this.name, daemon: this.isDaemon, initializer: null, single: true },
      {
        message: () => undefined,
        exit: (exitCode, _error, signal) => this.onExit(exitCode, signal),
      },
    );
    this.channel = channel;
    this.id = channel.pid;
    channel.post(runMessage(prepared), undefined);
    if (!this.isDaemon) channel.ref();
    live.add(this);
    liveBegin('processes', this);
  }

  /**
   * Waits for the process to end, or at most `timeout` ms; resolves `true` if it has
   * ended, `false` if the timeout came first (Python: `join(timeout)` followed by
   * `not is_alive()`; a negative timeout returns at once, as in Python). A pending `join`
   * keeps this process alive, even for a daemon.
   *
   * @throws {InvalidStateError} before `start()`, after `close()`, or on a process this
   * process did not start.
   */
  join(timeout?: number | null): Promise<boolean> {
    this.checkOpen();
    if (this.state === INITIAL) throw new InvalidStateError('can only join a started process');
    if (this._external) throw new InvalidStateError(`can only join a child process`);
    return joinEnd(
      this.ended,
      joinTimeout(timeout, true),
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

  /** True from `start()` until the process has ended. Python: `is_alive()`. */
  isAlive(): boolean {
    this.checkOpen();
    return this.alive;
  }

  /**
   * Sends SIGTERM: the process ends (`exitcode` −15) unless it handles the signal.
   * Harmless once it ended. Python: `terminate()`.
   * @throws {InvalidStateError} before `start()` or after `close()`.
   */
  terminate(): void {
    this.signal('SIGTERM');
  }

  /** Sends SIGKILL (`exitcode` −9). Python: `kill()`. @throws as `terminate()`. */
  kill(): void {
    this.signal('SIGKILL');
  }

  /**
   * Sends SIGINT, as Ctrl-C would: the process ends (`exitcode` −2) unless the target
   * handles the signal (`process.on('SIGINT')`). Python: `interrupt()` (3.14), where the
   * default is a `KeyboardInterrupt` (exit code 1). @throws as `terminate()`.
   */
  interrupt(): void {
    this.signal('SIGINT');
  }

  /**
   * Releases the process object; afterwards most methods throw. Idempotent.
   * Python: `close()`.
   * @throws {InvalidStateError} while the process is still running.
   */
  close(): void {
    if (this.state === CLOSED) return;
    if (this.alive && !this._external) {
      throw new InvalidStateError(
        `cannot close ${this.name} while it is still running: join() or terminate() it first`,
      );
    }
    this.state = CLOSED;
    this.channel = null;
  }

  /** `<Process name='Process-1' pid=123 parent=100 started>`, as Python's repr. */
  [inspectCustom](): string {
    let state: string;
    if (this.state === CLOSED) state = 'closed';
    else if (this.state === INITIAL) state = 'initial';
    else if (this.alive) state = 'started';
    else state = `stopped exitcode=${this.code}`;
    const pid = this.id === null || this.state === CLOSED ? '' : ` pid=${this.id}`;
    const parent = this._external ? '' : ` parent=${process.pid}`;
    const daemon = this.isDaemon && this.state !== CLOSED ? ' daemon' : '';
    return `<Process name='${this.name}'${pid}${parent} ${state}${daemon}>`;
  }

  private signal(signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT'): void {
    this.checkOpen();
    if (this.state === INITIAL) {
      throw new InvalidStateError(`cannot signal ${this.name}: it was not started`);
    }
    if (this._external) throw new InvalidStateError('can only signal a child process');
    if (!this.alive) return;
    process.kill(this.id!, signal);
  }

  private checkOpen(): void {
    if (this.state === CLOSED) throw new InvalidStateError('process object is closed');
  }

  private onExit(exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.alive = false;
    this.code = signal === null ? exitCode : -(osBuiltin().constants.signals[signal] ?? 0);
    live.delete(this);
    liveEnd('processes', this);
    this.resolveEnded();
  }
}

/** @internal Makes the `Process` object of a process this process did not start. */
export function externalProcess(name: string, pid: number, daemon: boolean): Process {
  return new Process({ target: () => undefined }, { name, pid, daemon });
}
