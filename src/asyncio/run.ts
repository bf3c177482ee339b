/**
 * `run(main)`: run an async entry point and clean up the tasks it leaves behind.
 *
 * @module
 */
import { InvalidStateError } from '../errors.js';
import { callExceptionHandler } from '../internal/loop/loop.js';
import { checkFunction } from '../internal/base/validate.js';
import { allTasks, currentTask, Task, type RunScope, type TaskFunction } from './Task.js';

let nextRunId = 1;

/**
 * Runs `main` as a task, resolves to its result, and then cancels (and waits for) every
 * task it started that is still pending.
 *
 * Python equivalent: `asyncio.run(main())`. Node's event loop is always running, so there
 * is no loop to create or close; what `run` adds is the main task and the clean-up.
 * Errors of the leftover tasks while they are cancelled go to the loop's exception
 * handler.
 *
 * @throws InvalidStateError when called from inside a task (await the function instead);
 * TypeError if `main` is not a function. Both are thrown at the call.
 * @example
 * ```ts
 * await run(async () => {
 *   const t = createTask(() => sleep(100, 'done'));
 *   console.log(await t);
 * });
 * ```
 */
export function run<T>(main: TaskFunction<T>): Promise<Awaited<T>> {
  // Not `async`: misuse must throw here, at the call, not come back as a rejection.
  checkFunction('run(main)', main);
  if (currentTask() !== null) {
    throw new InvalidStateError(
      'run() cannot be called from inside a task; await the function directly or use createTask()',
    );
  }
  return runMain(main);
}

async function runMain<T>(main: TaskFunction<T>): Promise<Awaited<T>> {
  const scope: RunScope = { id: nextRunId++ };
  const task = new Task<Awaited<T>>(main as TaskFunction<Awaited<T>>);
  task._run = scope; // lazy: it has not started, so every task it makes inherits the scope
  try {
    return await task;
  } finally {
    await cancelLeftovers(scope);
  }
}

async function cancelLeftovers(scope: RunScope): Promise<void> {
  const leftovers = [...allTasks()].filter((t) => t._run === scope);
  if (leftovers.length === 0) return;
  for (const t of leftovers) t.cancel();
  await Promise.all(leftovers.map((t) => t.then(undefined, () => undefined)));
  for (const t of leftovers) {
    if (t.cancelled()) continue;
    const exception = t.exception();
    if (exception !== null) {
      callExceptionHandler({
        message: 'unhandled exception during run() shutdown',
        exception,
        task: t,
      });
    }
  }
}
