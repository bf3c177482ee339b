/**
 * Progress of `concur compare` on stderr (stdout stays for the report or the JSON): a
 * live bar redrawn in place on a terminal, one line per run otherwise, nothing with
 * `--quiet`. Each run shows where it stands overall: run k of n, the time elapsed and an
 * estimate of the time left. Hand-written: one line of ANSI is all it needs.
 *
 * @module
 */
import { formatMs } from './format.js';

/** Where a run stands among all the runs of the command. */
export interface Overall {
  /** 1-based. */
  run: number;
  runs: number;
  /** Estimated time left at this run's start, this run included; null before any estimate. */
  leftMs: number | null;
}

export interface Progress {
  /** A run starts: `total` jobs. */
  start(label: string, total: number, overall: Overall): void;
  /** One job finished. */
  tick(): void;
  /** The run ended; `outcome` is its time or how it failed. */
  end(outcome: string): void;
  /** A run that cannot start here, and why. */
  skip(label: string, reason: string): void;
  /** A line about the whole command (the machine's load). */
  note(line: string): void;
  /** Stops the clock (the command ends, or was interrupted mid-run). */
  close(): void;
}

type Mode = 'bar' | 'lines' | 'quiet';

const WIDTH = 24;
/** Redraw at most this often, so a thousand tiny jobs do not flood the terminal. */
const FRAME_MS = 50;
/** Redraw this often while nothing finishes, so that the clock moves during long jobs. */
const CLOCK_MS = 1000;

/** `1:05`, minutes and seconds. */
export function formatClock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function progress(mode: Mode, stream: NodeJS.WriteStream = process.stderr): Progress {
  const commandStart = performance.now();
  let label = '';
  let total = 0;
  let done = 0;
  let drawnAt = 0;
  let overall: Overall = { run: 0, runs: 0, leftMs: null };
  let runStart = 0;
  let clock: NodeJS.Timeout | null = null;
  const where = (): string => {
    const at = performance.now();
    const left =
      overall.leftMs === null
        ? ''
        : `, about ${formatClock(Math.max(0, overall.leftMs - (at - runStart)))} left`;
    return `run ${overall.run} of ${overall.runs}, ${formatClock(at - commandStart)} elapsed${left}`;
  };
  const draw = (force: boolean): void => {
    const at = performance.now();
    if (!force && at - drawnAt < FRAME_MS) return;
    drawnAt = at;
    const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
    const line = `  ${label}  ${bar} ${done}/${total}  (${where()})`;
    // A line longer than the terminal wraps, and \r would then redraw only its last part.
    const columns = stream.columns;
    stream.write(`\r\x1b[2K${columns > 1 ? line.slice(0, columns - 1) : line}`);
  };
  const stopClock = (): void => {
    if (clock !== null) clearInterval(clock);
    clock = null;
  };
  return {
    start(newLabel, newTotal, newOverall) {
      label = newLabel;
      total = newTotal;
      done = 0;
      overall = newOverall;
      runStart = performance.now();
      if (mode === 'bar') {
        draw(true);
        stopClock();
        clock = setInterval(() => draw(true), CLOCK_MS);
        clock.unref();
      } else if (mode === 'lines') stream.write(`  ${label}: ${total} jobs… (${where()})\n`);
    },
    tick() {
      done++;
      if (mode === 'bar') draw(done === total);
    },
    end(outcome) {
      stopClock();
      if (mode === 'bar') stream.write(`\r\x1b[2K  ${label}: ${outcome}\n`);
      else if (mode === 'lines') stream.write(`  ${label}: ${outcome}\n`);
    },
    skip(skipped, reason) {
      if (mode !== 'quiet') stream.write(`  ${skipped}: skipped (${reason})\n`);
    },
    note(line) {
      if (mode !== 'quiet') stream.write(`${line}\n`);
    },
    close: stopClock,
  };
}

/** The end-of-run text for a time. */
export const tookMs = (ms: number): string => `done in ${formatMs(ms)}`;
