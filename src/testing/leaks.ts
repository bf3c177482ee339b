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
} from '../internal/loop.js';
import type { VirtualClock } from './VirtualClock.js';

/** What is still alive; every count should be 0 (and `handles` empty) between tests. */
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
    handles: process.getActiveResourcesInfo().filter((h) => h !== 'CloseReq' && h !== 'TTYWrap'),
  };
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
  const extra = [...report.handles];
  for (const h of baselineHandles) {
    const i = extra.indexOf(h);
    if (i >= 0) extra.splice(i, 1);
  }
  if (extra.length > 0) lines.push(`open handles: ${extra.join(', ')}`);
  return lines;
}
