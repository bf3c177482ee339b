/**
 * The shareable types in a worker: before the first task whose arguments carry a shared
 * primitive runs, the worker loads every module that defines one — each registers its
 * reviver as it loads (shm/shareable.ts), and a task's arguments may hold a primitive whose
 * class the task's own module never imports.
 *
 * The one place the engine room loads public modules, by dynamic import at run time: the
 * shared classes are public (`Lock`, `Queue`, …), and only their modules can revive them.
 *
 * @module
 */
import { CTL_SHARED } from './protocol.js';

let loading: Promise<unknown> | null = null;
let loaded = false;

/** True once every shareable type is loaded (or failed to). */
export function sharedTypesLoaded(): boolean {
  return loaded;
}

/** Loads every shareable type, once. */
export function loadSharedTypes(): Promise<unknown> {
  return (loading ??= Promise.all([
    // eslint-disable-next-line no-restricted-syntax -- the one exception (see above)
    import('../../threading/index.js'),
    // eslint-disable-next-line no-restricted-syntax -- the one exception (see above)
    import('../../multiprocessing/index.js'),
  ]).finally(() => {
    loaded = true;
  }));
}

/** True if a RUN message holds a task whose arguments carry shared primitives. */
export function carriesShared(message: unknown[]): boolean {
  for (let i = 2; i < message.length; i += 3 + (message[i + 2] as number)) {
    if (((message[i + 1] as number) & CTL_SHARED) !== 0) return true;
  }
  return false;
}
