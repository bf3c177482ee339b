/**
 * What this runtime cannot do, said once: the engines ask here at their constructor and
 * throw the `UnsupportedRuntimeError` it makes.
 *
 * @module
 */
import { UnsupportedRuntimeError } from '../../errors.js';
import { builtin, runtimeLabel, runtimeName } from './runtime.js';

/** An `UnsupportedRuntimeError` for `feature`, missing here; `workaround` says what to do. */
export function unsupported(
  feature: string,
  why: string,
  workaround: string,
): UnsupportedRuntimeError {
  return new UnsupportedRuntimeError(
    `${feature} is not available on ${runtimeLabel}: ${why}. ${workaround}`,
    { runtime: runtimeLabel, feature },
  );
}

/**
 * Heap limits per worker thread need a runtime that enforces them and reports the worker
 * that hits one. Bun's `Worker` accepts `resourceLimits` and ignores them (measured on Bun
 * 1.4: a worker limited to 16 MB allocated 300 MB and exited 0). Deno 2.9 enforces them, but
 * a worker that runs out of memory inside a `MessagePort` handler — where a concur worker
 * runs its tasks — ends with no `error` and no `exit` event, so its tasks would never settle.
 */
export function checkHeapLimitsSupported(): void {
  if (runtimeName === 'bun') {
    throw unsupported(
      'resourceLimits (a heap limit per worker thread)',
      "Bun's worker threads ignore heap limits",
      'Leave resourceLimits out on Bun, or run the program on Node, which enforces them.',
    );
  }
  if (runtimeName === 'deno') {
    throw unsupported(
      'resourceLimits (a heap limit per worker thread)',
      'Deno does not report a worker thread that runs out of memory while it runs a task (no error and no exit event), so the task would never settle',
      'Leave resourceLimits out on Deno (a task then shares the process heap limit, --v8-flags=--max-old-space-size), or run the program on Node, which enforces them and reports the crash.',
    );
  }
}

/**
 * A built-in module that the code loading it cannot do without (the engines of threads,
 * processes and Redis), read through `process.getBuiltinModule` rather than imported: the
 * ES module face of a built-in copies out every export, and `node:util`'s lazy ones load a
 * dozen of Node's internals — a fresh `import 'node:util'` takes 3.5 ms on Node 26, this
 * 0.01 ms. Throws an `UnsupportedRuntimeError` on a runtime without it.
 */
export function nodeBuiltin<T>(id: string): T {
  const module = builtin<T>(id);
  if (module === undefined) {
    throw unsupported(
      id,
      'this part of concur needs it, and the runtime has no process.getBuiltinModule or no such module',
      'Run it on Node 20.16 or newer (22.3 or newer on 22), Bun or Deno.',
    );
  }
  return module;
}

/** The part of `node:v8` concur uses. */
export interface V8Serializer {
  serialize(value: unknown): Buffer;
  deserialize(bytes: Uint8Array): unknown;
}

type Os = typeof import('node:os');
let os: Os | undefined;

/**
 * `node:os`, loaded on first use (0.3–0.5 ms at start-up on Node 20 and 26): a program
 * that gives its pool a size and whose workers end without a signal never needs it.
 */
export function osBuiltin(): Os {
  return (os ??= nodeBuiltin<Os>('node:os'));
}

let v8: V8Serializer | undefined;

/**
 * Node's `v8` serializer, loaded on first use: `node:v8` loads `node:stream` and its
 * heap utilities (~1.8 ms on Node 26), which a program that imports concur/threading or
 * concur/multiprocessing but never serializes should not pay.
 */
export function v8Serializer(): V8Serializer {
  return (v8 ??= nodeBuiltin<V8Serializer>('node:v8'));
}
