// The task of the cold-start benchmark: concur reaches it through defineTask (from
// concur/futures, as a user's task module would import it), piscina as the default export.
import { defineTask } from '../dist/futures/index.js';

export const square = defineTask(import.meta.url, function square(n) {
  return n * n;
});

export default square;
