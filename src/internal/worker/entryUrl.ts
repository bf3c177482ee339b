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

import { runtimeName } from '../runtime/runtime.js';
import { nodeBuiltin, unsupported } from '../runtime/support.js';

/** Chunks of concur's bundled package: scripts/bundle.mjs writes them here. */
const CHUNK = /\/internal\/chunks\/[^/]+\.js$/;

/**
 * The URL of the worker entry `entry` (`threadMain.js`, `processMain.js`) for the channel
 * module at `moduleUrl` whose file name `own` matches; `null` when the module is inside a
 * program's bundle, which is then its own entry — or `moduleUrl` is `undefined`: a
 * CommonJS bundle leaves `import.meta` empty (see `commonJsBundleError`).
 */
export function workerEntryUrl(
  moduleUrl: string | undefined,
  own: RegExp,
  entry: string,
): URL | null {
  if (moduleUrl === undefined) return null;
  const path = new URL(moduleUrl).pathname;
  if (own.test(path)) return new URL(`./${entry}`, moduleUrl);
  if (CHUNK.test(path)) return new URL(`../worker/${entry}`, moduleUrl);
  return null;
}

/**
 * Whether the module at `moduleUrl` is concur's own file (its name matching `own`) or a
 * chunk of concur's bundled package — not part of a program's bundle.
 */
export function inConcurPackage(moduleUrl: string | undefined, own: RegExp): boolean {
  return workerEntryUrl(moduleUrl, own, '') !== null;
}

/**
 * What a pool, a `Thread` or a `Process` (`what`: "worker threads", "worker processes")
 * throws when it is asked for in a program bundled as CommonJS: a worker starts from the
 * bundle's own URL, `import.meta.url`, which such a bundle does not have.
 */
export function commonJsBundleError(what: string): Error {
  return unsupported(
    `starting ${what} from a CommonJS bundle`,
    `a worker starts from the bundle itself, found by its import.meta.url, which a CommonJS bundle leaves empty`,
    `Bundle the program as an ES module (esbuild --format=esm, rollup format 'es', webpack output.module)`,
  );
}

/**
 * Throws when `url`, the entry file beside concur's own code (`workerEntryUrl`), is not
 * there: a bundler wrote where concur was at build time into the program in place of
 * `import.meta.url` (webpack does, unless its `importMeta` parsing is off), and the program
 * now runs elsewhere. Without this, each worker would die at its start, and the pool
 * break after a few. (Not on Deno, whose `existsSync` is false without read permission,
 * which loading a worker does not need.)
 */
export function checkEntryExists(url: URL, what: string): void {
  if (url.protocol !== 'file:' || runtimeName === 'deno') return;
  const { existsSync } = nodeBuiltin<typeof import('node:fs')>('node:fs');
  if (existsSync(url)) return;
  throw unsupported(
    `starting ${what} from this program`,
    `their entry file ${url.href}, found beside concur's code as import.meta.url gave it, does not exist: a bundler put the path concur had at build time into the program (webpack does unless told not to)`,
    `Keep import.meta.url the bundle's own (webpack: module: { parser: { javascript: { importMeta: false } } }), or ship concur-ts's files with the program`,
  );
}
