/**
 * The seeds' asyncio examples (`examples/asyncio/`): each runs and shows what its seed
 * says it shows. Timer-only examples run under a VirtualClock, so their totals are exact;
 * the fetch examples talk to their real local server and assert facts that do not depend
 * on how fast the machine is.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { TimeoutError } from 'concur-ts/asyncio';
import { VirtualClock } from 'concur-ts/testing';

/**
 * The examples as the package ships them, built into `dist/examples/asyncio/` by
 * `npm run build`. The runtime path is relative to this file's build output
 * (`build/test/examples/`), the type path to its source (`test/examples/`): the same file.
 */
type Examples = {
  '01-coroutines-pid': typeof import('../../dist/examples/asyncio/01-coroutines-pid.js');
  '02-create-task-vs-await': typeof import('../../dist/examples/asyncio/02-create-task-vs-await.js');
  '03-gather-tasks': typeof import('../../dist/examples/asyncio/03-gather-tasks.js');
  '04-task-methods': typeof import('../../dist/examples/asyncio/04-task-methods.js');
  '05-general-template': typeof import('../../dist/examples/asyncio/05-general-template.js');
  '06-fetch-pages': typeof import('../../dist/examples/asyncio/06-fetch-pages.js');
  '07-fetch-with-timeout': typeof import('../../dist/examples/asyncio/07-fetch-with-timeout.js');
  '08-missing-await-and-run': typeof import('../../dist/examples/asyncio/08-missing-await-and-run.js');
};

const EXAMPLES = new URL('../../../dist/examples/asyncio/', import.meta.url);

async function example<Name extends keyof Examples>(name: Name): Promise<Examples[Name]> {
  return (await import(new URL(`${name}.js`, EXAMPLES).href)) as Examples[Name];
}

const coroutinesPid = await example('01-coroutines-pid');
const createTaskVsAwait = await example('02-create-task-vs-await');
const gatherTasks = await example('03-gather-tasks');
const taskMethods = await example('04-task-methods');
const generalTemplate = await example('05-general-template');
const fetchPages = await example('06-fetch-pages');
const fetchWithTimeout = await example('07-fetch-with-timeout');
const missingAwaitAndRun = await example('08-missing-await-and-run');

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** The index of the first line matching `pattern`; fails if there is none. */
function indexOf(lines: readonly string[], pattern: RegExp): number {
  const index = lines.findIndex((line) => pattern.test(line));
  assert.notEqual(index, -1, `no line matches ${pattern}:\n${lines.join('\n')}`);
  return index;
}

describe('examples/asyncio/01-coroutines-pid (seed 002 §3)', () => {
  test('both coroutines print the PID of this process and start before either ends', async () => {
    using _clock = VirtualClock.install();
    const { lines, pids } = await coroutinesPid.main({ quiet: true });
    assert.deepEqual(pids, [process.pid, process.pid]);
    const order = [
      /^Coroutine A .* started/,
      /^Coroutine B .* started/,
      /^Coroutine A .* ended/,
      /^Coroutine B .* ended/,
    ].map((pattern) => indexOf(lines, pattern));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
      'A and B both start, then A ends first',
    );
  });

  test('the total time is the longest coroutine, not the sum of both', async () => {
    using _clock = VirtualClock.install();
    const { durationsMs, elapsedMs, lines } = await coroutinesPid.main({ quiet: true });
    assert.equal(elapsedMs, Math.max(...durationsMs));
    assert.ok(elapsedMs < sum(durationsMs));
    assert.match(lines.at(-1)!, /total time: 300 ms/);
  });
});

describe('examples/asyncio/02-create-task-vs-await (seed 002 §6)', () => {
  test('a direct await runs the call to its end before main goes on, in the order the seed gives', async () => {
    using _clock = VirtualClock.install();
    const { serial } = await createTaskVsAwait.main({ quiet: true });
    assert.deepEqual(serial.lines, [
      'main start',
      'some_async_function start',
      'some_async_function end',
      'main continues executing: its own work (100 ms)',
      'main: own work done',
      'main end',
    ]);
  });

  test('createTask schedules the call and main goes on at once, in the order the seed gives', async () => {
    using _clock = VirtualClock.install();
    const { concurrent } = await createTaskVsAwait.main({ quiet: true });
    assert.deepEqual(concurrent.lines, [
      'main start',
      'some_async_function has been scheduled as a Task, main continues executing',
      'main continues executing: its own work (100 ms)',
      'some_async_function start',
      'main: own work done',
      'some_async_function end',
      'task completed, main end',
    ]);
  });

  test('waiting in series takes the sum of the waits; with a task, the longest', async () => {
    using _clock = VirtualClock.install();
    const { serial, concurrent, taskMs, workMs } = await createTaskVsAwait.main({ quiet: true });
    assert.equal(serial.elapsedMs, taskMs + workMs);
    assert.equal(concurrent.elapsedMs, Math.max(taskMs, workMs));
  });
});

describe('examples/asyncio/03-gather-tasks (seed 002 §6)', () => {
  test('every download starts before any completes, and gather returns results in url order', async () => {
    using _clock = VirtualClock.install();
    const { lines, results } = await gatherTasks.main({ quiet: true, seed: 1 });
    const lastStart = Math.max(
      ...['url1', 'url2', 'url3'].map((url) =>
        indexOf(lines, new RegExp(`^Starting download: ${url}`)),
      ),
    );
    assert.ok(lastStart < indexOf(lines, /^Download complete/));
    assert.ok(indexOf(lines, /All tasks have been created/) < indexOf(lines, /^Starting download/));
    assert.deepEqual(results, ['Content of url1...', 'Content of url2...', 'Content of url3...']);
  });

  test('the total time is the longest download, and a seed repeats the same durations', async () => {
    using _clock = VirtualClock.install();
    const first = await gatherTasks.main({ quiet: true, seed: 42 });
    const again = await gatherTasks.main({ quiet: true, seed: 42 });
    assert.deepEqual(again.durationsMs, first.durationsMs);
    assert.equal(first.elapsedMs, Math.max(...first.durationsMs));
    for (const d of first.durationsMs) assert.ok([100, 200, 300].includes(d), `${d} ms`);
  });
});

describe('examples/asyncio/04-task-methods (seed 002 §6 "Some Methods of Task Objects")', () => {
  test('result() and exception() throw InvalidStateError until the task is done', async () => {
    using _clock = VirtualClock.install();
    const { lines } = await taskMethods.main({ quiet: true });
    assert.match(lines[indexOf(lines, /^ok\.result\(\)/)]!, /throws InvalidStateError/);
    assert.match(lines[indexOf(lines, /^ok\.exception\(\)/)]!, /throws InvalidStateError/);
  });

  test('a task that returned, one that failed and one that was cancelled report it', async () => {
    using _clock = VirtualClock.install();
    const { ok, failing, slow, lines } = await taskMethods.main({ quiet: true });
    assert.equal(ok.result(), 'Content of url1');
    assert.equal(ok.exception(), null);
    assert.ok(failing.exception() instanceof Error);
    assert.throws(() => failing.result(), /404 Not Found/);
    assert.equal(slow.cancelled(), true);
    assert.ok(
      indexOf(lines, /^slow\.cancel\(\) → true/) < indexOf(lines, /CancelledError received/),
      'the cancelled task ran its clean-up after cancel()',
    );
    assert.ok(lines.includes('slow.cancelled() → true'));
  });
});

describe('examples/asyncio/05-general-template (seed 002 §7)', () => {
  test('the four tasks start only once gather runs them, and all start before any ends', async () => {
    using _clock = VirtualClock.install();
    const { lines } = await generalTemplate.main({ quiet: true, seed: 7 });
    const gatherLine = indexOf(lines, /Running tasks concurrently/);
    const firstStart = indexOf(lines, /Starting execution/);
    const lastStart = lines.findLastIndex((line) => /Starting execution/.test(line));
    assert.ok(indexOf(lines, /4 coroutine objects created/) < gatherLine);
    assert.ok(gatherLine < firstStart);
    assert.ok(lastStart < indexOf(lines, /Execution complete/));
    assert.equal(lines[0], 'Program starting');
    assert.equal(lines.at(-1), 'Program has fully exited.');
  });

  test('tasks complete shortest first and the total time is the longest task', async () => {
    using _clock = VirtualClock.install();
    for (const seed of [1, 2, 3, 4, 5]) {
      const { lines, durationsMs, elapsedMs, results } = await generalTemplate.main({
        quiet: true,
        seed,
      });
      const completed = lines
        .filter((line) => line.endsWith('Execution complete.'))
        .map((line) => Number(/\[Task (\d)\]/.exec(line)![1]));
      const byDuration = [1, 2, 3, 4].sort((a, b) => durationsMs[a - 1]! - durationsMs[b - 1]!);
      assert.deepEqual(completed, byDuration, `seed ${seed}: ${durationsMs.join(', ')}`);
      assert.equal(elapsedMs, Math.max(...durationsMs));
      assert.equal(results.length, 4);
      const ranges = [
        [100, 400],
        [200, 500],
        [100, 300],
        [300, 600],
      ];
      durationsMs.forEach((d, i) => {
        assert.ok(d >= ranges[i]![0]! && d <= ranges[i]![1]!, `task ${i + 1}: ${d} ms`);
      });
    }
  });
});

describe('examples/asyncio/06-fetch-pages (seeds 000/001)', () => {
  test('the three pages are fetched from the local server at the same time, lengths in url order', async () => {
    const { lines, lengths, maxInFlight } = await fetchPages.main({ quiet: true });
    assert.equal(maxInFlight, 3, 'the server held all three requests at once');
    assert.deepEqual(lengths, [2381, 4750, 3302]);
    assert.match(lines[0]!, /^http:\/\/127\.0\.0\.1:\d+\/www\.baidu\.com → length:2381$/);
    assert.match(lines[2]!, /\/www\.jd\.com → length:3302$/);
  });
});

describe('examples/asyncio/07-fetch-with-timeout (seed 004)', () => {
  test('pages within the timeout are counted; the slow one times out and counts as 0', async () => {
    // The 500 ms timeout runs on virtual time that moves only after a second of real idling,
    // so the fast pages (real I/O) always arrive before it fires.
    using _clock = VirtualClock.install({ autojumpThreshold: 1000 });
    const { lines, results, errors, maxInFlight } = await fetchWithTimeout.main({ quiet: true });
    assert.deepEqual(results, [5120, 8312, 3944, 0]);
    assert.deepEqual(errors.slice(0, 3), [null, null, null]);
    assert.ok(errors[3] instanceof TimeoutError);
    assert.equal(maxInFlight, 4, 'all four requests were in flight at once');
    assert.ok(
      lines.findLastIndex((line) => line.startsWith('Fetching')) <
        indexOf(lines, /^Finished fetching/),
      'every fetch starts before the first one finishes',
    );
    assert.match(lines[indexOf(lines, /^Error fetching/)]!, /slow\.example\.com: TimeoutError/);
    assert.equal(lines.at(-1), 'Total lengths: [5120, 8312, 3944, 0]');
  });
});

describe('examples/asyncio/08-missing-await-and-run (seed 002 §5)', () => {
  test('an async function called without run() starts at once and finishes after the caller moved on', async () => {
    using _clock = VirtualClock.install();
    const { lines } = await missingAwaitAndRun.main({ quiet: true });
    assert.deepEqual(lines.slice(0, 4), [
      '-- myApp() called without run() or await --',
      'I am an asynchronous application',
      'Program ends',
      'I should have finished running',
    ]);
    assert.deepEqual(lines.slice(4, 8), [
      '-- the correct approach: await run(myApp) --',
      'I am an asynchronous application',
      'I should have finished running',
      'Program ends',
    ]);
  });

  test('sleep() without await does not wait; with await it does', async () => {
    using _clock = VirtualClock.install();
    const { withoutAwaitMs, withAwaitMs } = await missingAwaitAndRun.main({ quiet: true });
    assert.equal(withoutAwaitMs, 0);
    assert.equal(withAwaitMs, 100);
  });
});
