/**
 * How `concur compare` writes numbers and lays out text: times, speed-ups, sizes, ranges,
 * aligned columns and wrapped lines.
 *
 * @module
 */
import type { Spread } from './spread.js';

export const formatMs = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;

export const formatX = (x: number): string => `${x.toFixed(x < 0.095 ? 2 : x < 10 ? 1 : 0)}×`;

export const formatMB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Lays out rows of cells as aligned columns (first column left, the rest right). */
export function textTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export const dash = '—';

/** A range of times, `1.20–1.35 s`, in the unit of its upper end. */
export function formatRange(spread: Spread): string {
  if (spread.max >= 1000) {
    return `${(spread.min / 1000).toFixed(2)}–${(spread.max / 1000).toFixed(2)} s`;
  }
  const digits = spread.max < 10 ? 1 : 0;
  return `${spread.min.toFixed(digits)}–${spread.max.toFixed(digits)} ms`;
}

/** `text` in lines of at most `width` characters, broken at spaces, each after `indent`. */
export function wrap(text: string, width: number, first: string, indent: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}
