// The tasks of the pool benchmarks (P1–P3), one module for every library: concur reaches
// them through defineTask (which returns the function itself), piscina and tinypool by
// export name, workerpool through bench/workerpool-worker.mjs.
import { defineTask } from '../dist/index.js';

export const add1 = defineTask(import.meta.url, function add1(x) {
  return x + 1;
});

export const sumSquares = defineTask(import.meta.url, function sumSquares(n) {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * i;
  return total;
});

/** Blocks its worker until `cells[0]` becomes non-zero (the queued-memory benchmark's plug). */
export const blockOn = defineTask(import.meta.url, function blockOn(cells) {
  Atomics.wait(cells, 0, 0);
  return 0;
});
