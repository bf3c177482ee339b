/**
 * Loaded into every test process (`node --test --import build/test/setup.js`): after each
 * test, fails it if it left anything behind — pending tasks, concur timers, queued
 * callbacks, an installed VirtualClock, executors not shut down, threads and processes
 * still running (daemons too), open Node handles — or if an error reached the
 * loop's exception handler without the test capturing it (`captureExceptions()`).
 *
 * The check waits (up to a few seconds of real time) for resources that are already
 * closing; that is a bound on clean-up, not a timing assertion. A wait longer than
 * SETTLE_REPORT_MS is reported as a diagnostic line naming what it waited for.
 */
import { resolve } from 'node:path';
import { afterEach, beforeEach, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

import { allTasks, getRunningLoop, type ExceptionContext } from 'concur-ts/asyncio';
import { describeLeaks, leakReport, VirtualClock } from 'concur-ts/testing';

import { runtime } from './fixtures/runtime.js';

// Only the test process gets the check. Child processes (pool workers, `Process`es, the
// harnesses' scripts) inherit `process.execArgv`, and a child that loaded this file would
// start a test harness of its own: its report would mix into the output the runner reads,
// and its 'uncaughtException' listener, in a process that ran no test, rethrows the error
// (Node then exits with code 7 instead of 1, without an 'exit' event). So the option that
// loaded this file is taken out of what children inherit, before any test starts one.
// (Node 20's runner hands it to the test process as `--import <file>`, Node 24's as
// `--import=<file>`.)
const self = fileURLToPath(import.meta.url);
const isSelf = (file: string): boolean =>
  (file.startsWith('file:') ? fileURLToPath(file) : resolve(file)) === self;
for (let i = process.execArgv.length - 1; i >= 0; i--) {
  const arg = process.execArgv[i]!;
  if (arg.startsWith('--import=') && isSelf(arg.slice('--import='.length))) {
    process.execArgv.splice(i, 1);
  } else if (arg === '--import' && isSelf(process.execArgv[i + 1] ?? '')) {
    process.execArgv.splice(i, 2);
  }
}

const SETTLE_LIMIT_MS = 5000;
const baselineHandles = process
  .getActiveResourcesInfo()
  .filter((h) => h !== 'CloseReq' && h !== 'TTYWrap');

const unobserved: ExceptionContext[] = [];
getRunningLoop().setExceptionHandler((context) => {
  unobserved.push(context);
});

/** A settle wait longer than this is reported (as information, not as a failure). */
const SETTLE_REPORT_MS = 300;

/**
 * Waits for what is still closing to finish: the leaks left after SETTLE_LIMIT_MS, and
 * what the wait was for (the first leaks seen) and how long it took.
 */
async function settled(): Promise<{ leaks: string[]; waitedFor: string[]; waitedMs: number }> {
  const start = Date.now();
  const deadline = start + SETTLE_LIMIT_MS;
  let waitedFor: string[] | null = null;
  for (;;) {
    // Let queued callbacks, microtasks and closing handles finish.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const leaks = describeLeaks(leakReport(), baselineHandles);
    waitedFor ??= leaks;
    if (leaks.length === 0 || Date.now() > deadline) {
      return { leaks, waitedFor, waitedMs: Date.now() - start };
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}

/** Fails the test if it left anything behind (see the file's comment). */
async function check(t: { name: string }): Promise<void> {
  const { leaks, waitedFor, waitedMs } = await settled();
  if (leaks.length === 0 && waitedMs > SETTLE_REPORT_MS) {
    // (A hook's context is the test's; a suite's context has no diagnostic.)
    if ('diagnostic' in t && typeof t.diagnostic === 'function')
      (t as TestContext).diagnostic(
        `after "${t.name}" the leak check waited ${waitedMs} ms for what was still closing: ${waitedFor.join('; ')}`,
      );
  }
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
}

// Deno 2.9's node:test ignores an error thrown by an `afterEach` hook (the test is
// reported ok), but fails a top-level test whose `t.after` hook throws. So there the
// check of a top-level test runs as its last `t.after` hook: hooks run in the order they
// were added, so the ones the test adds are held back and run first, as its own clean-up.
// A test inside `describe` (a Deno step) runs no `t.after` hook at all and nothing a
// hook throws fails it: its leaks are kept and, when the file's tests are done, printed
// and the process ends non-zero — scripts/run-suite.mjs counts a file that exits
// non-zero with every test passed as failed, and shows the first `error:` line.
const checkedByAfter = new WeakSet<object>(); // (a step's hooks never run)
const stepLeaks: string[] = [];
if (runtime === 'deno') {
  beforeEach((t) => {
    const context = t as TestContext;
    if (typeof context.after !== 'function') return;
    const own: ((t: TestContext) => unknown)[] = [];
    const add = context.after.bind(context);
    add(async () => {
      checkedByAfter.add(context);
      try {
        for (const hook of own) await hook(context);
      } finally {
        await check(context);
      }
    });
    context.after = ((hook: (t: TestContext) => unknown) => {
      own.push(hook);
    }) as TestContext['after'];
  });
  const deno = (globalThis as unknown as { Deno: { exit(code: number): never } }).Deno;
  (globalThis as unknown as EventTarget).addEventListener('unload', () => {
    if (stepLeaks.length === 0) return;
    for (const leak of stepLeaks) console.error(`error: the leak check (test/setup.ts): ${leak}`);
    deno.exit(1);
  });
}

afterEach(async (t) => {
  if (checkedByAfter.has(t)) return;
  try {
    await check(t);
  } catch (error) {
    if (runtime === 'deno') {
      const what = (error as Error).message.replace(/^the test left things behind:\s*- /, '');
      stepLeaks.push(`test "${t.name}" left things behind: ${what.replace(/\n\s*- /g, '; ')}`);
    }
    throw error;
  }
});
