/**
 * README's support table says what CI measured: .ci/run runs the suite under each runtime
 * with scripts/run-suite.mjs, which reads every runtime's JUnit report, and
 * scripts/support-table.mjs keeps the results in docs/support.json and renders the table
 * from it. These tests hold that chain together: the table is the file's, a hand edit is
 * caught, a run's results become rows, and the runner reads Node's, Bun's and Deno's
 * reports of the same tests the same way.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TABLE = join(ROOT, 'scripts', 'support-table.mjs');

interface JunitTest {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  message: string;
}
interface SuiteRunner {
  parseJunit(xml: string): JunitTest[];
  commandFor(
    kind: string,
    binary: string,
    file: string,
    options: { junit: string; testTimeout?: number; preload?: string | null },
  ): [string, string[]];
}
const runner = (await import(
  pathToFileURL(join(ROOT, 'scripts', 'run-suite.mjs')).href
)) as SuiteRunner;

/** Runs support-table.mjs; its exit code and output, whether it failed or not. */
async function supportTable(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [TABLE, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * The runtimes to read reports from: this Node, and Bun and Deno where they can be had.
 * Found before any test is declared: node:test starts a declared test while the module
 * still awaits, and a fetch still running (a fresh clone has no cached Bun or Deno) would
 * be that test's leak.
 */
async function binaryOf(kind: 'bun' | 'deno'): Promise<{ binary: string } | { missing: string }> {
  const fromEnv = process.env[kind === 'bun' ? 'CONCUR_BUN' : 'CONCUR_DENO'];
  if (fromEnv !== undefined && fromEnv !== '' && existsSync(fromEnv)) return { binary: fromEnv };
  try {
    const { stdout } = await exec(process.execPath, [join(ROOT, 'scripts', 'runtimes.mjs'), kind], {
      timeout: 300_000,
    });
    return { binary: stdout.trim().split(' ').slice(1).join(' ') };
  } catch (error) {
    return { missing: `${kind} could not be fetched: ${(error as Error).message}` };
  }
}
const RUNTIMES = {
  node: { binary: process.execPath } as { binary: string } | { missing: string },
  bun: await binaryOf('bun'),
  deno: await binaryOf('deno'),
};

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concur-support-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("README's support table", () => {
  test('is the table docs/support.json renders', async () => {
    const { code, stderr } = await supportTable(['check']);
    assert.equal(code, 0, stderr);
  });

  test('edited by hand, it fails the check, which says how to regenerate it', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const edited = readme.replace(
      /(<!-- support-table:start[^\n]*\n\n\|[^\n]*\n\|[^\n]*\n\|)/,
      '$1 x',
    );
    assert.ok(edited !== readme, 'the README has a support table to edit');
    await writeFile(join(dir, 'README.md'), edited);
    const { code, stderr } = await supportTable(['check', '--readme', join(dir, 'README.md')]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /is not what .*support\.json says; run node scripts\/support-table\.mjs write/,
    );
  });

  test("a run's results become rows: a runtime with known gaps says how many, and where they are listed", async () => {
    const results = join(dir, 'results');
    await mkdir(results, { recursive: true });
    const file = (name: string, passed: number, gaps: number) => ({
      file: name,
      ms: 1,
      passed,
      skipped: 0,
      failures: [],
      knownGaps: Array.from({ length: gaps }, (_, i) => ({
        test: `t${i}`,
        error: 'e',
        reason: 'r',
      })),
      staleGaps: [],
    });
    const run = {
      phase: 'suite',
      runtime: 'bun',
      label: 'Bun 9.9.9',
      files: 2,
      knownGaps: 3,
      runtimeSkips: 1,
      skipReasons: ['not on bun: the reason'],
      ok: true,
      report: [file('a.test.js', 4, 0), file('b.test.js', 1, 3)],
    };
    await writeFile(join(results, 'bun.json'), JSON.stringify(run));
    await writeFile(
      join(results, 'npm-test.json'),
      JSON.stringify({ phase: 'npm-test', runtime: 'node-20', ok: true }),
    );
    await writeFile(
      join(dir, 'README.md'),
      '# x\n\n<!-- support-table:start (scripts/support-table.mjs writes this from docs/support.json) -->\n<!-- support-table:end -->\n',
    );
    const support = join(dir, 'support.json');
    const args = ['--readme', join(dir, 'README.md'), '--support', support];
    const written = await supportTable(['write', ...args, '--results', results]);
    assert.equal(written.code, 0, written.stderr);
    const table = await readFile(join(dir, 'README.md'), 'utf8');
    assert.match(table, /\| Node\.js 20 +\| `npm test` +\| passes +\|/);
    assert.match(
      table,
      /\| Bun 9\.9\.9 +\| the test suite +\| known gaps in 1 test files \(\[which, and why\]\(test\/runtime-gaps\.json\)\); the others pass; 1 test skipped as not applying: not on bun: the reason +\|/,
    );
    assert.equal((await supportTable(['check', ...args])).code, 0);
  });
});

describe('the suite runner reads each runtime’s report of the same test file the same way', () => {
  const sample = `
import { describe, test } from 'node:test';
import { onlyOn } from '${pathToFileURL(join(ROOT, 'build', 'test', 'fixtures', 'runtime.js')).href}';
describe('outer', () => {
  test('passes', () => {});
  test('fails', () => {
    throw new Error('broken on purpose');
  });
  test('applies only on Node', onlyOn('node', 'the sample says so'), () => {});
});
test('passes at the top level', () => {});
`;
  for (const [kind, runtime] of Object.entries(RUNTIMES)) {
    const skip = 'missing' in runtime ? runtime.missing : false;
    test(
      `under ${kind}: names inside a describe, passes, the failure's message, a skip by runtime`,
      { skip },
      async () => {
        const binary = (runtime as { binary: string }).binary;
        const work = join(dir, kind);
        await mkdir(work, { recursive: true });
        const file = join(work, 'sample.test.mjs');
        const junit = join(work, 'report.xml');
        const skipLog = join(work, 'skips.log');
        await writeFile(file, sample);
        const [command, args] = runner.commandFor(kind, binary, file, { junit, preload: null });
        const env: Record<string, string> = {
          PATH: process.env['PATH'] ?? '',
          CONCUR_SKIP_LOG: skipLog,
        };
        if (process.env['HOME'] !== undefined) env['HOME'] = process.env['HOME'];
        await assert.rejects(exec(command, args, { cwd: work, env, timeout: 120_000 }));
        const tests = runner.parseJunit(await readFile(junit, 'utf8'));
        const byName = new Map(tests.map((t) => [t.name, t]));
        assert.deepEqual([...byName.keys()].sort(), [
          'outer > applies only on Node',
          'outer > fails',
          'outer > passes',
          'passes at the top level',
        ]);
        assert.equal(byName.get('outer > passes')!.status, 'pass');
        assert.equal(byName.get('passes at the top level')!.status, 'pass');
        assert.equal(byName.get('outer > fails')!.status, 'fail');
        assert.match(byName.get('outer > fails')!.message, /broken on purpose/);
        assert.equal(
          byName.get('outer > applies only on Node')!.status,
          kind === 'node' ? 'pass' : 'skip',
        );
        const logged = existsSync(skipLog) ? readFileSync(skipLog, 'utf8') : '';
        assert.equal(logged, kind === 'node' ? '' : `not on ${kind}: the sample says so\n`);
      },
    );
  }
});
