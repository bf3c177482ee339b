/**
 * Progress of `concur compare` on stderr (stdout stays for the report or the JSON): a
 * live bar redrawn in place on a terminal, one line per run otherwise, nothing with
 * `--quiet`. Hand-written: one line of ANSI is all it needs.
 *
 * @module
 */
import { formatMs } from './report.js';

export interface Progress {
  /** A run starts: `total` jobs. */
  start(label: string, total: number): void;
  /** One job finished. */
  tick(): void;
  /** The run ended; `outcome` is its time or how it failed. */
  end(outcome: string): void;
  /** A run that cannot start here, and why. */
  skip(label: string, reason: string): void;
}

type Mode = 'bar' | 'lines' | 'quiet';

const WIDTH = 24;
/** Redraw at most this often, so a thousand tiny jobs do not flood the terminal. */
const FRAME_MS = 50;

export function progress(mode: Mode, stream: NodeJS.WriteStream = process.stderr): Progress {
  let label = '';
  let total = 0;
  let done = 0;
  let drawnAt = 0;
  const draw = (force: boolean): void => {
    const at = performance.now();
    if (!force && at - drawnAt < FRAME_MS) return;
    drawnAt = at;
    const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
    stream.write(`\r\x1b[2K  ${label}  ${bar} ${done}/${total}`);
  };
  return {
    start(newLabel, newTotal) {
      label = newLabel;
      total = newTotal;
      done = 0;
      if (mode === 'bar') draw(true);
      else if (mode === 'lines') stream.write(`  ${label}: ${total} jobs…\n`);
    },
    tick() {
      done++;
      if (mode === 'bar') draw(done === total);
    },
    end(outcome) {
      if (mode === 'bar') stream.write(`\r\x1b[2K  ${label}: ${outcome}\n`);
      else if (mode === 'lines') stream.write(`  ${label}: ${outcome}\n`);
    },
    skip(skipped, reason) {
      if (mode !== 'quiet') stream.write(`  ${skipped}: skipped (${reason})\n`);
    },
  };
}

/** The end-of-run text for a time. */
export const tookMs = (ms: number): string => `done in ${formatMs(ms)}`;
