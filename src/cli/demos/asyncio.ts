/**
 * `concur demo asyncio`: the seeds' asyncio examples, run live.
 *
 * The demos are the programs in `examples/asyncio/` (see demo.ts): each runs quietly and
 * returns its lines and facts. Durations are the seeds' scaled down: 1 second → 100 ms.
 *
 * @module
 */
import { TimeoutError } from '../../asyncio/index.js';
import {
  demo as demoOf,
  ms,
  overlapLine,
  runDemos,
  sum,
  type Demo,
  type DemoSpec,
  type Print,
} from './demo.js';

const demo = <Facts>(spec: DemoSpec<Facts>): Demo => demoOf('asyncio', spec);

/** The asyncio demos, in the order of `examples/asyncio/`. */
export const asyncioDemos: readonly Demo[] = [
  demo<{ pids: number[]; durationsMs: number[]; elapsedMs: number }>({
    title: 'Two coroutines in one process',
    seed: '002 §3 "Coroutines - Using asyncio"',
    example: '01-coroutines-pid',
    summary: ({ pids, durationsMs, elapsedMs }) => [
      pids.every((pid) => pid === pids[0])
        ? `both coroutines printed the same PID (${pids[0]}): one process, one thread`
        : `the coroutines printed different PIDs: ${pids.join(', ')}`,
      `total ${ms(elapsedMs)} ≈ the longest task (${Math.max(...durationsMs)} ms), ` +
        `not the sum (${sum(durationsMs)} ms)`,
    ],
  }),
  demo<{
    serial: { elapsedMs: number };
    concurrent: { elapsedMs: number };
    taskMs: number;
    workMs: number;
  }>({
    title: 'createTask() versus a direct await',
    seed: '002 §6 "asyncio.create_task() vs Direct await"',
    example: '02-create-task-vs-await',
    summary: ({ serial, concurrent, taskMs, workMs }) => [
      `direct await: ${ms(serial.elapsedMs)}, one after the other (${taskMs} + ${workMs} ms)`,
      `createTask: ${ms(concurrent.elapsedMs)}, main worked while the task slept ` +
        `(max(${taskMs}, ${workMs}) ms)`,
    ],
  }),
  demo<{ durationsMs: number[]; elapsedMs: number }>({
    title: 'createTask() for each download, gather() for all',
    seed: '002 §6 "Combining asyncio.gather() with create_task()"',
    example: '03-gather-tasks',
    summary: ({ durationsMs, elapsedMs }) => [overlapLine(elapsedMs, durationsMs)],
  }),
  demo<{ slow: { cancelled(): boolean } }>({
    title: 'Task methods: done(), result(), exception(), cancel(), cancelled()',
    seed: '002 §6 "Some Methods of Task Objects"',
    example: '04-task-methods',
    summary: ({ slow }) => [
      'result() and exception() throw InvalidStateError until the task is done',
      slow.cancelled()
        ? 'a cancelled task gets CancelledError at its await, may clean up, and ends cancelled'
        : 'the slow task was not cancelled',
    ],
  }),
  demo<{ durationsMs: number[]; elapsedMs: number }>({
    title: 'The general template: four workers of random duration, gathered',
    seed: '002 §7 "General Template for Coroutines"',
    example: '05-general-template',
    summary: ({ durationsMs, elapsedMs }) => [overlapLine(elapsedMs, durationsMs)],
  }),
  demo<{ maxInFlight: number; latenciesMs: number[]; elapsedMs: number }>({
    title: 'Fetching pages concurrently (local server, never the internet)',
    seed: '000/001 "asyncio (coroutine)"',
    example: '06-fetch-pages',
    summary: ({ maxInFlight, latenciesMs, elapsedMs }) => [
      `the local server held ${maxInFlight} requests at once`,
      overlapLine(elapsedMs, latenciesMs),
    ],
  }),
  demo<{ errors: unknown[]; timeoutMs: number; elapsedMs: number }>({
    title: 'Fetching with a timeout per page; a failed page counts as 0',
    seed: '004 "Fetching web pages (I/O-bound with asyncio)"',
    example: '07-fetch-with-timeout',
    summary: ({ errors, timeoutMs, elapsedMs }) => {
      const timedOut = errors.filter((error) => error instanceof TimeoutError).length;
      const pages = timedOut === 1 ? 'the slow page' : `${timedOut} pages`;
      return [
        `${pages} hit the ${timeoutMs} ms timeout and counted as 0; all done in ${ms(elapsedMs)}`,
      ];
    },
  }),
  demo<object>({
    title: 'Without run() or await: where JavaScript differs from Python',
    seed: '002 §5 "What happens if asyncio, await, and async are not written?"',
    example: '08-missing-await-and-run',
    summary: () => [
      'Python: my_app() alone runs nothing; JavaScript: myApp() starts at once, unwatched',
      'only await (or run) makes the caller wait',
    ],
  }),
];

/** Runs every asyncio demo, writing each line with `write`. */
export async function runAsyncioDemos(seed: number, write: Print): Promise<void> {
  const intro = [
    `concur demo asyncio — the seeds' asyncio examples, live`,
    `(durations scaled down: 1 s in the seeds → 100 ms; random durations: --seed ${seed})`,
  ];
  await runDemos(intro, asyncioDemos, seed, write);
}
