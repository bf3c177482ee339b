// The task of the distributed benchmark (P10), loaded by `concur worker --tasks`.
import { defineTask } from '../dist/index.js';

export const add1 = defineTask(import.meta.url, function add1(x) {
  return x + 1;
});
