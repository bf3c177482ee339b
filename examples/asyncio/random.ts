/**
 * Python's `random.randint` for the examples with random durations (03, 05): a fresh
 * draw each run, or the same draw every run when given a seed (`concur demo --seed`).
 */

/** `random.randint(low, high)`, both ends included; reproducible when seeded (mulberry32). */
export function makeRandint(seed?: number): (low: number, high: number) => number {
  let random = Math.random;
  if (seed !== undefined) {
    let state = seed | 0;
    random = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
  }
  return (low, high) => low + Math.floor(random() * (high - low + 1));
}
