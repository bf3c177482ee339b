// The cold-start benchmark's task in a module that imports defineTask from concur/futures,
// as a module that also runs the program would: its workers load the pools' code too.
import { defineTask } from '../dist/futures/index.js';

export const square = defineTask(import.meta.url, function square(n) {
  return n * n;
});
