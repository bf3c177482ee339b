/**
 * Loaded into every test process (`node --test --import build/test/setup.js`): after each
 * test, fails it if it left anything behind — pending tasks, concur timers, queued
 * callbacks, an installed VirtualClock, open Node handles — or if an error reached the
 * loop's exception handler without the test capturing it (`captureExceptions()`).
 *
 * The check waits (up to a few seconds of real time) for resources that are already
 * closing; that is a bound on clean-up, not a timing assertion.
 */
import { afterEach } from 'node:test';

import { allTasks, getRunningLoop, type ExceptionContext } from 'concur/asyncio';
import { describeLeaks, leakReport, VirtualClock } from 'concur/testing';

const SETTLE_LIMIT_MS = 5000;
const baselineHandles = process
  .getActiveResourcesInfo()
  .filter((h) => h !== 'CloseReq' && h !== 'TTYWrap');

const unobserved: ExceptionContext[] = [];
getRunningLoop().setExceptionHandler((context) => {
  unobserved.push(context);
});

async function settled(): Promise<string[]> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  for (;;) {
    // Let queued callbacks, microtasks and closing handles finish.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const leaks = describeLeaks(leakReport(), baselineHandles);
    if (leaks.length === 0 || Date.now() > deadline) return leaks;
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}

afterEach(async () => {
  const leaks = await settled();
  const errors = unobserved.splice(0);
  if (leaks.length > 0) {
    // Clean up so the next test starts fresh, then fail this one.
    for (const task of allTasks()) task.cancel('leaked by a previous test');
    VirtualClock.current()?.uninstall();
  }
  const problems = [...leaks];
  for (const context of errors) {
    const shown =
      context.exception instanceof Error ? context.exception.stack : String(context.exception);
    problems.push(`unobserved error reached the exception handler: ${context.message}: ${shown}`);
  }
  if (problems.length > 0) {
    throw new Error(`the test left things behind:\n  - ${problems.join('\n  - ')}`);
  }
});
