/**
 * How busy the machine is before `concur compare` measures: the 1-minute load average
 * against the core count, the cores busy just now, and `--wait-quiet`, a bounded wait for
 * the load to drop.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';

/** The machine's busy and total CPU time so far (Linux's /proc/stat), or null elsewhere. */
async function cpuTimes(): Promise<{ busy: number; total: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = fields[3]! + fields[4]!; // idle and iowait
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/**
 * How many cores other programs keep busy, measured over `windowMs` (Linux; null
 * elsewhere). Unlike the 1-minute load average, which trails by a minute, it sees a busy
 * loop that started seconds ago.
 */
export async function busyCores(windowMs = 1000): Promise<number | null> {
  const before = await cpuTimes();
  if (before === null) return null;
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = await cpuTimes();
  if (after === null || after.total === before.total) return null;
  return (availableParallelism() * (after.busy - before.busy)) / (after.total - before.total);
}

export interface LoadProbe {
  cores: number;
  /** The 1-minute load average now. */
  load(): number;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
}

export const systemLoad: LoadProbe = {
  cores: availableParallelism(),
  load: () => loadavg()[0]!,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** How often `--wait-quiet` looks again; the kernel updates the average every 5 s. */
const POLL_MS = 1000;

/**
 * Waits up to `boundMs` for the 1-minute load average to drop below the core count, and
 * says how it went. It proceeds either way: a machine that never calms down still gets
 * measured, with the warning.
 */
export async function waitQuiet(
  boundMs: number,
  probe: LoadProbe = systemLoad,
): Promise<{ quiet: boolean; load: number; waitedMs: number; message: string }> {
  let waitedMs = 0;
  let load = probe.load();
  while (load >= probe.cores && waitedMs < boundMs) {
    const step = Math.min(POLL_MS, boundMs - waitedMs);
    await probe.sleep(step);
    waitedMs += step;
    load = probe.load();
  }
  const quiet = load < probe.cores;
  const seconds = `${Math.round(waitedMs / 1000)} s`;
  const message = quiet
    ? `the load average is ${load.toFixed(1)}, below the ${probe.cores} cores${waitedMs > 0 ? ` after ${seconds}` : ''}: measuring`
    : `the load average is still ${load.toFixed(1)} on ${probe.cores} cores after ${seconds}: measuring anyway; the figures will be noisy`;
  return { quiet, load, waitedMs, message };
}
