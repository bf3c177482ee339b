/**
 * What this runtime cannot do, said once: the engines ask here at their constructor and
 * throw the `UnsupportedRuntimeError` it makes.
 *
 * @module
 */
import { UnsupportedRuntimeError } from '../../errors.js';
import { runtimeLabel, runtimeName } from './runtime.js';

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
 * Bun's `Worker` accepts `resourceLimits` and ignores them (measured on Bun 1.4: a worker
 * limited to 16 MB allocated 300 MB and exited 0), so a limit there would be a promise
 * concur cannot keep.
 */
export function checkHeapLimitsSupported(): void {
  if (runtimeName === 'bun') {
    throw unsupported(
      'resourceLimits (a heap limit per worker thread)',
      "Bun's worker threads ignore heap limits",
      'Leave resourceLimits out on Bun, or run the program on Node or Deno, which enforce them.',
    );
  }
}
