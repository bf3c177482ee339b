/**
 * The task of the `Pool.map` example, in a module of its own: worker processes import it
 * (never the example's entry script, whose top level starts the example).
 */
import { defineTask } from 'concur-ts';

/** Seed 004's `calculate_square`: prints the square (in its worker) and returns it. */
export const calculateSquare = defineTask(
  import.meta.url,
  function calculateSquare(number: number): number {
    const result = number * number;
    console.log(`The square of ${number} is ${result} (worker PID: ${process.pid})`);
    return result;
  },
);
