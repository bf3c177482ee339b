/**
 * The timer pieces of Node that browsers lack: `setImmediate` (a turn of the event loop
 * after every microtask, there a `MessageChannel` message, as the task queue runs them
 * after microtasks too) and writing to stderr (there `console.error`). A timer's
 * `ref`/`unref` exist only on Node's timers: callers use `timer.unref?.()`.
 *
 * On Node, Bun and Deno these are the runtime's own functions, bound at load.
 *
 * @module
 */

type Immediate = (fn: (arg: any) => void, arg?: unknown) => unknown;

interface Queued {
  fn: ((arg: any) => void) | null;
  arg: unknown;
}

function messageChannelImmediates(): { set: Immediate; clear: (handle: unknown) => void } {
  const queue: Queued[] = [];
  const channel = new MessageChannel();
  // (Typed from Node's MessagePort, which has no `onmessage`; the browser's has.)
  (channel.port1 as unknown as { onmessage: () => void }).onmessage = () => {
    const entry = queue.shift();
    if (entry?.fn != null) entry.fn(entry.arg);
  };
  return {
    set(fn, arg) {
      const entry: Queued = { fn, arg };
      queue.push(entry);
      channel.port2.postMessage(null);
      return entry;
    },
    clear(handle) {
      (handle as Queued).fn = null;
    },
  };
}

const native = globalThis as {
  setImmediate?: Immediate;
  clearImmediate?: (handle: unknown) => void;
};
const fallback = typeof native.setImmediate === 'function' ? null : messageChannelImmediates();

/** Node's `setImmediate`, or a macrotask after the microtasks where there is none. */
export const setImmediate: Immediate = native.setImmediate ?? fallback!.set;

/** Node's `clearImmediate`, or the fallback's. */
export const clearImmediate: (handle: unknown) => void = native.clearImmediate ?? fallback!.clear;

/** Writes `text` to stderr, or to the console where there is no stderr. */
export function writeStderr(text: string): void {
  // Looked up when needed: Node makes `process.stderr` on first access, and it loads
  // node:stream (~190 KB of young allocations on Node 26) into a program that may never
  // write to it.
  const stderr = (globalThis as { process?: { stderr?: { write?: (s: string) => unknown } } })
    .process?.stderr;
  if (typeof stderr?.write === 'function') stderr.write(text);
  else console.error(text.replace(/\n$/, ''));
}
