/**
 * The built engine room (dist/internal/…), loaded by path for white-box tests: the
 * package's `exports` keep `internal/` private. These are the very modules the public
 * classes run on (`npm run build` makes them before `npm run build:test`).
 */
const dist = new URL('../../../dist/internal/', import.meta.url);

async function load<T>(path: string): Promise<T> {
  return (await import(new URL(path, dist).href)) as T;
}

export const futex = await load<typeof import('../../dist/internal/shm/futex.js')>('shm/futex.js');
export const mutex = await load<typeof import('../../dist/internal/shm/mutex.js')>('shm/mutex.js');
export const waitList =
  await load<typeof import('../../dist/internal/shm/waitList.js')>('shm/waitList.js');
export const monitor =
  await load<typeof import('../../dist/internal/shm/monitor.js')>('shm/monitor.js');
export const itemStore =
  await load<typeof import('../../dist/internal/shm/itemStore.js')>('shm/itemStore.js');
export const heap = await load<typeof import('../../dist/internal/base/Heap.js')>('base/Heap.js');
export const deque =
  await load<typeof import('../../dist/internal/base/Deque.js')>('base/Deque.js');
export const owners =
  await load<typeof import('../../dist/internal/shm/owners.js')>('shm/owners.js');
