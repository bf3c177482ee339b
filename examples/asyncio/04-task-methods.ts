/**
 * What a Task can tell you and do: `done()`, `result()`, `exception()`, `cancel()`,
 * `cancelled()`.
 *
 * Mirrors seed 002 (`002_796e0f5a144ccd70.txt`), "Some Methods of Task Objects", which lists
 * the methods in prose (no code); this program calls each one on a task that succeeds, one
 * that fails and one that is cancelled:
 *
 *   task.done()       complete (returned, raised or cancelled)?
 *   task.result()     the result; InvalidStateError before it is done; re-raises its error
 *   task.exception()  the error, or None if it returned
 *   task.cancel()     request cancellation: CancelledError is raised inside the task, which
 *                     may catch it to clean up (graceful cancellation) and should re-raise
 *   task.cancelled()  was it cancelled?
 *
 * The seed says `exception()` returns None when the task is not completed; Python (and
 * concur) raise InvalidStateError then, as this program shows. JavaScript has no None:
 * `exception()` returns `null`. Durations: 100 ms, 50 ms, and a 10 s download cut short.
 *
 * Run: npm run build && node dist/examples/asyncio/04-task-methods.js
 */
import { pathToFileURL } from 'node:url';

import { CancelledError, createTask, run, sleep, wait, type Task } from 'concur-ts/asyncio';

export interface Options {
  /** Collect the lines without printing them. */
  quiet?: boolean;
}

export interface Result {
  lines: string[];
  /** The three tasks, finished: one returned, one failed, one was cancelled. */
  ok: Task<string>;
  failing: Task<string>;
  slow: Task<string>;
}

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  /** What calling `fn` gives: its value, or the error it throws. */
  const show = (fn: () => unknown): string => {
    try {
      return String(fn());
    } catch (error) {
      return `throws ${String(error)}`;
    }
  };

  async function downloadPage(url: string): Promise<string> {
    await sleep(100);
    return `Content of ${url}`;
  }

  async function brokenPage(url: string): Promise<string> {
    await sleep(50);
    throw new Error(`404 Not Found: ${url}`);
  }

  async function longDownload(url: string): Promise<string> {
    try {
      await sleep(10_000);
      return `Content of ${url}`;
    } catch (error) {
      if (error instanceof CancelledError) {
        print(`[slow] CancelledError received inside the task: cleaning up, then re-raising`);
      }
      throw error; // re-raise, so the task ends cancelled
    }
  }

  return run(async () => {
    const ok = createTask(() => downloadPage('url1'), { name: 'ok' });
    const failing = createTask(() => brokenPage('url2'), { name: 'failing' });
    const slow = createTask(() => longDownload('url3'), { name: 'slow' });

    print('-- just created, nothing has run yet --');
    print(`ok.done() → ${ok.done()}`);
    print(`ok.result() → ${show(() => ok.result())}`);
    print(`ok.exception() → ${show(() => ok.exception())}`);

    // wait() returns when they are done, without throwing their errors. Look at a failed
    // task soon: an error nobody retrieved by the next turn of the loop is reported
    // ("exception was never retrieved"), where Python waits for garbage collection.
    await wait([failing]);
    print('-- failing is done, ok and slow are still running --');
    print(`failing.done() → ${failing.done()}`);
    print(`failing.exception() → ${show(() => failing.exception())}`);
    print(`failing.result() → ${show(() => failing.result())}`);
    print(`ok.done() → ${ok.done()}`);

    await wait([ok]);
    print('-- ok is done, slow is still running --');
    print(`ok.done() → ${ok.done()}`);
    print(`ok.result() → ${show(() => ok.result())}`);
    print(`ok.exception() → ${show(() => ok.exception())}`);
    print(`slow.done() → ${slow.done()}`);

    print(`slow.cancel() → ${slow.cancel()}`);
    await wait([slow]);
    print('-- slow is done too --');
    print(`slow.cancelled() → ${slow.cancelled()}`);
    print(`slow.result() → ${show(() => slow.result())}`);
    print(`ok.cancelled() → ${ok.cancelled()}, failing.cancelled() → ${failing.cancelled()}`);
    return { lines, ok, failing, slow };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
