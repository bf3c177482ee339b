/**
 * `concur demo asyncio`: the seeds' asyncio examples, run live.
 *
 * The demos are the programs in `examples/asyncio/` themselves, built with the package into
 * `dist/examples/asyncio/` and loaded from there: each example's `main` runs quietly and
 * returns the lines it printed and the facts it measured. This module prints the lines,
 * then the `→` lines that state what the run showed, computed from those facts. Durations
 * are the seeds' scaled down: 1 second → 100 ms.
 *
 * @module
 */
import { TimeoutError } from '../../asyncio/index.js';

type Print = (line: string) => void;

/** What an example module exports: `main` runs it and returns its lines and its facts. */
interface ExampleModule<Facts> {
  main(options: { quiet: true; seed: number }): Promise<{ lines: string[] } & Facts>;
}

/** One demo: an example, where it comes from, and how to sum up its facts. */
interface DemoSpec<Facts> {
  title: string;
  /** The seed file it mirrors. */
  seed: string;
  /** The example's file name in `examples/asyncio/`, without extension. */
  example: string;
  /** The `→` lines: what this run showed. */
  summary(facts: Facts): string[];
}

/** A demo ready to run: resolves to the example's lines and its `→` lines. */
interface Demo {
  title: string;
  seed: string;
  example: string;
  run(seed: number): Promise<{ lines: string[]; summary: string[] }>;
}

/** Where the examples are after the build: `dist/examples/asyncio/`, next to `dist/cli/`. */
const EXAMPLES = new URL('../../examples/asyncio/', import.meta.url);

/**
 * Makes a demo of an example. `Facts` is what the summary reads from the example's result,
 * a part of the example's own `Result` type (the package build cannot see the examples'
 * types; `test/cli/demo.test.ts` runs every demo).
 */
function demo<Facts>(spec: DemoSpec<Facts>): Demo {
  return {
    title: spec.title,
    seed: spec.seed,
    example: spec.example,
    async run(seed) {
      const url = new URL(`${spec.example}.js`, EXAMPLES).href;
      const example = (await import(url)) as ExampleModule<Facts>;
      const result = await example.main({ quiet: true, seed });
      return { lines: result.lines, summary: spec.summary(result) };
    },
  };
}

const ms = (value: number): string => `${value.toFixed(0)} ms`;
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** "total ≈ the longest, not the sum", with the numbers of this run. */
function overlapLine(elapsedMs: number, durationsMs: readonly number[]): string {
  const longest = Math.max(...durationsMs);
  return `total ${ms(elapsedMs)} ≈ the longest (${longest} ms), not the sum (${sum(durationsMs)} ms)`;
}

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
  write(`concur demo asyncio — the seeds' asyncio examples, live`);
  write(`(durations scaled down: 1 s in the seeds → 100 ms; random durations: --seed ${seed})`);
  for (const [index, demo] of asyncioDemos.entries()) {
    write('');
    write(`[${index + 1}/${asyncioDemos.length}] ${demo.title}`);
    write(`    seed ${demo.seed} · examples/asyncio/${demo.example}.ts`);
    const { lines, summary } = await demo.run(seed);
    for (const line of lines) write(`  ${line}`);
    for (const line of summary) write(`  → ${line}`);
  }
}
