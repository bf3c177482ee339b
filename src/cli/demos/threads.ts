/**
 * `concur demo threads`: the seeds' threading examples, live — the threads print straight
 * to the terminal, then the `→` lines state what the run showed (see demo.ts).
 *
 * @module
 */
import {
  demo as demoOf,
  ms,
  overlapLine,
  runDemos,
  type Demo,
  type DemoSpec,
  type Print,
} from './demo.js';

const demo = <Facts>(spec: DemoSpec<Facts>): Demo => demoOf('threading', { ...spec, live: true });

const distinct = (values: readonly number[]): number => new Set(values).size;

/** The threading demos, in the order of `examples/threading/`. */
export const threadDemos: readonly Demo[] = [
  demo<{ idents: number[]; intervals: [number, number][]; elapsedMs: number }>({
    title: 'Two threads in one process',
    seed: '002 §2 "Multithreading"',
    example: '01-two-threads',
    summary: ({ idents, intervals, elapsedMs }) => [
      `one PID (${process.pid}), two threads with different idents (${idents.join(', ')}): ` +
        'the threads share the process',
      overlapLine(
        Math.max(...intervals.map(([, end]) => end)) -
          Math.min(...intervals.map(([start]) => start)),
        intervals.map(([start, end]) => Math.round(end - start)),
        'the threads worked',
      ),
      `the rest of the ${ms(elapsedMs)} went to starting the threads (each one boots a V8 isolate)`,
      'and in Node this would hold for computing too: worker threads run JavaScript in parallel (no GIL)',
    ],
  }),
  demo<{ idents: number[]; ranOn: number[] }>({
    title: 'Five threads, one task each',
    seed: '003 §1 "python Multi-threading"',
    example: '02-five-threads',
    summary: ({ idents, ranOn }) => [
      `${distinct(idents)} threads, ${distinct(idents)} idents (${idents.join(', ')}); ` +
        (ranOn.every((id, i) => id === idents[i])
          ? 'task i ran on thread i'
          : `tasks ran on ${ranOn.join(', ')}`),
      'the lines come in whatever order the threads got there, as in Python',
    ],
  }),
  demo<{ bytes: number; served: number; dots: number }>({
    title: 'Download in one thread, progress dots in another',
    seed: '000/001 §2 "threading"',
    example: '03-download-progress',
    summary: ({ bytes, served, dots }) => [
      `downloaded ${bytes} of ${served} bytes from the local server while the other thread drew ${dots} dots`,
      'download_complete is a cell of shared memory both threads read (no shared globals in JS)',
    ],
  }),
  demo<{ sizes: number[]; served: number[] }>({
    title: 'Three threads, three downloads',
    seed: '004 "Threads (threading module)"',
    example: '04-download-images',
    summary: ({ sizes, served }) => [
      sizes.every((size, i) => size === served[i])
        ? `each thread saved its whole file (${sizes.join(', ')} bytes)`
        : `saved ${sizes.join(', ')} of ${served.join(', ')} bytes`,
    ],
  }),
];

/** Runs every threading demo, writing each line with `write`. */
export async function runThreadDemos(seed: number, write: Print): Promise<void> {
  const intro = [
    `concur demo threads — the seeds' threading examples, live (worker threads)`,
    '(durations scaled down: 1 s in the seeds → 100 ms)',
  ];
  await runDemos(intro, threadDemos, seed, write);
}
