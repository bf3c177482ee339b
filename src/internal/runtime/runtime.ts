/**
 * Which runtime this is, and its built-in modules without importing them.
 *
 * The pure parts of concur (`Future`, asyncio, `wait`, `asCompleted`, the errors) must load
 * where no `node:` module exists (a browser) and where some exist but lack pieces (Bun,
 * Deno). They reach a built-in through {@link builtin}, once, at load time, and do without
 * when it is missing; the engines that cannot do without (threads, processes, IPC) say so
 * with an `UnsupportedRuntimeError` at their constructor.
 *
 * @module
 */

/** The runtimes concur tells apart. */
export type RuntimeName = 'node' | 'bun' | 'deno' | 'browser' | 'unknown';

interface ProcessLike {
  versions?: Record<string, string | undefined>;
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

const proc = (globalThis as { process?: ProcessLike }).process;
const versions = proc?.versions ?? {};

function detect(): RuntimeName {
  // Bun and Deno both define `process.versions.node` for compatibility: ask them first.
  if (versions['bun'] !== undefined) return 'bun';
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) return 'deno';
  if (versions['node'] !== undefined) return 'node';
  if (typeof (globalThis as { document?: unknown }).document === 'object') return 'browser';
  if (typeof (globalThis as { importScripts?: unknown }).importScripts === 'function') {
    return 'browser'; // a Web Worker
  }
  return 'unknown';
}

/** The runtime this process runs on. */
export const runtimeName: RuntimeName = detect();

/** `Bun 1.4.5`, `Deno 2.9.6`, `Node v26.1.0`, `a browser`: for error messages. */
export const runtimeLabel: string =
  runtimeName === 'bun'
    ? `Bun ${versions['bun']}`
    : runtimeName === 'deno'
      ? `Deno ${(globalThis as { Deno?: { version?: { deno?: string } } }).Deno?.version?.deno ?? ''}`.trimEnd()
      : runtimeName === 'node'
        ? `Node ${versions['node']}`
        : runtimeName === 'browser'
          ? 'a browser'
          : 'an unknown JavaScript runtime';

/**
 * A built-in module (`node:v8`), or `undefined` where the runtime has none.
 *
 * `process.getBuiltinModule` is synchronous, so the choice a module makes with it is made
 * at load time, without a top-level `await` and without a static import a bundler would
 * have to resolve. Node has it since 20.16 and 22.3; Bun and Deno have it.
 */
export function builtin<T>(id: string): T | undefined {
  const get = proc?.getBuiltinModule;
  if (typeof get !== 'function') return undefined;
  try {
    return get.call(proc, id) as T | undefined;
  } catch {
    return undefined; // a runtime that knows the function but not the module
  }
}

/** An environment variable, or `undefined` (always in a browser). */
export function envVar(name: string): string | undefined {
  return proc?.env?.[name];
}
