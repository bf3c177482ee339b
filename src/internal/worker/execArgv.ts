/**
 * The Node options a worker (thread or process) inherits from this process: all of
 * `process.execArgv` except the options that only make sense for the entry point — a
 * worker inheriting `--input-type` or `--eval` fails to load any file.
 *
 * @module
 */

function entryOnly(arg: string): boolean {
  return arg.startsWith('--input-type=') || arg.startsWith('--eval=') || arg.startsWith('--print=');
}

/** Options that take the next argument as their value and only concern the entry point. */
const ENTRY_WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

/**
 * `process.execArgv` minus the entry-only options, or `undefined` when it has none (the
 * caller may then let Node copy the options itself).
 */
export function strippedExecArgv(): string[] | undefined {
  const argv = process.execArgv;
  const out: string[] = [];
  let stripped = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (ENTRY_WITH_VALUE.has(arg)) {
      i++; // and its value
      stripped = true;
    } else if (entryOnly(arg)) {
      stripped = true;
    } else {
      out.push(arg);
    }
  }
  return stripped ? out : undefined;
}
