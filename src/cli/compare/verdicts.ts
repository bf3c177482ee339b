/**
 * The conclusions `concur compare` draws from its numbers: which models were fastest,
 * told apart only where the runs' spread allows it and ranked only where the machine had
 * an idle core to give them — one sentence per runtime and workload, in the runtime's terms.
 *
 * @module
 */
import { formatMs, formatX } from './format.js';
import type { CompareReport, ModelResult, Runtime, SideResult, WorkloadResult } from './report.js';
import { leaders } from './spread.js';
import {
  describeWorkload,
  WORKLOAD_TITLES,
  type Workload,
  type WorkloadKind,
} from './workloads.js';

type Measured = ModelResult & {
  wallMs: number;
  speedup: number;
  peakRssBytes: number;
  spread: NonNullable<ModelResult['spread']>;
};

function measured(results: readonly ModelResult[]): Measured[] {
  return results.filter(
    (r): r is Measured => r.status === 'ok' && r.speedup !== null && r.spread !== null,
  );
}

/**
 * The models clearly fastest at a workload (see {@link leaders}), or null when the runs'
 * spread does not separate them from the others.
 */
export function fastestModels(results: readonly ModelResult[]): string[] | null {
  const ok = measured(results);
  if (ok.length < 2) return null;
  return leaders(ok, (r) => r.spread.wallMs)?.map((r) => r.model) ?? null;
}

/** How many cores other programs held: the load average or, when higher, the busy cores just now. */
export function busyness(host: CompareReport['machine']): number {
  return Math.max(host.loadAverage, host.busyCores ?? 0);
}

/**
 * True when other programs left the pools less than half a core idle: then a pool has no
 * core of its own to compute on, and losing to one-core models ranks nothing.
 */
export function noIdleCore(host: CompareReport['machine']): boolean {
  return busyness(host) > host.cpus - 0.5;
}

/** `load average 1.5, 2.0 cores busy`: what the machine was doing when measuring started. */
export function loadText(host: CompareReport['machine']): string {
  const busy = host.busyCores === null ? '' : `, ${host.busyCores.toFixed(1)} cores busy`;
  return `load average ${host.loadAverage.toFixed(1)}${busy}`;
}

/**
 * True when the machine was too busy for this run to rank `leaders`: pools exist to use
 * idle cores, so on a machine with none (see {@link noIdleCore}), work that could use them
 * (CPU-bound or mixed) won by a model that uses one core ranks nothing — naming it would
 * contradict a quiet run that names a pool.
 */
function tooBusyToRank(
  kind: WorkloadKind,
  results: readonly ModelResult[],
  leaders: readonly string[],
  host: CompareReport['machine'],
): boolean {
  return (
    kind !== 'io' &&
    noIdleCore(host) &&
    !leaders.some(parallel) &&
    results.some((r) => r.status === 'ok' && parallel(r.model))
  );
}

/**
 * The models a workload's conclusion names fastest: clearly ahead of every other, sequential
 * not among them, and not on a machine too busy to rank them. Null when it names none.
 */
export function namedFastest(
  kind: WorkloadKind,
  results: readonly ModelResult[],
  host: CompareReport['machine'],
): string[] | null {
  const names = fastestModels(results);
  if (names === null || names.includes('sequential')) return null;
  return tooBusyToRank(kind, results, names, host) ? null : names;
}

/** One runtime's results on a workload, with speed-ups over its sequential run and the conclusion. */
export function finishSide(
  workload: Workload,
  results: ModelResult[],
  host: CompareReport['machine'],
  runtime: Runtime,
): SideResult {
  const sequential = results.find((r) => r.model === 'sequential' && r.wallMs !== null);
  for (const r of results) {
    if (r.wallMs !== null && sequential?.wallMs != null) r.speedup = sequential.wallMs / r.wallMs;
  }
  return {
    description: describeWorkload(workload),
    workload,
    results,
    conclusion: conclude(workload.kind, results, host, runtime),
  };
}

/** A workload's whole result: Node's side, and Python's when it ran. */
export function finishWorkload(
  workload: Workload,
  node: SideResult,
  python: SideResult | null,
): WorkloadResult {
  return { kind: workload.kind, title: WORKLOAD_TITLES[workload.kind], ...node, python };
}

/** How a model runs its jobs, whatever its runtime calls it. */
type Mechanism = 'sequential' | 'loop' | 'threads' | 'processes' | 'combined';

const MECHANISMS: Record<string, Mechanism> = {
  sequential: 'sequential',
  asyncio: 'loop',
  threads: 'threads',
  'threading.Thread': 'threads',
  ThreadPoolExecutor: 'threads',
  processes: 'processes',
  distributed: 'processes',
  'multiprocessing.Process': 'processes',
  'multiprocessing.Pool': 'processes',
  ProcessPoolExecutor: 'processes',
  'asyncio+threads': 'combined',
  'asyncio+ProcessPoolExecutor': 'combined',
};

/** Models that run jobs on several threads or processes at once. */
const parallel = (model: string): boolean =>
  ['threads', 'processes', 'combined'].includes(MECHANISMS[model] ?? '');

const listed = (names: readonly string[]): string =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * One sentence from the numbers: who won, by how much, and why in the runtime's terms —
 * or, when the runs' spread is as large as the differences, that nothing can be told
 * apart here.
 */
function conclude(
  kind: Workload['kind'],
  results: readonly ModelResult[],
  host: CompareReport['machine'],
  runtime: Runtime,
): string {
  const all = measured(results);
  const ok = all.filter((r) => r.model !== 'sequential');
  if (ok.length === 0) return 'nothing to compare: only the sequential run finished';
  const sequentialRun = all.find((r) => r.model === 'sequential');
  const names = fastestModels(all);
  const group = all.filter((r) => names?.includes(r.model));
  const best = group[0] ?? null;
  const medians = ok.map((r) => `${r.model} ${formatX(r.speedup)}`).join(', ');
  if (names === null) {
    let text = `the models are indistinguishable on this machine: every model's runs overlap another's (medians ${medians} sequential); their differences are within the noise, so none is named — try again on a quieter machine or with more --repeat.`;
    if (kind === 'cpu') text += busyNote(ok, sequentialRun, host, runtime);
    return text;
  }
  if (tooBusyToRank(kind, results, names, host)) {
    const ahead = names.includes('sequential')
      ? 'no model was clearly faster than sequential'
      : `no pool was clearly faster than ${listed(names)}`;
    return `${ahead}, but the machine was busy (${loadText(host)}, on ${host.cpus} cores): the pools had no idle core to use, so this run cannot rank them (medians ${medians} sequential) — measure again on a quieter machine (--wait-quiet).`;
  }
  let parts: string[];
  if (names.includes('sequential')) {
    const pools = ok.some((r) => parallel(r.model));
    parts = [
      names.length === 1
        ? // On a saturated machine the pools lost to the load, not to their start-up.
          pools && !noIdleCore(host) && runtime === 'node'
          ? 'nothing beat sequential beyond the spread of its runs: at this size, starting workers costs more than they save'
          : 'nothing beat sequential beyond the spread of its runs'
        : `nothing beat sequential beyond the spread of its runs (${group
            .filter((r) => r.model !== 'sequential')
            .map((r) => `${r.model} ${formatX(r.speedup)}, within it`)
            .join('; ')})`,
    ];
  } else if (group.length === 1) {
    parts = [`${best!.model} was fastest, ${formatX(best!.speedup)} sequential`];
  } else {
    parts = [
      `${listed(names)} were fastest, indistinguishable from each other (${group
        .map((r) => `${formatX(r.speedup)}`)
        .join(', ')} sequential)`,
    ];
  }
  const lead = group.length === 1 ? best! : null;
  const leadHow = lead === null ? null : MECHANISMS[lead.model];
  if (kind === 'cpu') {
    const spreadOut = group.find((r) => parallel(r.model) && (r.parallelism ?? 0) > 1.3);
    if (spreadOut !== undefined && !names.includes('sequential')) {
      parts[0] += ` with ${formatX(spreadOut.parallelism!)} as much CPU time as wall time: ${
        runtime === 'node'
          ? 'JavaScript ran on several cores at once (Node has no GIL)'
          : 'Python ran on several cores at once, one interpreter per process'
      }`;
    }
  } else if (leadHow === 'loop') {
    parts[0] += ' on one thread: a task that waits holds no thread';
  } else if (leadHow === 'combined') {
    parts[0] += ': the waits overlapped on the event loop while the pool computed on other cores';
  }
  const lightest = ok.reduce((a, b) => (b.peakRssBytes < a.peakRssBytes ? b : a));
  for (const r of ok) {
    if (group.includes(r)) continue;
    const how = MECHANISMS[r.model];
    let part = `${r.model} ${formatX(r.speedup)}`;
    if (parallel(r.model) && r.startupMs !== null && r.startupMs > 0.2 * r.wallMs) {
      part += ` (${formatMs(r.startupMs)} of it starting workers)`;
    }
    if (kind === 'cpu' && how === 'loop' && r.speedup < 1.2) {
      part += ' (one event loop computes one thing at a time)';
    } else if (kind === 'mixed' && how === 'loop') {
      part += ' (its waits overlapped, its computing did not)';
    } else if (kind === 'cpu' && runtime === 'python' && how === 'threads' && r.speedup < 1.2) {
      part += ' (the GIL: one thread at a time runs Python code)';
    } else if (r !== lightest && r.peakRssBytes > 1.5 * lightest.peakRssBytes) {
      part += ` for ${formatX(r.peakRssBytes / lightest.peakRssBytes)} the memory of ${lightest.model}`;
    }
    parts.push(part);
  }
  let text = parts.length === 1 ? `${parts[0]}.` : `${parts[0]}; ${parts.slice(1).join(', ')}.`;
  // A compute loop alone on a core shows CPU/wall ≈ 1: less means other programs took turns.
  if (kind === 'cpu') text += busyNote(ok, sequentialRun, host, runtime);
  return text;
}

/**
 * Why a CPU-bound comparison may not show the machine's cores: a compute loop alone on a
 * core has CPU/wall ≈ 1, so less means other programs took turns; and a pool cannot use
 * cores that other programs keep busy.
 */
function busyNote(
  others: readonly Measured[],
  sequential: Measured | undefined,
  host: CompareReport['machine'],
  runtime: Runtime,
): string {
  const share = sequential?.parallelism;
  if (share != null && share < 0.85) {
    return ` (The machine was busy: the sequential run got ${share.toFixed(1)} of a core.)`;
  }
  // Python's threads take turns under the GIL whatever the load: only its processes count.
  const pools = others.filter(
    (r) => parallel(r.model) && !(runtime === 'python' && MECHANISMS[r.model] === 'threads'),
  );
  const spread = Math.max(0, ...pools.map((r) => r.parallelism ?? 0));
  if (pools.length > 0 && host.cpus > 1 && spread < 1.3 && busyness(host) >= 0.75) {
    return ` (The machine was busy when it started, ${loadText(host)} on ${host.cpus} cores: other programs held the cores the pools needed.)`;
  }
  return '';
}

/** What a machine with no idle core means for the figures. */
export function noisyNote(host: CompareReport['machine']): string {
  return `The machine is busy (${loadText(host)}, on ${host.cpus} cores): other programs are competing for the cores, so the figures will be noisy (--wait-quiet waits for a calmer machine).`;
}
