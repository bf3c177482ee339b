/**
 * `concur demo asyncio`: the seeds' asyncio examples, run live.
 *
 * Each demo is the compact twin of a program in `examples/asyncio/` and prints the same
 * lines. The examples are the source of truth (readable, commented, tested one by one);
 * `test/cli/demo.test.ts` checks that this module prints what they print. After each demo,
 * lines starting with `→` state what the run showed, with the numbers measured here.
 * Durations are the seeds' scaled down: 1 second → 100 ms.
 *
 * @module
 */
import {
  CancelledError,
  createTask,
  currentTask,
  gather,
  getRunningLoop,
  run,
  sleep,
  timeout,
  wait,
  type Task,
} from '../../asyncio/index.js';
import { startPageServer } from '../pageServer.js';

type Print = (line: string) => void;

/** One demo: prints its lines, resolves to the `→` lines that sum it up. */
interface Demo {
  title: string;
  /** The seed file it mirrors. */
  seed: string;
  /** Its twin in `examples/asyncio/`. */
  example: string;
  run(print: Print, seed: number): Promise<string[]>;
}

const now = (): number => getRunningLoop().time();
const ms = (value: number): string => `${value.toFixed(0)} ms`;

const coroutinesPid: Demo = {
  title: 'Two coroutines in one process',
  seed: '002 §3 "Coroutines - Using asyncio"',
  example: '01-coroutines-pid.ts',
  async run(print) {
    const pids: number[] = [];
    async function asyncTask(name: string, durationMs: number): Promise<void> {
      pids.push(process.pid);
      print(`${name} (PID: ${process.pid}) started, taking ${durationMs} ms...`);
      await sleep(durationMs);
      print(`${name} (PID: ${process.pid}) ended`);
    }
    const elapsed = await run(async () => {
      print('--- Starting coroutine example ---');
      const start = now();
      const task1 = createTask(() => asyncTask('Coroutine A', 200));
      const task2 = createTask(() => asyncTask('Coroutine B', 300));
      await gather([task1, task2]);
      const elapsed = now() - start;
      print(`--- Coroutine example ended, total time: ${ms(elapsed)} ---`);
      return elapsed;
    });
    const samePid = pids.every((pid) => pid === pids[0]);
    return [
      samePid
        ? `both coroutines printed the same PID (${pids[0]}): one process, one thread`
        : `the coroutines printed different PIDs: ${pids.join(', ')}`,
      `total ${ms(elapsed)} ≈ the longest task (300 ms), not the sum (500 ms)`,
    ];
  },
};

const createTaskVsAwait: Demo = {
  title: 'createTask() versus a direct await',
  seed: '002 §6 "asyncio.create_task() vs Direct await"',
  example: '02-create-task-vs-await.ts',
  async run(print) {
    async function someAsyncFunction(): Promise<void> {
      print('some_async_function start');
      await sleep(200);
      print('some_async_function end');
    }
    async function mainOwnWork(): Promise<void> {
      print('main continues executing: its own work (100 ms)');
      await sleep(100);
      print('main: own work done');
    }
    async function timed(title: string, fn: () => Promise<void>): Promise<number> {
      print(title);
      const start = now();
      await run(fn);
      const elapsed = now() - start;
      print(`total time: ${ms(elapsed)}`);
      return elapsed;
    }
    const serial = await timed('== Direct await ==', async () => {
      print('main start');
      await someAsyncFunction();
      await mainOwnWork();
      print('main end');
    });
    const concurrent = await timed('== asyncio.create_task() → createTask() ==', async () => {
      print('main start');
      const task = createTask(() => someAsyncFunction());
      print('some_async_function has been scheduled as a Task, main continues executing');
      await mainOwnWork();
      await task;
      print('task completed, main end');
    });
    return [
      `direct await: ${ms(serial)}, one after the other (200 + 100 ms)`,
      `createTask: ${ms(concurrent)}, main worked while the task slept (max(200, 100) ms)`,
    ];
  },
};

const gatherTasks: Demo = {
  title: 'createTask() for each download, gather() for all',
  seed: '002 §6 "Combining asyncio.gather() with create_task()"',
  example: '03-gather-tasks.ts',
  async run(print, seed) {
    const randint = makeRandint(seed);
    const durations: number[] = [];
    async function downloadPage(url: string): Promise<string> {
      const durationMs = randint(1, 3) * 100;
      durations.push(durationMs);
      print(`Starting download: ${url} (${durationMs} ms)`);
      await sleep(durationMs);
      print(`Download complete: ${url}`);
      return `Content of ${url.slice(0, 20)}...`;
    }
    const start = now();
    await run(async () => {
      print('main_with_gather: Preparing to create tasks');
      const tasks: Task<string>[] = [];
      for (const url of ['url1', 'url2', 'url3']) tasks.push(createTask(() => downloadPage(url)));
      print('main_with_gather: All tasks have been created');
      const results = await gather(tasks);
      print('main_with_gather: All tasks have completed');
      for (const result of results) print(`Result: ${result}`);
    });
    const elapsed = now() - start;
    print(`total time: ${ms(elapsed)}`);
    return [overlapLine(elapsed, durations)];
  },
};

const taskMethods: Demo = {
  title: 'Task methods: done(), result(), exception(), cancel(), cancelled()',
  seed: '002 §6 "Some Methods of Task Objects"',
  example: '04-task-methods.ts',
  async run(print) {
    const show = (fn: () => unknown): string => {
      try {
        return String(fn());
      } catch (error) {
        return `throws ${String(error)}`;
      }
    };
    await run(async () => {
      const ok = createTask(async () => {
        await sleep(100);
        return 'Content of url1';
      });
      const failing = createTask(async () => {
        await sleep(50);
        throw new Error('404 Not Found: url2');
      });
      const slow = createTask(async () => {
        try {
          await sleep(10_000);
          return 'Content of url3';
        } catch (error) {
          if (error instanceof CancelledError) {
            print('[slow] CancelledError received inside the task: cleaning up, then re-raising');
          }
          throw error;
        }
      });
      print('-- just created, nothing has run yet --');
      print(`ok.done() → ${ok.done()}`);
      print(`ok.result() → ${show(() => ok.result())}`);
      print(`ok.exception() → ${show(() => ok.exception())}`);
      await wait([failing]);
      print('-- failing is done, ok and slow are still running --');
      print(`failing.done() → ${failing.done()}`);
      print(`failing.exception() → ${show(() => failing.exception())}`);
      print(`failing.result() → ${show(() => failing.result())}`);
      print(`ok.done() → ${ok.done()}`);
      await wait([ok]);
      print('-- ok is done, slow is still running --');
      print(`ok.done() → ${ok.done()}`);
      print(`ok.result() → ${show(() => ok.result())}`);
      print(`ok.exception() → ${show(() => ok.exception())}`);
      print(`slow.done() → ${slow.done()}`);
      print(`slow.cancel() → ${slow.cancel()}`);
      await wait([slow]);
      print('-- slow is done too --');
      print(`slow.cancelled() → ${slow.cancelled()}`);
      print(`slow.result() → ${show(() => slow.result())}`);
      print(`ok.cancelled() → ${ok.cancelled()}, failing.cancelled() → ${failing.cancelled()}`);
    });
    return [
      'result() and exception() throw InvalidStateError until the task is done',
      'a cancelled task gets CancelledError at its await, may clean up, and ends cancelled',
    ];
  },
};

const generalTemplate: Demo = {
  title: 'The general template: four workers of random duration, gathered',
  seed: '002 §7 "General Template for Coroutines"',
  example: '05-general-template.ts',
  async run(print, seed) {
    const randint = makeRandint(seed);
    async function asyncWorkerTask(taskId: number, durationMs: number): Promise<string> {
      print(`[Task ${taskId}] Starting execution, expected duration ${durationMs} ms...`);
      await sleep(durationMs);
      print(`[Task ${taskId}] Execution complete.`);
      return `Task ${taskId} completed, took ${durationMs} ms.`;
    }
    print('Program starting');
    const { elapsed, durations } = await run(async () => {
      print('Main orchestrator: Asynchronous process starting');
      const start = now();
      const durations = [
        randint(1, 4) * 100,
        randint(2, 5) * 100,
        randint(1, 3) * 100,
        randint(3, 6) * 100,
      ];
      const coroutineObjects = durations.map((d, i) => () => asyncWorkerTask(i + 1, d));
      print(`Main orchestrator: ${coroutineObjects.length} coroutine objects created.`);
      print('Main orchestrator: Running tasks concurrently using gather()...');
      const results = await gather(coroutineObjects.map((fn) => createTask(fn)));
      print('Main orchestrator: All concurrent tasks have completed.');
      print('Main orchestrator: The results of all tasks are as follows:');
      for (const result of results) print(`- ${result}`);
      const elapsed = now() - start;
      print(`Main orchestrator: Asynchronous process ended. Total time: ${ms(elapsed)}`);
      return { elapsed, durations };
    });
    print('Program has fully exited.');
    return [overlapLine(elapsed, durations)];
  },
};

const fetchPages: Demo = {
  title: 'Fetching pages concurrently (local server, never the internet)',
  seed: '000/001 "asyncio (coroutine)"',
  example: '06-fetch-pages.ts',
  async run(print) {
    const pages = [
      { path: '/www.baidu.com', latencyMs: 150, size: 2381 },
      { path: '/www.taobao.com', latencyMs: 100, size: 4750 },
      { path: '/www.jd.com', latencyMs: 200, size: 3302 },
    ];
    const server = await startPageServer(pages);
    try {
      const urls = pages.map((page) => server.url(page.path));
      const start = now();
      await run(async () => {
        const fetchPage = async (url: string): Promise<string> => (await fetch(url)).text();
        const texts = await gather(urls.map((url) => createTask(() => fetchPage(url))));
        urls.forEach((url, i) => print(`${url} → length:${texts[i]!.length}`));
      });
      const elapsed = now() - start;
      print(`total time: ${ms(elapsed)}`);
      const latencies = pages.map((page) => page.latencyMs);
      return [
        `the local server held ${server.maxInFlight()} requests at once`,
        overlapLine(elapsed, latencies),
      ];
    } finally {
      await server.close();
    }
  },
};

const fetchWithTimeout: Demo = {
  title: 'Fetching with a timeout per page; a failed page counts as 0',
  seed: '004 "Fetching web pages (I/O-bound with asyncio)"',
  example: '07-fetch-with-timeout.ts',
  async run(print) {
    const pages = [
      { path: '/www.python.org', latencyMs: 150, size: 5120 },
      { path: '/github.com', latencyMs: 200, size: 8312 },
      { path: '/www.wikipedia.org', latencyMs: 100, size: 3944 },
      { path: '/slow.example.com', latencyMs: 60_000, size: 100 },
    ];
    async function fetchUrl(url: string): Promise<number> {
      print(`Fetching ${url}...`);
      try {
        const data = await timeout(500, async () => {
          const response = await fetch(url, { signal: currentTask()!.signal });
          return await response.text();
        });
        print(`Finished fetching ${url}, length: ${data.length}`);
        return data.length;
      } catch (error) {
        if (error instanceof CancelledError) throw error;
        print(`Error fetching ${url}: ${String(error)}`);
        return 0;
      }
    }
    const server = await startPageServer(pages);
    try {
      const urls = pages.map((page) => server.url(page.path));
      const start = now();
      const results = await run(() => gather(urls.map((url) => createTask(() => fetchUrl(url)))));
      const elapsed = now() - start;
      print(`Total lengths: [${results.join(', ')}]`);
      return [`the slow page hit the 500 ms timeout and counted as 0; all done in ${ms(elapsed)}`];
    } finally {
      await server.close();
    }
  },
};

const missingAwaitAndRun: Demo = {
  title: 'Without run() or await: where JavaScript differs from Python',
  seed: '002 §5 "What happens if asyncio, await, and async are not written?"',
  example: '08-missing-await-and-run.ts',
  async run(print) {
    async function myApp(): Promise<void> {
      print('I am an asynchronous application');
      await sleep(100);
      print('I should have finished running');
    }
    print('-- myApp() called without run() or await --');
    const unwatched = myApp();
    print('Program ends');
    await unwatched;
    print('-- the correct approach: await run(myApp) --');
    await run(myApp);
    print('Program ends');
    print('-- a missing await --');
    await run(async () => {
      let start = now();
      void sleep(100); // the mistake, on purpose
      print(`after sleep(100) without await: ${ms(now() - start)} later`);
      start = now();
      await sleep(100);
      print(`after await sleep(100): ${ms(now() - start)} later`);
    });
    return [
      'Python: my_app() alone runs nothing; JavaScript: myApp() starts at once, unwatched',
      'only await (or run) makes the caller wait',
    ];
  },
};

/** The asyncio demos, in the order of `examples/asyncio/`. */
export const asyncioDemos: readonly Demo[] = [
  coroutinesPid,
  createTaskVsAwait,
  gatherTasks,
  taskMethods,
  generalTemplate,
  fetchPages,
  fetchWithTimeout,
  missingAwaitAndRun,
];

/** Runs every asyncio demo, writing each line with `write`. */
export async function runAsyncioDemos(seed: number, write: Print): Promise<void> {
  write(`concur demo asyncio — the seeds' asyncio examples, live`);
  write(`(durations scaled down: 1 s in the seeds → 100 ms; random durations: --seed ${seed})`);
  for (const [index, demo] of asyncioDemos.entries()) {
    write('');
    write(`[${index + 1}/${asyncioDemos.length}] ${demo.title}`);
    write(`    seed ${demo.seed} · examples/asyncio/${demo.example}`);
    const summary = await demo.run((line) => write(`  ${line}`), seed);
    for (const line of summary) write(`  → ${line}`);
  }
}

/** "total ≈ the longest, not the sum", with the numbers of this run. */
function overlapLine(elapsed: number, durations: readonly number[]): string {
  const longest = Math.max(...durations);
  const sum = durations.reduce((a, b) => a + b, 0);
  return `total ${ms(elapsed)} ≈ the longest (${longest} ms), not the sum (${sum} ms)`;
}

/** `random.randint(low, high)` from a seed (mulberry32), as the examples draw it. */
function makeRandint(seed: number): (low: number, high: number) => number {
  let state = seed | 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return (low, high) => low + Math.floor(random() * (high - low + 1));
}
