#!/usr/bin/env node
// README's "Supported runtimes" table, produced from what CI measured rather than written
// by hand. .ci/run leaves one results file per phase in .cache/ci/results/ (the suite
// under each runtime: scripts/run-suite.mjs --results; `npm test` under Node 20; the
// consumer projects); this script keeps what they say in docs/support.json and renders
// the table between the support-table markers of README.md from that file.
//
//   node scripts/support-table.mjs write   results → docs/support.json → README.md
//   node scripts/support-table.mjs check   README.md's table is what docs/support.json says
//                                          (exit 1 saying so if not); a test runs this
//   --readme FILE, --support FILE, --results DIR   other files than the repository's
//
// What is kept is what a user reads — passes, the files with known gaps, skips that are the
// runtime's — never timings or counts of tests, so the file changes when support does, not
// when a test is added.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const START =
  '<!-- support-table:start (scripts/support-table.mjs writes this from docs/support.json) -->';
export const END = '<!-- support-table:end -->';

/** What each consumer test file exercises, as the table says it. */
const CONSUMER_LABELS = {
  'package/typescript.test.js':
    '`.ts` task modules under tsx, type stripping, vitest and `node --test`, Node 20–26',
  'package/bundle.test.js': 'bundles (esbuild, rollup, webpack) and Node single executables',
  'package/types.test.js': 'the shipped `.d.ts` under `strict`, `skipLibCheck: false`',
  'package/packed.test.js': 'the packed tarball installed in a user project',
  'package/runtimes.test.js':
    'a first TypeScript program under Bun and Deno (both pools, asyncio, threads, multiprocessing), `deno check`, `bun build --compile`',
  'package/browser.test.js':
    '`concur-ts/asyncio` and `concur-ts/futures` bundled for the browser, in headless Chromium',
};

const SUITE_ORDER = ['node-20', 'node-22', 'node-24', 'node-26', 'bun', 'deno'];

function parseArgs(argv) {
  const out = {
    command: argv[0],
    readme: join(root, 'README.md'),
    support: join(root, 'docs', 'support.json'),
    results: join(root, '.cache', 'ci', 'results'),
  };
  for (let i = 1; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === '--readme') out.readme = value;
    else if (flag === '--support') out.support = value;
    else if (flag === '--results') out.results = value;
    else fail(`unknown option ${flag}`);
  }
  if (out.command !== 'write' && out.command !== 'check') {
    fail(
      'usage: node scripts/support-table.mjs write|check [--readme F] [--support F] [--results D]',
    );
  }
  return out;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** The part of a suite run (run-suite.mjs's results) that the table reports. */
function suiteEntry(r) {
  const node = r.runtime.startsWith('node-');
  const gapFiles = r.report.filter((e) => e.knownGaps.length > 0).length;
  return {
    label: node ? `Node.js ${r.runtime.slice('node-'.length)}` : r.label,
    ran: 'the test suite',
    ok: r.ok,
    gapFiles,
    allGaps: gapFiles === r.files,
    runtimeSkips: r.runtimeSkips,
    skipReasons: r.skipReasons,
  };
}

/** One consumer row per test file of the consumer phase. */
function consumerEntries(r) {
  return r.report.map((e) => ({
    file: e.file,
    label: CONSUMER_LABELS[e.file] ?? e.file,
    ok: e.failures.length === 0 && e.staleGaps.length === 0,
    skipped: e.skipped,
    skipReasons: [...new Set((e.skips ?? []).map((s) => s.reason).filter(Boolean))],
    failed: e.failures.length,
    knownGaps: e.knownGaps.length,
  }));
}

/** docs/support.json, updated with whatever results the last run left. */
export function collectSupport(resultsDir, previous) {
  const support = {
    note:
      'Written by scripts/support-table.mjs from the results of .ci/run; ' +
      "README.md's support table is rendered from this file (do not edit either by hand).",
    suite: { ...(previous?.suite ?? {}) },
    consumers: previous?.consumers ?? [],
  };
  if (existsSync(resultsDir)) {
    for (const name of readdirSync(resultsDir).sort()) {
      if (!name.endsWith('.json')) continue;
      const r = JSON.parse(readFileSync(join(resultsDir, name), 'utf8'));
      if (r.phase === 'npm-test') {
        support.suite[r.runtime] = {
          label: `Node.js ${r.runtime.slice('node-'.length)}`,
          ran: '`npm test`',
          ok: r.ok,
        };
      } else if (r.phase === 'consumers') {
        support.consumers = consumerEntries(r);
      } else {
        support.suite[r.runtime] = suiteEntry(r);
      }
    }
  }
  const ordered = {};
  for (const key of [...SUITE_ORDER, ...Object.keys(support.suite).sort()]) {
    if (support.suite[key] !== undefined && ordered[key] === undefined)
      ordered[key] = support.suite[key];
  }
  support.suite = ordered;
  return support;
}

function suiteResult(s) {
  if (s.gapFiles === undefined) return s.ok ? 'passes' : '**fails**';
  const parts = [];
  if (!s.ok) parts.push('**fails**');
  const which = '([which, and why](test/runtime-gaps.json))';
  if (s.gapFiles === 0) {
    if (s.ok) parts.push('passes');
  } else if (s.allGaps) {
    parts.push(`**not yet**: every test file is a known gap ${which}`);
  } else {
    parts.push(`known gaps in ${s.gapFiles} test files ${which}; the others pass`);
  }
  if (s.runtimeSkips > 0)
    parts.push(
      `${s.runtimeSkips} ${s.runtimeSkips === 1 ? 'test' : 'tests'} skipped as not applying: ` +
        s.skipReasons.join('; '),
    );
  return parts.join('; ');
}

function consumerResult(c) {
  const parts = [c.ok ? 'passes' : `**${c.failed} failing**`];
  if (c.knownGaps > 0) parts.push(`${c.knownGaps} known gaps`);
  if (c.skipped > 0) {
    const why = c.skipReasons?.length > 0 ? `: ${c.skipReasons.join('; ')}` : '';
    parts.push(`${c.skipped} skipped${why}`);
  }
  return parts.join('; ');
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The markdown table (unformatted: prettier aligns it). */
export function renderTable(support) {
  const rows = [
    ['where', 'what CI runs', 'result'],
    ['---', '---', '---'],
  ];
  for (const s of Object.values(support.suite)) rows.push([s.label, s.ran, suiteResult(s)]);
  for (const c of support.consumers) {
    rows.push([c.label, 'a user project from the packed tarball', consumerResult(c)]);
  }
  return rows.map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

/** The README block between the markers, formatted as `prettier --check` wants it. */
export async function renderBlock(support, readmePath) {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(readmePath)) ?? {};
  const table = await prettier.format(renderTable(support), { ...options, parser: 'markdown' });
  return `${START}\n\n${table.trim()}\n\n${END}`;
}

function currentBlock(readme, path) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path} has no support-table markers`);
  return { start, end: end + END.length, text: readme.slice(start, end + END.length) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const readme = readFileSync(opts.readme, 'utf8');
  const block = currentBlock(readme, opts.readme);
  if (opts.command === 'write') {
    const previous = existsSync(opts.support)
      ? JSON.parse(readFileSync(opts.support, 'utf8'))
      : null;
    const support = collectSupport(opts.results, previous);
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(opts.support)) ?? {};
    writeFileSync(
      opts.support,
      await prettier.format(JSON.stringify(support), { ...options, parser: 'json' }),
    );
    const fresh = await renderBlock(support, opts.readme);
    writeFileSync(opts.readme, readme.slice(0, block.start) + fresh + readme.slice(block.end));
    console.log(`wrote ${opts.support} and the table of ${opts.readme}`);
    return;
  }
  const support = JSON.parse(readFileSync(opts.support, 'utf8'));
  const expected = await renderBlock(support, opts.readme);
  if (expected !== block.text) {
    console.error(
      `the support table of ${opts.readme} is not what ${opts.support} says; ` +
        `run node scripts/support-table.mjs write (never edit the table by hand).\n` +
        `expected:\n${expected}\nfound:\n${block.text}`,
    );
    process.exit(1);
  }
  console.log(`the support table of ${opts.readme} matches ${opts.support}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
