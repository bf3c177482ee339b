/**
 * The worker side of the runtime, independent of the transport (threads today; processes
 * and distributed workers reuse it through `WorkerEndpoint`).
 *
 *   endpoint ──receive([RUN …])──► backlog ──(imports the task modules it needs)──► execute
 *                                                                                     │
 *   endpoint ◄──post([RESULTS …])── out (one message per batch, or per setImmediate ◄─┘
 *                                        turn for tasks that returned a promise)
 *
 * Tasks start in arrival order, one after the other: the next starts only once the one
 * before it has settled (its promise too), so that a pool's `maxWorkers` bounds what runs
 * at once — unless the pool allows `concurrency` tasks per worker, when that many may be
 * pending together. Results are gathered and sent in one message: at the end of a batch,
 * at the next `setImmediate` turn once the running task waits, before a task flagged
 * CTL_FLUSH (the pool flags a change of task: its length is unknown, and the results
 * before it must not wait for it), and before any task once the oldest unsent result is
 * FLUSH_MS old. A result thus waits behind a later task at most FLUSH_MS of tiny tasks.
 *
 * @module
 */
import { BootstrapError, TimeoutError, CancelledError } from '../../errors.js';
import { isTransfer } from '../base/transfer.js';
import { markWorker } from './bootstrap.js';
import { checkCloneable, cloneFailure, serializeError, throwsAsValue } from './codec.js';
import {
  ABORT,
  ABORT_TIMEOUT,
  CTL_CHUNK,
  CTL_DISCARD,
  CTL_FLUSH,
  CTL_SHARED,
  CTL_SHIFT,
  LOCAL_BOOTSTRAP,
  LOCAL_NOT_SELF_CONTAINED,
  LOCAL_SERIALIZATION,
  RESULTS,
  RUN,
  STOP,
  ST_ERROR,
  ST_LOCAL,
  ST_OK,
  ST_OK_SHARED,
  ST_SKIPPED,
  ST_THROWN,
} from './protocol.js';
import { decodeShared, encodeShared } from '../shm/shareable.js';
import { carriesShared, loadSharedTypes, sharedTypesLoaded } from './sharedTypes.js';
import { TaskTable, type LocalFailure } from './taskTable.js';
import { monotonicNow } from '../runtime/clock.js';
import type { TaskDef, TaskFunction } from './taskRef.js';
import type { Transferable } from '../base/transfer.js';

/** What the runtime needs from its transport. */
export interface WorkerEndpoint {
  /** Sends `message`; throws synchronously (e.g. `DataCloneError`) if it cannot be sent. */
  post(message: unknown[], transfer: Transferable[] | undefined): void;
  /**
   * Records that one more task (in arrival order) is about to start; `exact` when the
   * owner should know precisely which (a task of unknown length: see CTL_FLUSH).
   */
  started(exact: boolean): void;
  /** Nothing is running: the endpoint may wait for the next message its fastest way. */
  idle(): void;
  /** The owner asked this worker to exit (results are flushed already). */
  stop(): void;
}

/**
 * How long a result may wait for the tasks after it (ms): sending after every task would
 * cost a message each, the price batching exists to avoid.
 */
const FLUSH_MS = 1;

// The task running right now (synchronously) in this thread, for `taskSignal()`.
let current: WorkerRuntime | null = null;
let currentId = -1;

// The signal of a task called on this thread's own loop (a distributed worker's
// `pool: 'none'`) while its synchronous part runs: made on first request.
let inlineSignal: (() => AbortSignal) | null = null;

/**
 * The `AbortSignal` of the pool task whose synchronous part is running now, or `null`
 * outside one.
 */
export function runningTaskSignal(): AbortSignal | null {
  if (current !== null) return current._signalFor(currentId);
  return inlineSignal === null ? null : inlineSignal();
}

/**
 * Calls `fn()` with `signal` as what `taskSignal()` returns during its synchronous part:
 * a task run outside a pool. `signal` is called only if the task asks.
 */
export function callWithSignal<T>(signal: () => AbortSignal, fn: () => T): T {
  const outer = inlineSignal;
  inlineSignal = signal;
  try {
    return fn();
  } finally {
    inlineSignal = outer;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` on every call of a chunk (`arity` arguments per call, one after another in
 * `values`): the list of results, or a promise of it if any result is a promise. The first
 * error fails the whole chunk (Python's `_process_chunk`).
 */
function runChunk(
  fn: TaskFunction,
  arity: number,
  values: unknown[],
): unknown[] | Promise<unknown[]> {
  const calls = arity === 0 ? 0 : values.length / arity;
  const out = new Array<unknown>(calls);
  let async = false;
  for (let k = 0; k < calls; k++) {
    const result = arity === 1 ? fn(values[k]) : fn(...values.slice(k * arity, (k + 1) * arity));
    if (isThenable(result)) async = true;
    out[k] = result;
  }
  return async ? Promise.all(out) : out;
}

function abortReason(reason: number): Error {
  return reason === ABORT_TIMEOUT
    ? new TimeoutError('the task exceeded the pool’s taskTimeout')
    : new CancelledError('the task was cancelled');
}

/** Runs the tasks a pool or `Thread` sends to this worker. */
export class WorkerRuntime {
  /** The tasks this worker was told of, by number. */
  private readonly tasks = new TaskTable();
  /** RUN messages not yet executed (the head may wait for a module import). */
  private readonly backlog: unknown[][] = [];
  /** Where the next task of the head of `backlog` starts. */
  private cursor = 2;
  private loading = false;
  /** `drain` is on the stack (a thenable that settles synchronously must not re-enter it). */
  private draining = false;
  private out: unknown[] = [RESULTS];
  /** When the oldest result in `out` was added (monotonicNow()). */
  private outSince = 0;
  private outTransfer: Transferable[] | undefined = undefined;
  /** Transfer list per task id, kept only while a batch with transfers is unsent. */
  private transferOf: Map<number, readonly Transferable[]> | null = null;
  private flushQueued = false;
  /** Tasks whose promise has not settled yet (at most `concurrency`). */
  private readonly pending = new Set<number>();
  private signals: Map<number, AbortController> | null = null;
  /** Tasks aborted before they started: they are skipped. */
  private skip: Set<number> | null = null;

  /**
   * @param concurrency How many tasks may be pending at once (their promises unsettled);
   *   settable until the first task arrives.
   */
  constructor(
    private readonly endpoint: WorkerEndpoint,
    public concurrency = 1,
  ) {
    markWorker();
  }

  /** True while a task runs, waits for its module or has a result unsent. */
  busy(): boolean {
    return this.pending.size > 0 || this.backlog.length > 0 || this.out.length > 1;
  }

  /** Handles one message from the main side. */
  receive(message: unknown[]): void {
    if (message[0] === RUN) {
      this.backlog.push(message);
      if (!this.loading && this.pending.size < this.concurrency) this.drain();
    } else if (message[0] === ABORT) {
      this.abort(message[1] as number, message[2] as number);
    } else if (message[0] === STOP) {
      this.flush();
      this.endpoint.stop();
    }
  }

  /**
   * Runs the pool's `initializer` (task `def` with `args`) before any task. Rejects with
   * what it threw, or with the reason its module could not be loaded.
   */
  async initialize(num: number, def: TaskDef, args: unknown[]): Promise<void> {
    const load = this.tasks.define(num, def);
    if (load !== null) await load;
    const fn = this.tasks.fns[num];
    if (fn === undefined) {
      const failure = this.tasks.failures[num]!;
      if (failure[0] === LOCAL_BOOTSTRAP) throw new BootstrapError(failure[1]);
      throw Object.assign(new Error(failure[1]), { cause: failure[2] });
    }
    if (args.length > 0) await loadSharedTypes().catch(() => undefined);
    await fn(...(decodeShared(args) as unknown[]));
  }

  /** Sends every result gathered so far (also called from the worker's exit hook). */
  flush(): void {
    if (this.out.length === 1) return;
    const out = this.out;
    const transfer = this.outTransfer;
    const transferOf = this.transferOf;
    this.out = [RESULTS];
    this.outTransfer = undefined;
    this.transferOf = null;
    try {
      this.endpoint.post(out, transfer);
    } catch {
      // One result refused to clone (checkCloneable cannot see everything, e.g. a value
      // beyond its budget): send them one by one so that only that one fails.
      this.postEach(out, transferOf);
    }
  }

  /** @internal The signal of task `id`, made on first request. */
  _signalFor(id: number): AbortSignal {
    const signals = (this.signals ??= new Map());
    let controller = signals.get(id);
    if (controller === undefined) {
      controller = new AbortController();
      signals.set(id, controller);
    }
    return controller.signal;
  }

  private postEach(out: unknown[], transferOf: Map<number, readonly Transferable[]> | null): void {
    for (let i = 1; i < out.length; i += 3) {
      const id = out[i] as number;
      const list = transferOf?.get(id);
      try {
        this.endpoint.post([RESULTS, id, out[i + 1], out[i + 2]], list ? [...list] : undefined);
      } catch (error) {
        const failure: LocalFailure = [
          LOCAL_SERIALIZATION,
          cloneFailure('the result', error).message,
          serializeError(error),
        ];
        this.endpoint.post([RESULTS, id, ST_LOCAL, failure], undefined);
      }
    }
  }

  /** Runs what the backlog holds, as far as the concurrency allows. */
  private drain(): void {
    const backlog = this.backlog;
    this.draining = true;
    try {
      while (backlog.length > 0) {
        const message = backlog[0]!;
        if (this.cursor === 2 && this.mustLoad(message)) {
          this.flushSoon(); // (answers need not wait for an import)
          return;
        }
        if (!this.execute(message)) {
          // A task is pending and no other may start: what finished before it goes out
          // once it really waits (tasks that only await settled promises share a message).
          this.flushSoon();
          return;
        }
        backlog.shift();
        this.cursor = 2;
      }
    } finally {
      this.draining = false;
    }
    this.flush();
    if (this.pending.size === 0) this.endpoint.idle();
  }

  /**
   * Starts what `message` needs before its first task can run — its task modules, the
   * shareable types — and returns true while that loads (`drain` resumes after).
   */
  private mustLoad(message: unknown[]): boolean {
    const defs = message[1] as unknown[] | null;
    if (defs !== null) {
      let loads: Promise<void>[] | null = null;
      for (let i = 0; i < defs.length; i += 2) {
        const load = this.tasks.define(defs[i] as number, defs[i + 1] as TaskDef);
        if (load !== null) (loads ??= []).push(load);
      }
      if (loads !== null) {
        this.loading = true;
        void Promise.all(loads).then(() => {
          this.loading = false;
          this.drain();
        });
        return true;
      }
    }
    if (!sharedTypesLoaded() && carriesShared(message)) {
      // The first shared primitive to arrive: load every shareable type first, so that
      // decoding does not depend on what the task's module happens to import.
      this.loading = true;
      const resume = (): void => {
        this.loading = false;
        this.drain();
      };
      void loadSharedTypes().then(resume, resume);
      return true;
    }
    return false;
  }

  /**
   * Runs the tasks of `message` from the cursor on, one after the other; returns false if
   * it stopped because `concurrency` tasks are pending (the cursor marks where it stopped).
   */
  private execute(message: unknown[]): boolean {
    const endpoint = this.endpoint;
    const length = message.length;
    let i = this.cursor;
    while (i < length) {
      if (this.pending.size >= this.concurrency) {
        this.cursor = i;
        return false;
      }
      const id = message[i] as number;
      const ctl = message[i + 1] as number;
      const argc = message[i + 2] as number;
      const at = i + 3;
      i = at + argc;
      const exact = (ctl & CTL_FLUSH) !== 0;
      // (The clock is read only while results wait to be sent.)
      if (this.out.length > 1 && (exact || monotonicNow() - this.outSince >= FLUSH_MS)) {
        this.flush();
      }
      endpoint.started(exact);
      if (this.skip !== null && this.skip.delete(id)) {
        this.push(id, ST_SKIPPED, undefined);
        continue;
      }
      const num = ctl >>> CTL_SHIFT;
      const fn = this.tasks.fns[num];
      if (fn === undefined) {
        this.push(id, ST_LOCAL, this.tasks.failures[num]);
        continue;
      }
      let result: unknown;
      current = this;
      currentId = id;
      try {
        if ((ctl & CTL_CHUNK) !== 0) {
          const values = message[at + 1];
          const decoded = (ctl & CTL_SHARED) !== 0 ? decodeShared(values) : values;
          result = runChunk(fn, message[at] as number, decoded as unknown[]);
        } else if ((ctl & CTL_SHARED) !== 0) {
          result = fn(...(decodeShared(message.slice(at, i)) as unknown[]));
        } else if (argc === 1) {
          result = fn(message[at]);
        } else if (argc === 0) {
          result = fn();
        } else if (argc === 2) {
          result = fn(message[at], message[at + 1]);
        } else {
          result = fn(...message.slice(at, i));
        }
      } catch (error) {
        current = null;
        this.fail(id, num, error);
        continue;
      }
      current = null;
      if (isThenable(result)) this.track(id, ctl, result);
      else this.settle(id, ctl, result);
    }
    return true;
  }

  /** Adds an answer to the next RESULTS message. */
  private push(id: number, status: number, value: unknown): void {
    if (this.out.length === 1) this.outSince = monotonicNow();
    this.out.push(id, status, value);
  }

  private flushSoon(): void {
    if (this.out.length > 1 && !this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushLater);
    }
  }

  private track(id: number, ctl: number, promise: PromiseLike<unknown>): void {
    this.pending.add(id);
    try {
      promise.then(
        (value) => this.settleLater(id, ctl, true, value),
        (error) => this.settleLater(id, ctl, false, error),
      );
    } catch (error) {
      this.settleLater(id, ctl, false, error);
    }
  }

  private settleLater(id: number, ctl: number, ok: boolean, value: unknown): void {
    if (!this.pending.delete(id)) return; // a thenable that settled twice
    if (ok) this.settle(id, ctl, value);
    else this.fail(id, ctl >>> CTL_SHIFT, value);
    // The next task may start now (it was held by the concurrency).
    if (this.backlog.length > 0 && !this.loading && !this.draining) this.drain();
    else this.flushSoon();
  }

  private readonly flushLater = (): void => {
    this.flushQueued = false;
    this.flush();
    if (this.pending.size === 0 && this.backlog.length === 0) this.endpoint.idle();
  };

  private settle(id: number, ctl: number, value: unknown): void {
    if (this.signals !== null) this.signals.delete(id);
    if ((ctl & CTL_DISCARD) !== 0) {
      this.push(id, ST_OK, undefined);
      return;
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
      if (typeof value !== 'symbol') {
        this.push(id, ST_OK, value);
        return;
      }
    }
    if (isTransfer(value)) {
      const list = value.transferList;
      value = value.value;
      (this.outTransfer ??= []).push(...list);
      (this.transferOf ??= new Map()).set(id, list);
    }
    const problem = checkCloneable(value, 'the result');
    if (problem !== null) {
      const cause = problem.cause === undefined ? undefined : serializeError(problem.cause);
      this.push(id, ST_LOCAL, [LOCAL_SERIALIZATION, problem.message, cause]);
      return;
    }
    const encoded = encodeShared(value);
    this.push(id, encoded === value ? ST_OK : ST_OK_SHARED, encoded);
  }

  private fail(id: number, num: number, error: unknown): void {
    if (this.signals !== null) this.signals.delete(id);
    if (this.tasks.bySource[num] === true && error instanceof ReferenceError) {
      const failure: LocalFailure = [
        LOCAL_NOT_SELF_CONTAINED,
        `a function sent by source must be self-contained, but it uses a name the worker does not have (${error.message}). Pass the value as an argument, or define the function with defineTask(import.meta.url, fn) in a module the worker imports`,
        serializeError(error),
      ];
      this.push(id, ST_LOCAL, failure);
    } else if (throwsAsValue(error)) {
      this.push(id, ST_THROWN, error);
    } else {
      this.push(id, ST_ERROR, serializeError(error));
    }
  }

  private abort(id: number, reason: number): void {
    if (this.pending.has(id)) {
      this.signals?.get(id)?.abort(abortReason(reason));
      return;
    }
    // Not started yet (behind a module import, or behind the task running): skip it when
    // its turn comes. A task that already finished is behind the cursor, and its id (a
    // slot the pool may reuse) is left alone.
    let from = this.cursor;
    for (const message of this.backlog) {
      for (let i = from; i < message.length; i += 3 + (message[i + 2] as number)) {
        if (message[i] === id) {
          (this.skip ??= new Set()).add(id);
          return;
        }
      }
      from = 2;
    }
  }
}
