/**
 * What concur has started and not yet ended — executors, threads, processes, managers — for the
 * leak check (`concur/testing`'s `leakReport()`). Node's own handle list misses them when
 * they do not keep the process alive: an idle pool's workers and a daemon `Process` are
 * unref'd. Each object joins when its life begins (a pool is made, a thread or process
 * started) and leaves when it ends (the pool closed, the thread or process exited): one
 * Set operation each, never on a task's path.
 *
 * @module
 */
import { inspect } from '../runtime/inspect.js';

/** The categories `leakReport()` shows. */
export type LiveKind = 'executors' | 'threads' | 'processes' | 'managers';

const live: Record<LiveKind, Set<object>> = {
  executors: new Set(),
  threads: new Set(),
  processes: new Set(),
  managers: new Set(),
};

/** `object`'s life began. */
export function liveBegin(kind: LiveKind, object: object): void {
  live[kind].add(object);
}

/** `object`'s life ended. */
export function liveEnd(kind: LiveKind, object: object): void {
  live[kind].delete(object);
}

/** What of `kind` is alive now, each as its `util.inspect` form (`<Thread(…)>`). */
export function describeLive(kind: LiveKind): string[] {
  return [...live[kind]].map((object) => inspect(object, { depth: 0, breakLength: Infinity }));
}
