/**
 * The file every concur worker process starts (`child_process.fork(processMain)`): it
 * wires a `WorkerRuntime` to the IPC channel, runs the initializer the first message
 * carries, says READY, then runs what arrives.
 *
 *   parent                                         this process
 *   child.send([INIT, initializer]) ────IPC────►  runtime.initialize ──► [READY]
 *   child.send([RUN …]) ───────────────IPC────►  [STARTED, received] ──► runtime.receive
 *   ◄──────── process.send([RESULTS …])
 *
 * A process has no shared memory with its parent, so it reports its progress in a
 * message: before the first task of each batch it sends STARTED with the number of tasks
 * received so far (every task that may have started by the time it could die), and the
 * exact count when it exits. A SIGKILL then fails at most the rest of the batch that was
 * running, never a task the process had not received.
 *
 * No orphans: the process exits as soon as its IPC channel closes ('disconnect': the
 * parent exited, crashed or was killed). A task that blocks the event loop cannot see that
 * event, nor can an initializer that blocks, so a watchdog thread, started before
 * anything else, also checks every WATCHDOG_MS that the parent is still the same process
 * (`process.ppid`; an orphan is re-parented) and kills this process if not.
 *
 * @module
 */
import { inspect } from '../runtime/inspect.js';
import { nodeBuiltin } from '../runtime/support.js';

import type { SerializedError } from '../../errors.js';
import { identity } from './processInfo.js';

import { endEntryLoad } from './bootstrap.js';
import { serializeError } from './codec.js';
import { applyLoaderPlan, type LoaderPlan } from './loaderPlan.js';
import {
  FATAL,
  INIT,
  INIT_FAILED,
  READY,
  RESULTS,
  RUN,
  STARTED,
  ST_ERROR,
  ST_LOCAL,
  ST_THROWN,
} from './protocol.js';
import type { TaskDef } from './taskRef.js';
import { WorkerRuntime } from './workerRuntime.js';

const { Worker } = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

/** How often the watchdog thread checks that the parent is alive. */
export const WATCHDOG_MS = 200;

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL');
}, ${WATCHDOG_MS});
`;

function startWatchdog(parentPid: number): void {
  const watchdog = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: parentPid,
    execArgv: [],
    stdout: true,
    stderr: true,
  });
  watchdog.unref();
}

function send(message: unknown[], done?: () => void): void {
  if (process.connected) process.send!(message, undefined, undefined, done);
  else done?.();
}

function main(): void {
  const parentPid = identity.parentPid ?? process.ppid;
  // From the start: an initializer that blocks the event loop must not outlive the
  // parent either (the watchdog runs on its own thread).
  startWatchdog(parentPid);
  let received = 0;
  let started = 0;
  let reported = 0;
  let stopping = false;
  let single = false;

  const runtime = new WorkerRuntime({
    post(message) {
      // A single target's answer is not wanted: print its error, then end as Python does.
      if (single && message[0] === RESULTS) return endSingle(message);
      // Transfer lists do not apply between processes: the values are copied.
      if (process.connected) process.send!(message);
    },
    started(exact) {
      if (++started > reported || (exact && reported > started)) {
        // An upper bound (what it received) saves a message per task; a task of unknown
        // length gets the exact count, so that the tasks behind it are not counted.
        reported = exact ? started : received;
        send([STARTED, reported, exact]);
      }
    },
    idle() {},
    stop,
  });

  function stop(): void {
    stopping = true;
    // Let what the tasks sent on multiprocessing queues and pipes leave, and the console
    // output drain, tell the exact count, then exit once it is sent.
    // (Loaded here: only a task that used a multiprocessing queue or pipe has any.)
    void import('../ipc/resourceClient.js')
      .then((clients) => clients.flushResourceClients())
      .then(() => {
        let pending = 2;
        const done = (): void => {
          if (--pending === 0) send([STARTED, started, true], () => process.exit());
        };
        process.stdout.write('', done);
        process.stderr.write('', done);
      });
  }

  /** The target of a `Process` settled (`answer`: its RESULTS message): report and end. */
  function endSingle(answer: unknown[]): void {
    const status = answer[2] as number;
    if (status === ST_ERROR || status === ST_THROWN || status === ST_LOCAL) {
      const value = answer[3];
      const shown =
        status === ST_ERROR
          ? ((value as SerializedError).stack ?? String((value as SerializedError).message))
          : status === ST_LOCAL
            ? String((value as unknown[])[1])
            : inspect(value);
      process.stderr.write(`Process ${identity.name}:\n${shown}\n`);
      process.exitCode = 1;
    }
    // Then the process ends as a Python process ends after run(): once what the target
    // started has finished — items it put on a queue are delivered, output is flushed —
    // rather than at once. Its parent no longer needs the channel (the watchdog still
    // ends it if the parent dies first).
    stopping = true;
    process.off('disconnect', orphaned);
    if (process.connected) process.disconnect();
  }

  // A task that calls process.exit(), or an error nobody caught, ends the process: send
  // the results of the tasks that did finish and the exact count first, so that only the
  // culprit fails.
  const settle = (): void => {
    if (stopping) return;
    runtime.flush();
    // (The next task to start reports again: the process may live on.)
    reported = started;
    send([STARTED, started, true]);
  };
  process.on('exit', settle);
  // The monitor settles too, before any 'uncaughtException' listener runs: one that throws
  // (node:test's does, in a process that loaded it and ran no test) ends the process at
  // once, with code 7 and no 'exit' event. Otherwise the monitor leaves Node's handling
  // alone: a listener may keep the process alive; without one the error is printed and
  // the code is 1.
  process.on('uncaughtExceptionMonitor', (error) => {
    send([FATAL, serializeError(error)]);
    settle();
  });
  const orphaned = (): never => process.exit(0);
  process.on('disconnect', orphaned);

  let backlog: unknown[][] | null = [];
  const receive = (message: unknown[]): void => {
    if (message[0] === RUN) {
      for (let i = 2; i < message.length; i += 3 + (message[i + 2] as number)) received++;
    }
    runtime.receive(message);
  };
  process.on('message', (message: unknown[]) => {
    if (message[0] === INIT) {
      // (A bundle's worker: the program's top level has run by now — see processChannel.ts.)
      const refused = endEntryLoad();
      if (refused !== null) {
        // (The bundle caught the refusal: the child cannot serve, the pool says why.)
        send([INIT_FAILED, serializeError(refused)]);
        return;
      }
      single = message[2] === true;
      runtime.concurrency = message[3] as number;
      void initialize(
        message[1] as [number, TaskDef, unknown[]] | null,
        message[4] as LoaderPlan | undefined,
      );
    } else if (backlog !== null) {
      backlog.push(message);
    } else {
      receive(message);
    }
  });

  async function initialize(
    initializer: [number, TaskDef, unknown[]] | null,
    loader: LoaderPlan | undefined,
  ): Promise<void> {
    await applyLoaderPlan(loader);
    if (initializer !== null) {
      try {
        await runtime.initialize(initializer[0], initializer[1], initializer[2]);
      } catch (error) {
        send([INIT_FAILED, serializeError(error)]);
        return;
      }
    }
    send([READY]);
    const queued = backlog!;
    backlog = null;
    for (const message of queued) receive(message);
  }
}

// (`identity` is read once per process, and its variable removed: a second copy of concur
// loaded by a task module does not start a second runtime.)
if (process.send !== undefined && identity.parentPid !== null) {
  main();
}
