/**
 * Where `taskSignal()` finds the running asyncio task's signal without importing asyncio.
 * `asyncio/Task.ts` registers the lookup when it loads — no asyncio task can run before —
 * so a task module that imports only `concur/task` loads no event loop in a worker.
 *
 * @module
 */

let lookup: () => AbortSignal | null = () => null;

/** Called once, by `asyncio/Task.ts`: how to find the running asyncio task's signal. */
export function provideAsyncioSignal(find: () => AbortSignal | null): void {
  lookup = find;
}

/** The running asyncio task's `AbortSignal`, or `null` outside one (or before asyncio loaded). */
export function asyncioSignal(): AbortSignal | null {
  return lookup();
}
