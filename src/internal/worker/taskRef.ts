/**
 * Task references: how work names the code it runs across a thread or process boundary.
 *
 *   tasks.ts (main)                          worker
 *   defineTask(import.meta.url, sum) ──► { module, name } ──► import(module) re-runs
 *        │ returns `sum` itself, tagged                        defineTask, which registers
 *        ▼                                                     `sum` under module#name
 *   pool.submit(sum, 1, 2)  ──────────── task number ───────► registry lookup → sum(1, 2)
 *
 * A self-contained function may instead be sent by its source text to local pools; the
 * worker compiles each distinct source once. Tasks cross the wire as small integers: each
 * worker is told once what a number means (`TaskDef`), then only the number travels.
 *
 * @module
 */
import { argTypeError, show } from '../base/validate.js';

/** Where a task lives: the URL of its module and its name there. */
export interface TaskRef {
  /** The module's URL (`import.meta.url` of the module that called `defineTask`). */
  readonly module: string;
  /** The task's name in that module. */
  readonly name: string;
}

/** Any function a task reference or by-source task may be. */
export type TaskFunction = (...args: any[]) => unknown;

/** Options of {@link defineTask}. */
export interface DefineTaskOptions {
  /** The name to register the task under (default: the function's own `name`). */
  name?: string;
}

const kTaskRef = Symbol.for('concur.taskRef');

// One registry per thread (see shareable.ts for why it hangs off a global symbol).
const registryKey = Symbol.for('concur.taskRegistry');
const registry: Map<string, TaskFunction> = ((globalThis as Record<symbol, unknown>)[
  registryKey
] ??= new Map<string, TaskFunction>()) as Map<string, TaskFunction>;

/**
 * Marks `fn` as a task that workers can run, and returns `fn` itself — still callable
 * locally, and typed so that `executor.submit(fn, ...args)` checks the arguments and infers
 * the result.
 *
 * A worker runs the task by importing `moduleUrl` (which runs this call again and so
 * registers `fn` in the worker) and looking it up by name. Call `defineTask` at the top
 * level of the module — not inside a function or a condition — so that importing the
 * module is enough to define the task.
 *
 * Python equivalent: a module-level function that `pickle` sends by reference
 * (`module.qualname`). As in Python, the worker imports the module: if the module is your
 * program's entry script, guard its top-level work with `if (!isWorker())` (from
 * `concur`), as Python guards it with `if __name__ == '__main__'`; a worker that would
 * start workers while importing it throws a `BootstrapError` instead.
 *
 * TypeScript sources load in workers the way the program loaded them: under tsx (`node
 * --import tsx`, `npx tsx`), Node's type stripping, Node's test runner or vitest, workers
 * inherit the loader (in a vitest test, tsx is used if the project has it). Hooks
 * registered at run time with `module.register()` do not reach workers: a task module
 * that then fails to load says what the program ran under and what to do.
 *
 * @param moduleUrl Always `import.meta.url`.
 * @param fn The task: a named function (or pass `options.name`). It receives the
 *   arguments given to `submit` (structured-cloned) and may return a value or a promise.
 * @throws {TypeError} `moduleUrl` is not a URL, `fn` is not a function, the task has no
 *   name, or another task already uses that name in the module.
 *
 * @example
 * ```ts
 * // tasks.ts
 * import { defineTask } from 'concur-ts';
 * export const sumSquares = defineTask(import.meta.url, function sumSquares(n: number) {
 *   let total = 0;
 *   for (let i = 0; i < n; i++) total += i * i;
 *   return total;
 * });
 * // main.ts
 * const total = await pool.submit(sumSquares, 1_000_000); // number
 * ```
 */
export function defineTask<F extends TaskFunction>(
  moduleUrl: string,
  fn: F,
  options: DefineTaskOptions = {},
): F {
  if (typeof moduleUrl !== 'string' || !URL.canParse(moduleUrl)) {
    throw argTypeError(
      `defineTask needs the module's URL as its first argument (pass import.meta.url), got ${show(moduleUrl)}${moduleUrl === undefined ? ' (import.meta.url is empty in a program bundled as CommonJS: bundle it as an ES module, e.g. esbuild --format=esm)' : ''}`,
    );
  }
  if (typeof fn !== 'function') {
    throw argTypeError(`defineTask needs the task function, got ${show(fn)}`);
  }
  if (moduleAlias !== null && moduleUrl === moduleAlias[0]) moduleUrl = moduleAlias[1];
  const name = options.name ?? fn.name;
  if (typeof name !== 'string' || name === '') {
    throw argTypeError(
      'defineTask needs a named task: use a named function (function sumSquares(n) {…}) or pass { name: "sumSquares" }. If the function has a name in the source, a minifier removed it: keep names (esbuild --keep-names, terser keep_fnames) or pass { name }',
    );
  }
  const key = `${moduleUrl}#${name}`;
  const existing = registry.get(key);
  if (existing !== undefined && existing !== fn) {
    throw argTypeError(
      `a task named ${show(name)} is already defined in ${moduleUrl}; give this one another name ({ name })`,
    );
  }
  const tagged = (fn as unknown as Record<symbol, TaskRef | undefined>)[kTaskRef];
  if (tagged !== undefined && (tagged.module !== moduleUrl || tagged.name !== name)) {
    throw argTypeError(
      `this function is already defined as task ${tagged.module}#${tagged.name}; define a wrapper function to register it again`,
    );
  }
  if (tagged === undefined) {
    Object.defineProperty(fn, kTaskRef, { value: Object.freeze({ module: moduleUrl, name }) });
  }
  registry.set(key, fn);
  return fn;
}

/** The reference of a function made by `defineTask`, or `undefined`. */
export function taskRefOf(fn: unknown): TaskRef | undefined {
  return typeof fn === 'function'
    ? (fn as unknown as Record<symbol, TaskRef | undefined>)[kTaskRef]
    : undefined;
}

// A single executable's worker thread runs the program from a data: URL (seaEntry.ts):
// the tasks it defines there are known by the executable's URL, as in the main thread.
let moduleAlias: [from: string, to: string] | null = null;

/** From now on, tasks defined with module URL `from` are registered under `to`. */
export function aliasModule(from: string, to: string): void {
  moduleAlias = [from, to];
}

/** The task registered in this thread under `module#name`, or `undefined`. */
export function lookupTask(module: string, name: string): TaskFunction | undefined {
  return registry.get(`${module}#${name}`);
}

/** The tasks registered in this thread by the module at `moduleUrl`, by name. */
export function registeredTasks(moduleUrl: string): Map<string, TaskFunction> {
  const prefix = `${moduleUrl}#`;
  const out = new Map<string, TaskFunction>();
  for (const [key, fn] of registry) {
    if (key.startsWith(prefix)) out.set(key.slice(prefix.length), fn);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Task numbers: the wire form of a task. Kept per thread that sends tasks (the main thread
// or a worker that owns a pool); every pool and `Thread` shares the table, and each worker
// learns a number's meaning once.

/** What a task number means: `[REF, module, name]` or `[SOURCE, source]`. */
export type TaskDef =
  readonly [kind: 0, module: string, name: string] | readonly [kind: 1, source: string];

export const DEF_REF = 0;
export const DEF_SOURCE = 1;

const taskDefs: TaskDef[] = [];
const numberOfFunction = new WeakMap<object, number>();
const numberOfSource = new Map<string, number>();
const numberOfRef = new Map<string, number>();

/** The definition of task number `num`. */
export function taskDef(num: number): TaskDef {
  return taskDefs[num]!;
}

/**
 * The task number of `task` — a function made by `defineTask`, or a self-contained
 * function sent by source (`allowSource`). Throws a `TypeError` saying how to fix anything
 * else.
 */
export function taskNumber(task: unknown, allowSource: boolean): number {
  if (typeof task === 'function') {
    const known = numberOfFunction.get(task);
    if (known !== undefined) return known;
  }
  return numberNew(task, allowSource);
}

function numberNew(task: unknown, allowSource: boolean): number {
  if (typeof task !== 'function') {
    throw argTypeError(
      `the task must be a function made by defineTask(import.meta.url, fn)${allowSource ? ' or a self-contained function' : ''}, got ${show(task)}`,
    );
  }
  const ref = taskRefOf(task);
  let num: number;
  if (ref !== undefined) {
    const key = `${ref.module}#${ref.name}`;
    num = numberOfRef.get(key) ?? -1;
    if (num < 0) {
      num = taskDefs.push([DEF_REF, ref.module, ref.name]) - 1;
      numberOfRef.set(key, num);
    }
  } else {
    if (!allowSource) {
      throw argTypeError(
        `${show(task)} is not a task reference: define it with defineTask(import.meta.url, fn) in a module the workers can import`,
      );
    }
    const source = sourceOf(task as TaskFunction);
    num = numberOfSource.get(source) ?? -1;
    if (num < 0) {
      compileSource(source); // a syntax problem fails here, at submit, not in the worker
      num = taskDefs.push([DEF_SOURCE, source]) - 1;
      numberOfSource.set(source, num);
    }
  }
  numberOfFunction.set(task, num);
  return num;
}

/** The source text of a function that may be sent by source, or a `TypeError`. */
function sourceOf(fn: TaskFunction): string {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw argTypeError(
      `${show(fn)} is a built-in or bound function and cannot be sent to a worker by source; wrap the call in a self-contained function, or use defineTask`,
    );
  }
  if (/^class\b/.test(source)) {
    throw argTypeError(`a class cannot be a task, got ${show(fn)}`);
  }
  return source;
}

/**
 * Compiles a function's source text into a function in this thread. Method shorthand
 * (`name(x) { … }`) is compiled as an object member. Nothing but the given text runs, and
 * only in the worker the task was sent to.
 */
export function compileSource(source: string): TaskFunction {
  // The one place concur compiles code: a function the program itself handed to a local
  // pool by source (never data from a socket or a queue).
  /* eslint-disable @typescript-eslint/no-implied-eval */
  try {
    return new Function(`return (${source});`)() as TaskFunction;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const holder = new Function(`return ({ ${source} });`)() as Record<string, TaskFunction>;
    const [member] = Object.values(holder);
    if (typeof member !== 'function') throw error;
    return member;
  }
  /* eslint-enable @typescript-eslint/no-implied-eval */
}
