/**
 * How a worker loads TypeScript task modules the way its parent did. A worker imports a
 * task's module afresh, so it needs whatever let the parent load it:
 *
 *   parent (decided once)                       worker, before its first task module
 *   execArgv / NODE_OPTIONS name tsx ──┐
 *   VITEST in the environment ─────────┼─► LoaderPlan ──► tsx given? import its API,
 *   process.features.typescript ───────┘   { tsx, under }       register() its hooks
 *                                                         load failure? the message says
 *                                                         what the parent ran under, and
 *                                                         the fix
 *
 * Command-line options (`--import tsx`, `--experimental-strip-types`) reach workers through
 * their `execArgv` (threadChannel.ts, processChannel.ts). Two cases need more:
 * - tsx registers its hooks only on the main thread on Node versions where hooks in worker
 *   threads were unreliable (before 22.22.3 / 24.11.1 / 25.1): the `--import tsx` a thread
 *   inherits runs and does nothing, so the thread registers tsx through its API.
 * - vitest transforms test files in its own module runner, which workers do not share: a
 *   worker started from a test registers tsx, if the project has it (it also resolves the
 *   extensionless imports vite allows); without tsx, Node's type stripping is all it has.
 * Hooks a parent registered at run time (`module.register`) cannot be seen from here: the
 * failure message then says to start the program under the loader instead.
 *
 * @module
 */
import { runtimeLabel, runtimeName } from '../runtime/runtime.js';

/** What a worker is told about loading TypeScript, made once by the parent. */
export interface LoaderPlan {
  /** URL of tsx's ESM API, for the worker to `register()` before any task module, or null. */
  tsx: string | null;
  /** What the parent runs under, for messages: `tsx (--import tsx) on Node v20.20.2`. */
  under: string;
  /** How to make a worker load TypeScript, for a worker that could not. */
  fix: string;
}

/** Options whose value is a module Node preloads. */
const PRELOAD = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/** A preloaded module that is tsx: `tsx`, `tsx/esm`, or a path into a tsx package. */
const TSX = /(^|[\\/])tsx([\\/]|$)/;

/** The tsx module that `args` (an execArgv or NODE_OPTIONS, split) preload, or null. */
function tsxPreload(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const [option, value] =
      eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, args[i + 1] ?? ''];
    if (PRELOAD.has(option) && TSX.test(value)) return value;
  }
  return null;
}

/**
 * tsx's ESM API, an optional peer. In a variable: webpack reads `import.meta.resolve` of a
 * literal as a dependency, and a program's build would fail wherever tsx is not installed.
 */
const TSX_API = 'tsx/esm/api';

/** The URL of tsx's ESM API next to `preload`, or as this package resolves `tsx`. */
function tsxApi(preload: string | null): string | null {
  if (preload !== null && /^(file:|\/|[A-Za-z]:[\\/])/.test(preload)) {
    // `npx tsx main.ts` preloads file:///…/tsx/dist/loader.mjs: its own API sits beside it.
    const url = preload.startsWith('file:') ? preload : `file://${preload.replace(/\\/g, '/')}`;
    const root = url.slice(0, url.lastIndexOf('/tsx/') + '/tsx/'.length);
    return `${root}dist/esm/api/index.mjs`;
  }
  try {
    return import.meta.resolve(TSX_API);
  } catch {
    return null; // not installed where this package can see it
  }
}

/** Node `major.minor.patch` is at least the first of `floors` with its major (or a later major). */
function atLeast(floors: readonly (readonly [number, number, number])[]): boolean {
  const [major, minor, patch] = process.versions.node.split('.').map(Number) as [
    number,
    number,
    number,
  ];
  const last = floors[floors.length - 1]!;
  if (major > last[0]) return true;
  const floor = floors.find((f) => f[0] === major);
  if (floor === undefined) return false;
  return minor !== floor[1] ? minor > floor[1] : patch >= floor[2];
}

/** Whether tsx, preloaded into a worker thread, registers its hooks there on this Node. */
function tsxRegistersInThreads(): boolean {
  return atLeast([
    [22, 22, 3],
    [24, 11, 1],
    [25, 1, 0],
    [26, 0, 0],
  ]);
}

let threadPlan: LoaderPlan | null = null;
let processPlan: LoaderPlan | null = null;

function makePlan(kind: 'thread' | 'process'): LoaderPlan {
  if (runtimeName === 'bun' || runtimeName === 'deno') {
    // They run TypeScript themselves, in workers and child processes too: nothing to carry
    // over, and the Node version they report for compatibility is not what runs.
    return {
      tsx: null,
      under: `${runtimeLabel}, which runs TypeScript itself`,
      fix: `Check that the module loads on its own under ${runtimeLabel}`,
    };
  }
  const nodeOptions = (process.env['NODE_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
  const preload = tsxPreload(process.execArgv) ?? tsxPreload(nodeOptions);
  const vitest = process.env['VITEST'] !== undefined;
  const strip = (process.features as { typescript?: string | false }).typescript;
  const parts: string[] = [];
  if (preload !== null) parts.push(`tsx (${preload})`);
  if (vitest) parts.push('vitest');
  if (process.env['NODE_TEST_CONTEXT'] !== undefined) parts.push("Node's test runner");
  if (strip) parts.push(`Node's type stripping (${strip})`);
  const under = `${parts.length > 0 ? parts.join(', ') : 'plain Node, with no TypeScript loader and no type stripping'} on Node ${process.version}`;
  let tsx: string | null = null;
  if (preload !== null && kind === 'thread' && !tsxRegistersInThreads()) tsx = tsxApi(preload);
  else if (preload === null && vitest) tsx = tsxApi(null);
  const fix =
    vitest && tsx === null
      ? 'Install tsx in the project (concur then registers it in the workers a test starts), or run the tests on Node 22.18 or later, which strips types itself'
      : 'Start the program under a loader workers inherit: install tsx and run `node --import tsx main.ts` (or `npx tsx main.ts`), or use Node 22.18 or later, which strips types itself. Hooks registered at run time with module.register() do not reach workers';
  return { tsx, under, fix };
}

/** The plan for a new worker thread (`kind` 'thread') or process, made on first use. */
export function loaderPlan(kind: 'thread' | 'process'): LoaderPlan {
  if (kind === 'thread') return (threadPlan ??= makePlan(kind));
  return (processPlan ??= makePlan(kind));
}

// The worker side: the plan this worker was started with.
let applied: LoaderPlan | null = null;
let registerFailure: string | null = null;

/**
 * Makes this worker load modules as its parent did: registers tsx if the plan says so.
 * Never throws: a tsx that cannot be registered shows in the message of the task module
 * that then fails to load.
 */
export async function applyLoaderPlan(plan: LoaderPlan | null | undefined): Promise<void> {
  applied = plan ?? null;
  if (!plan?.tsx) return;
  try {
    const api = (await import(/* webpackIgnore: true */ plan.tsx)) as {
      register?: () => unknown;
    };
    if (typeof api.register !== 'function') throw new TypeError('it has no register()');
    api.register();
  } catch (error) {
    registerFailure = `tsx could not be registered in the worker from ${plan.tsx}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * What to tell the user when a task module failed to load in this worker with `error`:
 * what the parent ran under and how to make the worker load it.
 */
export function loadFailureAdvice(error: unknown): string {
  const plan = applied ?? loaderPlan(process.send === undefined ? 'thread' : 'process');
  const code = (error as { code?: unknown } | null)?.code;
  const parent = `The parent runs under ${plan.under}`;
  const failure = registerFailure === null ? '' : ` (${registerFailure})`;
  if (code === 'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING') {
    return `${parent}. Node does not strip types from files under node_modules: ship the task module as JavaScript, or run under tsx (node --import tsx), which workers then inherit`;
  }
  if (code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') {
    return `${parent}. The module uses TypeScript that type stripping cannot erase (an enum, a namespace, parameter properties): run with --experimental-transform-types, or under tsx (node --import tsx); workers inherit either`;
  }
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return `${parent}${failure}, and this worker cannot load TypeScript. ${plan.fix}`;
  }
  return `${parent}${failure}. Workers import the module afresh: check that it exists and loads on its own`;
}
