/**
 * Repeated measurements and when they differ: `concur compare` runs each model several
 * times and names a winner only when the difference is larger than the runs' own spread.
 *
 * @module
 */

/** The median, fastest and slowest of a measure over the repeats of one run. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The spread of `values` (at least one). */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spreadOf needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Within this fraction of each other, two medians are a tie whatever their spread. */
export const TIE = 0.05;

/**
 * True when `a` is faster than `b` beyond the noise: `a`'s slowest run beat `b`'s fastest
 * (their ranges do not overlap, so no pairing of runs could reverse the order) and the
 * medians differ by more than 5% (with one run per model, the only rule left).
 */
export function clearlyFaster(a: Spread, b: Spread): boolean {
  return a.max < b.min && a.median * (1 + TIE) < b.median;
}

/**
 * The fastest group: the fewest items, taken in order of median time, that are each
 * clearly faster than every item left out. Null when no such group exists short of all of
 * them — the items are then indistinguishable on this machine. A group of several means
 * those are indistinguishable from one another but clearly ahead of the rest.
 */
export function leaders<T>(items: readonly T[], time: (item: T) => Spread): T[] | null {
  const sorted = [...items].sort((a, b) => time(a).median - time(b).median);
  for (let k = 1; k < sorted.length; k++) {
    const ahead = sorted.slice(0, k);
    const behind = sorted.slice(k);
    if (ahead.every((a) => behind.every((b) => clearlyFaster(time(a), time(b))))) return ahead;
  }
  return null;
}

/** The order of the models in repeat `index` (0-based): A B C D, D C B A, A B C D, … */
export function repeatOrder<T>(items: readonly T[], index: number): T[] {
  return index % 2 === 0 ? [...items] : [...items].reverse();
}
