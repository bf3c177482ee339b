/**
 * The monotonic clock every deadline, timer and idle time in concur is read from, in
 * milliseconds from an arbitrary origin.
 *
 * `process.hrtime()` where the runtime has it (Node, Bun, Deno), else `performance.now()`.
 * On Node `performance` is a lazy global: its first touch loads `perf_hooks` and four more
 * of Node's modules — 1.5 ms in a fresh worker thread and 0.8 ms on the main thread (Node
 * 26, from CPU profiles of a one-task pool program), paid before a worker's first task.
 * `process.hrtime()` costs the same per call (55–65 ns against 50–65 ns, Node 20 and 26)
 * and, being the system's monotonic clock, reads alike in every thread and process (each
 * thread's `performance.now()` counts from that thread's start).
 *
 * @module
 */

type HrTime = () => [number, number];

const hrtime = (globalThis as { process?: { hrtime?: HrTime } }).process?.hrtime;

/** Milliseconds on the monotonic clock (fractional; only differences mean anything). */
export const monotonicNow: () => number =
  typeof hrtime === 'function'
    ? () => {
        const [seconds, nanos] = hrtime();
        return seconds * 1e3 + nanos / 1e6;
      }
    : () => performance.now();
