/**
 * `WorkerChannel` over `child_process.fork`: a child process running processMain.ts,
 * talking over Node's IPC channel with `serialization: 'advanced'` (structured clone, as
 * between threads, minus transfer and shared memory).
 *
 * The child and its IPC channel are ref'd only while the owner says work is in flight, so
 * an idle child never keeps the parent alive. Children inherit `process.execArgv` (minus
 * the entry-only options), so a program run under a TypeScript loader or type stripping
 * gets it in its children too. Their console output goes straight to the parent's
 * stdout/stderr (inherited file descriptors).
 *
 * A child never outlives its parent: see processMain.ts.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';

import { beginEntryLoad } from './bootstrap.js';
import type { ChannelEvents, ChannelInit, WorkerChannel } from './channel.js';
import { deserializeError } from './codec.js';
import { checkEntryExists, commonJsBundleError, workerEntryUrl } from './entryUrl.js';
import { strippedExecArgv } from './execArgv.js';
import { loaderPlan } from './loaderPlan.js';
import { identity, IDENTITY_ENV } from './processInfo.js';
import { FATAL, INIT, STARTED, STOP } from './protocol.js';
import type { SerializedError } from '../../errors.js';
import { nodeBuiltin } from '../runtime/support.js';

/** This module's URL: `undefined` in a CommonJS bundle, whose `import.meta` is empty. */
const here = import.meta.url as string | undefined;

/** processMain.js, or `null` when a bundler put this module into the program's bundle. */
const mainUrl = workerEntryUrl(here, /\/processChannel\.[cm]?[jt]s$/, 'processMain.js');
/** False when a bundler put this module into the program's. */
const ownFile = mainUrl !== null;

/**
 * The module a worker process starts from: processMain.js — or, in a
 * bundle, the bundle itself, which runs the worker (and the program, which `isWorker()`
 * guards) in the child. In a single executable that is the executable, which runs its
 * program whatever it is asked to run. `null` in a CommonJS bundle (`commonJsBundleError`).
 */
const processMain = mainUrl ?? (here === undefined ? null : new URL(here));

// A bundle's worker process evaluates this module before the program: it is a worker from
// here on and the program's top level must not start workers (a BootstrapError names the
// guard). Then the worker runtime starts (the import also makes bundlers keep
// processMain; its messages wait for its listener).
if (!ownFile && process.send !== undefined && identity.parentPid !== null) {
  beginEntryLoad(import.meta.url);
  void import('./processMain.js');
}

/** How long a stopped child may take to flush and exit before it is killed. */
const STOP_GRACE_MS = 2000;
/** How long a terminated child (SIGTERM) may take to exit before it is killed. */
const TERM_GRACE_MS = 1000;
/** How long after a child's exit its IPC channel may take to close (see 'exit' below). */
const CLOSE_GRACE_MS = 500;

let execArgv: string[] | null = null;

type ChildProcessModule = typeof import('node:child_process');
let childProcess: ChildProcessModule | null = null;

/**
 * node:child_process, loaded on the first fork rather than with concur/futures: it is the
 * costliest built-in a program that only uses threads would otherwise load at start-up.
 */
function loadChildProcess(): ChildProcessModule {
  return (childProcess ??= nodeBuiltin<ChildProcessModule>('node:child_process'));
}

/** The entry was found where it should be (checked once). */
let entryChecked = false;

/**
 * Throws, at the call that asks for worker processes (a pool's constructor,
 * `Process.start()`), the typed error of a program whose processes cannot start: a
 * CommonJS bundle, a bundle that points them at a file it does not have.
 */
export function checkProcessesCanStart(): void {
  if (processMain === null) throw commonJsBundleError('worker processes');
  if (entryChecked) return;
  if (mainUrl !== null) checkEntryExists(mainUrl, 'worker processes');
  entryChecked = true;
}

/** Forks a child running processMain.ts, telling it its identity. */
function spawnChild(init: ChannelInit): ChildProcess {
  if (processMain === null) throw commonJsBundleError('worker processes');
  execArgv ??= strippedExecArgv() ?? process.execArgv;
  const childIdentity = { name: init.name, daemon: init.daemon, parentName: identity.name };
  return loadChildProcess().fork(processMain, [], {
    serialization: 'advanced',
    execArgv,
    env: { ...process.env, [IDENTITY_ENV]: JSON.stringify(childIdentity) },
  });
}

/** Starts a worker process running the concur worker runtime. */
export function openProcessChannel(init: ChannelInit, events: ChannelEvents): WorkerChannel {
  const child = spawnChild(init);
  let fatal: unknown = undefined;
  let exited = false;
  let started = 0;
  let exactly = true;
  child.on('message', (message: unknown[]) => {
    const kind = message[0];
    if (kind === STARTED) {
      started = message[1] as number;
      exactly = message[2] === true;
    } else if (kind === FATAL) fatal ??= deserializeError(message[1] as SerializedError);
    else events.message(message);
  });
  child.on('error', (error: Error & { code?: string }) => {
    // (A send racing the child's exit fails with ERR_IPC_CHANNEL_CLOSED: 'close' follows.)
    if (error.code !== 'ERR_IPC_CHANNEL_CLOSED') fatal ??= error;
  });
  const ended = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
    if (exited) return;
    exited = true;
    events.exit(exitCode, fatal, signal);
  };
  // 'close' comes after 'exit' and after the IPC channel delivered its last message.
  child.on('close', ended);
  // Deno 2.9 sometimes never sees the IPC channel of a child that exited close (no
  // 'disconnect', so no 'close', and its tasks would wait forever): 'exit' ends the channel
  // itself once the last messages have had CLOSE_GRACE_MS to arrive.
  child.on('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
    const late = setTimeout(() => {
      if (child.connected) child.disconnect();
      ended(exitCode, signal);
    }, CLOSE_GRACE_MS);
    child.once('close', () => clearTimeout(late));
  });
  child.send([
    INIT,
    init.initializer,
    init.single === true,
    init.concurrency ?? 1,
    loaderPlan('process'),
  ]);
  const unref = (): void => {
    child.unref();
    // Bun's channel object has neither `ref` nor `unref` (its `child.unref()` covers both).
    child.channel?.unref?.();
  };
  unref();

  const kill = (signal: NodeJS.Signals): void => {
    if (!exited) child.kill(signal);
  };
  return {
    kind: 'process',
    threadId: 0,
    pid: child.pid ?? -1,
    post(message) {
      if (child.connected) child.send(message);
    },
    wake() {},
    started: () => started,
    startedExactly: () => exactly,
    ref() {
      if (exited) return;
      child.ref();
      child.channel?.ref?.();
    },
    unref,
    stop() {
      if (exited) return;
      // Held until it exits, so that `await shutdown()` (or `join()`) keeps the process up.
      child.ref();
      child.channel?.ref?.();
      if (child.connected) child.send([STOP]);
      setTimeout(kill, STOP_GRACE_MS, 'SIGKILL').unref();
    },
    terminate() {
      kill('SIGTERM');
      setTimeout(kill, TERM_GRACE_MS, 'SIGKILL').unref();
    },
    kill() {
      kill('SIGKILL');
    },
  };
}
