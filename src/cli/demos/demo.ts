/**
 * What every `concur demo <model>` shares: a demo is one of the programs in `examples/`,
 * built with the package into `dist/examples/<dir>/` and loaded from there — one source of
 * truth. Its `main` either runs quietly and returns the lines it would have printed, or
 * (`live`) prints as it goes, its threads and processes writing straight to the terminal.
 * Either way it returns the facts it measured, from which the demo computes the `→` lines
 * that state what the run showed.
 *
 * @module
 */

export type Print = (line: string) => void;

/** What an example module exports: `main` runs it and returns its facts (and lines). */
interface ExampleModule {
  main(options: { quiet: boolean; seed: number }): Promise<{ lines?: string[] }>;
}

/** One demo: an example, where it comes from, and how to sum up its facts. */
export interface DemoSpec<Facts> {
  title: string;
  /** The seed section it mirrors. */
  seed: string;
  /** The example's file name in `examples/<dir>/`, without extension. */
  example: string;
  /** Print as it runs (threads and processes write to the terminal themselves). */
  live?: boolean;
  /** The `→` lines: what this run showed. */
  summary(facts: Facts): string[];
}

/** A demo ready to run. */
export interface Demo {
  title: string;
  seed: string;
  /** `examples/<dir>/<name>.ts`, as the header shows it. */
  source: string;
  live: boolean;
  /** Runs the example: its lines (empty when live: already printed) and its `→` lines. */
  run(seed: number): Promise<{ lines: string[]; summary: string[] }>;
}

/** Where the examples of `dir` are after the build: `dist/examples/<dir>/`. */
export function examplesDir(dir: string): URL {
  return new URL(`../../examples/${dir}/`, import.meta.url);
}

/**
 * Makes a demo of an example of `dir`. `Facts` is the part of the example's `Result` the
 * summary reads (the package build cannot see the examples' types; `test/cli/` runs every
 * demo).
 */
export function demo<Facts>(dir: string, spec: DemoSpec<Facts>): Demo {
  const live = spec.live === true;
  return {
    title: spec.title,
    seed: spec.seed,
    source: `examples/${dir}/${spec.example}.ts`,
    live,
    async run(seed) {
      const url = new URL(`${spec.example}.js`, examplesDir(dir)).href;
      const example = (await import(url)) as ExampleModule;
      const result = await example.main({ quiet: !live, seed });
      return { lines: live ? [] : (result.lines ?? []), summary: spec.summary(result as Facts) };
    },
  };
}

export const ms = (value: number): string => `${value.toFixed(0)} ms`;
export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** "total ≈ the longest, not the sum", with the numbers of this run. */
export function overlapLine(
  elapsedMs: number,
  durationsMs: readonly number[],
  what = 'total',
): string {
  const longest = Math.max(...durationsMs);
  return `${what} ${ms(elapsedMs)} ≈ the longest (${longest} ms), not the sum (${sum(durationsMs)} ms)`;
}

/** Runs `demos` in order under a title, writing each line with `write`. */
export async function runDemos(
  intro: readonly string[],
  demos: readonly Demo[],
  seed: number,
  write: Print,
): Promise<void> {
  for (const line of intro) write(line);
  for (const [index, demo] of demos.entries()) {
    write('');
    write(`[${index + 1}/${demos.length}] ${demo.title}`);
    write(`    seed ${demo.seed} · ${demo.source}`);
    const { lines, summary } = await demo.run(seed);
    for (const line of lines) write(`  ${line}`);
    for (const line of summary) write(`  → ${line}`);
  }
}
