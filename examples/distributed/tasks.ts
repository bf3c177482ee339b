/**
 * The task of the distributed example. Workers load this module (`concur worker --tasks
 * dist/examples/distributed/tasks.js`), which registers the task under its name; the
 * executor sends only that name and the JSON arguments.
 */
import { defineTask } from 'concur-ts';

/** Seed 000's `calculate_square`: the sum of n² for n below `number`, and who computed it. */
export const calculateSquare = defineTask(
  import.meta.url,
  function calculateSquare(number: number): { total: number; worker: number } {
    let total = 0;
    for (let n = 0; n < number; n++) total += n * n;
    return { total, worker: process.pid };
  },
);
