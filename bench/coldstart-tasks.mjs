// The task of the cold-start benchmark: concur reaches it through defineTask (from
// concur/task, as the docs advise for a module that only defines tasks), piscina as the
// default export.
import { defineTask } from '../dist/task/index.js';

export const square = defineTask(import.meta.url, function square(n) {
  return n * n;
});

export default square;
