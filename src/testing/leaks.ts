/**
 * Leak detection for tests: what concur (and Node) still holds after a test.
 *
 * @module
 */
import { liveTaskCount } from '../asyncio/Task.js';
import {
  getClock,
  liveRealTimers,
  pendingCallbacks,
  pendingTurns,
  realClock,
} from '../internal/loop/loop.js';
import { describeLive } from '../internal/base/liveObjects.js';
import { server } from '../internal/ipc/resourceServer.js';
import type { VirtualClock } from './VirtualClock.js';

/** What is still alive; every count should be 0 (and every list empty) between tests. */
export interface LeakReport {
  /** Tasks not yet done. */
  tasks: number;
  /** concur timers on the real clock not yet fired or cancelled. */
  timers: number;
  /** Timers on an installed `VirtualClock`. */
  virtualTimers: number;
  /** Whether a `VirtualClock` is still installed. */
  virtualClockInstalled: boolean;
  /** Callbacks waiting in the ready queue, and pending `sleep(0)` turns. */
  callbacks: number;
  /** Node handles keeping the process alive, by type (`process.getActiveResourcesInfo`). */
  handles: string[];
  /**
   * Executors not yet closed — thread and process pools (a multiprocessing `Pool` shows as
   * its `ProcessPoolExecutor`), `DistributedExecutor`s — each as its inspect form
   * (`<ThreadPoolExecutor maxWorkers=2 workers=1 …>`). A pool leaves this list once
   * `shutdown()` has finished (its workers exited), whether or not anyone awaited it.
   */
  executors: string[];
  /** `Thread`s started and not yet ended (daemons included), as `<Thread(…)>`. */
  threads: string[];
  /** `Process`es started and not yet ended (daemons included), as `<Process …>`. */
  processes: string[];
  /** `Manager`s started and not shut down, as `<Manager started objects=3>`. */
  managers: string[];
  /** Other processes still connected to this process's resource server. */
  resourceConnections: number;
  /**
   * Files this process's resource server keeps for connections (a queue consumer's ack
   * file, removed once its connection closed and its leases were settled).
   */
  resourceFiles: number;
}

/** A snapshot of what is alive now. */
export function leakReport(): LeakReport {
  const clock = getClock();
  const virtual = clock !== realClock;
  return {
    tasks: liveTaskCount(),
    timers: liveRealTimers(),
    virtualTimers: virtual ? (clock as VirtualClock).pendingTimers() : 0,
    virtualClockInstalled: virtual,
    callbacks: pendingCallbacks() + pendingTurns(),
    handles: withoutIdleServer(
      process.getActiveResourcesInfo().filter((h) => h !== 'CloseReq' && h !== 'TTYWrap'),
    ),
    executors: describeLive('executors'),
    threads: describeLive('threads'),
    processes: describeLive('processes'),
    managers: describeLive('managers'),
    resourceConnections: server.connections(),
    resourceFiles: server.ackFiles(),
  };
}

/** `handles` without the resource server's idle listener, where the runtime lists it. */
function withoutIdleServer(handles: string[]): string[] {
  for (const h of server.idleHandles()) {
    const i = handles.indexOf(h);
    if (i >= 0) handles.splice(i, 1);
  }
  return handles;
}

/** The parts of `report` that are leaks, as readable lines (empty: nothing leaked). */
export function describeLeaks(
  report: LeakReport,
  baselineHandles: readonly string[] = [],
): string[] {
  const lines: string[] = [];
  if (report.tasks > 0) lines.push(`${report.tasks} task(s) still pending`);
  if (report.timers > 0) lines.push(`${report.timers} concur timer(s) still scheduled`);
  if (report.virtualClockInstalled) lines.push('a VirtualClock is still installed');
  if (report.virtualTimers > 0)
    lines.push(`${report.virtualTimers} virtual timer(s) still scheduled`);
  if (report.callbacks > 0) lines.push(`${report.callbacks} callback(s) still queued`);
  // (A report made before these fields existed has none of them.)
  const live: [string, string[] | undefined][] = [
    ['executor(s) not shut down', report.executors],
    ['thread(s) still running', report.threads],
    ['process(es) still running', report.processes],
    ['Manager(s) not shut down', report.managers],
  ];
  for (const [what, list] of live) {
    if (list !== undefined && list.length > 0)
      lines.push(`${list.length} ${what}: ${list.join(', ')}`);
  }
  if ((report.resourceConnections ?? 0) > 0) {
    lines.push(`${report.resourceConnections} process(es) still connected to the resource server`);
  }
  if ((report.resourceFiles ?? 0) > 0) {
    lines.push(
      `${report.resourceFiles} resource server file(s) of closed connections left on disk`,
    );
  }
  const extra = [...report.handles];
  for (const h of baselineHandles) {
    const i = extra.indexOf(h);
    if (i >= 0) extra.splice(i, 1);
  }
  if (extra.length > 0) lines.push(`open handles: ${extra.join(', ')}`);
  return lines;
}
