/**
 * Where a worker starts, seen from the channel module that starts it. The channel's own
 * code can be in one of three places:
 *
 *   its own file          dist/internal/worker/threadChannel.js (or src/…, run as .ts):
 *                         the entry (threadMain.js) is beside it
 *   a chunk of concur's   dist/internal/chunks/chunk-….js, as the shipped package is
 *   bundled package       bundled (scripts/bundle.mjs): the entry is in ../worker/
 *   a program's bundle    a bundler put it into the program: the bundle is the entry,
 *                         and starts the worker runtime itself (threadChannel.ts)
 *
 * @module
 */

/** Chunks of concur's bundled package: scripts/bundle.mjs writes them here. */
const CHUNK = /\/internal\/chunks\/[^/]+\.js$/;

/**
 * The URL of the worker entry `entry` (`threadMain.js`, `processMain.js`) for the channel
 * module at `moduleUrl` whose file name `own` matches; `null` when the module is inside a
 * program's bundle, which is then its own entry.
 */
export function workerEntryUrl(moduleUrl: string, own: RegExp, entry: string): URL | null {
  const path = new URL(moduleUrl).pathname;
  if (own.test(path)) return new URL(`./${entry}`, moduleUrl);
  if (CHUNK.test(path)) return new URL(`../worker/${entry}`, moduleUrl);
  return null;
}
