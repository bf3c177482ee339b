/**
 * `WorkerChannel` over `worker_threads`: a dedicated `MessageChannel` for tasks and
 * results, plus two shared Int32 cells — WAKE, which the main side bumps and notifies after
 * each post (the idle worker's fast path, see threadMain.ts), and STARTED, the count of
 * tasks the worker has begun (read after a crash).
 *
 * The worker and its port are ref'd only while the owner says work is in flight, so an
 * idle worker never keeps the process alive. Workers inherit `process.execArgv`, so a
 * program run under a TypeScript loader or type stripping gets it in its workers too.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import type { Worker as ThreadWorker, WorkerOptions } from 'node:worker_threads';

import { beginEntryLoad } from './bootstrap.js';
import { checkEntryExists, commonJsBundleError, workerEntryUrl } from './entryUrl.js';
import type { ChannelEvents, ChannelInit, WorkerChannel } from './channel.js';
import { strippedExecArgv } from './execArgv.js';
import { loaderPlan } from './loaderPlan.js';
import { isSea, seaThreadEntry, seaUrl } from './seaEntry.js';
import { STOP } from './protocol.js';
import { aliasModule } from './taskRef.js';
import {
  CELL_STARTED,
  CELL_TERMINATED,
  CELL_WAKE,
  CELLS,
  type ThreadWorkerData,
} from './threadCells.js';
import type { Transferable } from '../base/transfer.js';
import { nodeBuiltin, unsupported } from '../runtime/support.js';

const { isMainThread, MessageChannel, receiveMessageOnPort, Worker, workerData } =
  nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

/** This module's URL: `undefined` in a CommonJS bundle, whose `import.meta` is empty. */
const here = import.meta.url as string | undefined;

/** threadMain.js, or `null` when a bundler put this module into the program's bundle. */
const mainUrl = workerEntryUrl(here, /\/threadChannel\.[cm]?[jt]s$/, 'threadMain.js');
/** False when a bundler put this module into the program's. */
const ownFile = mainUrl !== null;

/**
 * The module a worker thread starts from: threadMain.js — or, in a bundle, the bundle
 * itself, which runs the worker (and the program, which `isWorker()` guards) in the thread.
 */
const threadEntry = mainUrl?.href ?? here;

// A bundle's worker thread evaluates this module before the program: it is a worker from
// here on, the program's top level must not start workers (a BootstrapError names the
// guard), and its tasks are known by the URL the main thread knows them by. Then the
// worker runtime starts (the import also makes bundlers keep threadMain).
if (!ownFile && !isMainThread) {
  const concur = (workerData as Partial<ThreadWorkerData> | null)?.concur;
  if (concur !== undefined) {
    beginEntryLoad(import.meta.url);
    if (concur.alias !== null) aliasModule(import.meta.url, concur.alias);
    void import('./threadMain.js');
  }
}

/** Where a worker thread starts, and the URL its tasks are known by if not its own. */
let entry: { url: URL; alias: string | null } | null = null;

function workerEntry(): { url: URL; alias: string | null } {
  if (entry !== null) return entry;
  if (threadEntry === undefined) throw commonJsBundleError('worker threads');
  // (isSea() last: it loads node:sea, 0.15-0.2 ms that a program outside one need not pay.)
  if (threadEntry.startsWith('data:') && isSea()) {
    // A thread of a single executable, starting threads of its own.
    return (entry = { url: new URL(threadEntry), alias: seaUrl() });
  }
  if (threadEntry === seaUrl() && isSea()) {
    const code = seaThreadEntry();
    if (code === null) {
      throw unsupported(
        'worker threads in this single executable',
        `they need its main code, which could not be found in ${process.execPath}`,
        'Build it with node --build-sea or postject from an ES module bundle (mainFormat "module"), or use a ProcessPoolExecutor',
      );
    }
    return (entry = { url: new URL(code), alias: threadEntry });
  }
  if (mainUrl !== null) checkEntryExists(mainUrl, 'worker threads');
  return (entry = { url: new URL(threadEntry), alias: null });
}

/**
 * Throws, at the call that asks for worker threads (a pool's constructor, `Thread.start()`),
 * the typed error of a program whose threads cannot start: a CommonJS bundle, a bundle
 * that points them at a file it does not have, a single executable without its main code.
 */
export function checkThreadsCanStart(): void {
  workerEntry();
}

/** How long a stopped worker may take to flush and exit before it is terminated. */
const STOP_GRACE_MS = 2000;

/**
 * The `execArgv` to give workers: `undefined` (Node copies the main thread's options, V8
 * flags included) unless the main thread has options that only make sense for the entry
 * point — a worker inheriting `--input-type` or `--eval` fails to load any file. Then an
 * explicit list, minus what `new Worker` refuses (per-process and V8 flags, which the
 * worker shares anyway): found by trying, once per process.
 */
let execArgv: string[] | undefined | null = null;

function newWorker(options: WorkerOptions): ThreadWorker {
  execArgv ??= strippedExecArgv() ?? undefined;
  for (;;) {
    try {
      return new Worker(
        workerEntry().url,
        execArgv === undefined ? options : { ...options, execArgv },
      );
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || execArgv === undefined) throw error;
      const refused = new Set(
        String((error as Error).message)
          .replace(/^.*flags: /, '')
          .split(', '),
      );
      const next: string[] = execArgv.filter((arg) => !refused.has(arg));
      if (next.length === execArgv.length) throw error;
      execArgv = next;
    }
  }
}

/**
 * Calls `then` once what the thread printed has been passed on to the process's stdout and
 * stderr, so that a stopped thread's last lines come before anything the program prints
 * after `shutdown()` (as Python's threads share `sys.stdout`). Node pipes a thread's
 * output into them, and pauses that pipe while the process's stdout is full (a busy pipe):
 * the thread may have exited long before. At most `STOP_GRACE_MS`, should the process's
 * stdout never take more.
 */
function afterOutput(worker: ThreadWorker, then: () => void): void {
  // By 'exit' Node has pushed all the thread printed into these readables; one that holds
  // nothing has handed every line to process.stdout (or stderr) already, in order. (Deno
  // writes a thread's output itself: its streams are never read, nor end.)
  const streams = [worker.stdout, worker.stderr].filter(
    (stream) =>
      (stream as Readable | null | undefined)?.readableEnded === false &&
      stream.readableLength > 0 &&
      stream.readableFlowing !== null &&
      typeof stream.once === 'function',
  );
  if (streams.length === 0) return then();
  let waiting = streams.length;
  const timer = setTimeout(finish, STOP_GRACE_MS);
  timer.unref();
  function finish(): void {
    clearTimeout(timer);
    for (const stream of streams) for (const event of ENDS) stream.off(event, oneEnded);
    then();
  }
  function oneEnded(this: Readable): void {
    for (const event of ENDS) this.off(event, oneEnded);
    if (--waiting === 0) finish();
  }
  // 'unpipe' and 'error': the process's stdout failed, so it will take nothing more.
  for (const stream of streams) for (const event of ENDS) stream.once(event, oneEnded);
}

const ENDS = ['end', 'close', 'unpipe', 'error'] as const;

/** Starts a worker thread running the concur worker runtime. */
export function openThreadChannel(init: ChannelInit, events: ChannelEvents): WorkerChannel {
  const { port1, port2 } = new MessageChannel();
  const buffer = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT);
  const cells = new Int32Array(buffer);
  const data: ThreadWorkerData = {
    concur: {
      port: port2,
      cells: buffer,
      name: init.name,
      daemon: init.daemon,
      initializer: init.initializer,
      concurrency: init.concurrency ?? 1,
      loader: loaderPlan('thread'),
      alias: workerEntry().alias,
    },
  };
  const worker = newWorker({
    workerData: data,
    transferList: [port2],
    ...(init.resourceLimits === undefined ? {} : { resourceLimits: init.resourceLimits }),
  });
  let fatal: unknown = undefined;
  let exited = false;
  let stopping = false;
  port1.on('message', (message: unknown[]) => events.message(message));
  worker.on('error', (error) => {
    fatal ??= error;
  });
  // The thread is dead to the others from here on: should it still run (Deno reports
  // 'exit' before a terminated thread has stopped), it halts at its next wake-up.
  const terminate = (): void => {
    Atomics.store(cells, CELL_TERMINATED, 1);
    void worker.terminate();
  };
  worker.on('exit', (exitCode) => {
    Atomics.store(cells, CELL_TERMINATED, 1);
    exited = true;
    // Messages the worker posted just before it ended (its exit hook flushes finished
    // results) may still be queued on our side of the port: deliver them first.
    for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) {
      events.message(m.message as unknown[]);
    }
    port1.close();
    if (stopping) afterOutput(worker, () => events.exit(exitCode, fatal, null));
    else events.exit(exitCode, fatal, null);
  });
  worker.unref();
  port1.unref();

  return {
    kind: 'thread',
    threadId: worker.threadId,
    pid: process.pid,
    post(message, transfer) {
      port1.postMessage(message, transfer as Transferable[] | undefined);
    },
    wake() {
      Atomics.add(cells, CELL_WAKE, 1);
      Atomics.notify(cells, CELL_WAKE, 1);
    },
    started: () => Atomics.load(cells, CELL_STARTED),
    startedExactly: () => true,
    ref() {
      if (exited) return;
      worker.ref();
      port1.ref();
    },
    unref() {
      worker.unref();
      port1.unref();
    },
    stop() {
      if (exited) return;
      stopping = true;
      // Held until it exits, so that `await shutdown()` (or `join()`) keeps the process up.
      worker.ref();
      port1.ref();
      port1.postMessage([STOP]);
      Atomics.add(cells, CELL_WAKE, 1);
      Atomics.notify(cells, CELL_WAKE, 1);
      setTimeout(() => {
        if (!exited) terminate();
      }, STOP_GRACE_MS).unref();
    },
    terminate,
  };
}
