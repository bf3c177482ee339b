/**
 * The README and the pages under docs/ as a user reads them: the README starts with the two
 * commands the project runs by (install + the main job, then the tests); each module's page
 * names every one of its exports; and every TypeScript snippet compiles as written, against
 * the built package, and the runnable ones run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as root from 'concur-ts';
import * as asyncio from 'concur-ts/asyncio';
import * as distributed from 'concur-ts/distributed';
import * as futures from 'concur-ts/futures';
import * as multiprocessing from 'concur-ts/multiprocessing';
import * as task from 'concur-ts/task';
import * as testing from 'concur-ts/testing';
import * as threading from 'concur-ts/threading';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

const README = read('README.md');
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);

/** The text of every `code span` in `markdown`. */
const spans = (markdown: string): string[] =>
  [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

/** Each subpath's exports, and the pages that must name them all. */
const SUBPATHS: [string, object, string[]][] = [
  ['concur-ts', root, ['README.md', ...DOCS]],
  ['concur-ts/asyncio', asyncio, ['docs/asyncio.md']],
  ['concur-ts/distributed', distributed, ['docs/distributed.md']],
  ['concur-ts/futures', futures, ['docs/futures.md']],
  ['concur-ts/multiprocessing', multiprocessing, ['docs/multiprocessing.md']],
  ['concur-ts/threading', threading, ['docs/threading.md']],
  ['concur-ts/testing', testing, ['docs/testing.md']],
  ['concur-ts/task', task, ['docs/futures.md']],
];

/** A ```ts block: its files (split at `// name.ts` comment lines) and whether it may run. */
interface Snippet {
  where: string;
  files: Map<string, string>;
  runs: boolean;
}

function snippetsOf(path: string): Snippet[] {
  const markdown = read(path);
  const found: Snippet[] = [];
  for (const m of markdown.matchAll(/^```ts( [^\n]*)?\n([^]*?)^```$/gm)) {
    const line = markdown.slice(0, m.index).split('\n').length;
    const files = new Map<string, string>();
    let name = 'main.ts';
    for (const text of m[2]!.split('\n')) {
      const marker = /^\/\/ ([\w.-]+\.ts)(\s|$)/.exec(text);
      if (marker !== null) name = marker[1]!;
      files.set(name, `${files.get(name) ?? ''}${text}\n`);
    }
    found.push({ where: `${path}:${line}`, files, runs: !(m[1] ?? '').includes('norun') });
  }
  return found;
}

const SNIPPETS = ['README.md', ...DOCS].flatMap(snippetsOf);
/** Under build/, inside this package, so that `concur-ts` resolves to the built package. */
const SNIPPET_DIR = join(ROOT, 'build', 'snippets');
const dirOf = (s: Snippet): string =>
  join(SNIPPET_DIR, s.where.replace(/[/.:]/g, '_').replace(/_md_/, '-'));

describe('README', () => {
  test('starts with the install-and-compare command, then the test command', () => {
    const commands = /```sh\n([^]*?)```/.exec(README)?.[1]?.split('\n') ?? [];
    assert.match(commands[0] ?? '', /^npm ci && npm run compare\s+#/);
    assert.match(commands[1] ?? '', /^npm test\s+#/);
    assert.ok(README.indexOf('```sh') < README.indexOf('\n## '), 'before any section');
  });

  test('has a quickstart for each model, then compare, the docs and contributing', () => {
    const headings = [...README.matchAll(/^## (.*)$/gm)].map((m) => m[1]!);
    const order = [
      /^Install$/,
      /^Quickstart: asyncio/,
      /^Quickstart: threads/,
      /^Quickstart: processes/,
      /^Quickstart: distributed/,
      /^Supported runtimes$/,
      /^`concur compare`/,
      /^Bundling and deploying$/,
      /^Documentation$/,
      /^Contributing$/,
    ];
    assert.deepEqual(
      headings.map((h) => order.findIndex((re) => re.test(h))),
      order.map((_, i) => i),
      headings.join(' | '),
    );
  });

  for (const [subpath, module, pages] of SUBPATHS) {
    test(`names every export of ${subpath} in a code span of ${pages.length === 1 ? pages[0] : 'the docs'}`, () => {
      const names = pages.flatMap((page) => spans(read(page)));
      const missing = Object.keys(module).filter(
        (name) => !names.some((span) => new RegExp(`(^|[^\\w$])${name}([^\\w$]|$)`).test(span)),
      );
      assert.deepEqual(missing, [], `add these to the Python → concur-ts tables`);
    });
  }
});

describe('the TypeScript snippets of README.md and docs/', () => {
  before(async () => {
    await rm(SNIPPET_DIR, { recursive: true, force: true });
    for (const snippet of SNIPPETS) {
      for (const [name, text] of snippet.files) {
        await mkdir(dirname(join(dirOf(snippet), name)), { recursive: true });
        await writeFile(join(dirOf(snippet), name), text);
      }
    }
    // What a user's project would use: strict, Node's module resolution, no repository paths.
    await writeFile(
      join(SNIPPET_DIR, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'ESNext.Disposable'],
          module: 'NodeNext',
          strict: true,
          types: ['node'],
          skipLibCheck: true,
        },
        include: ['**/*.ts'],
      }),
    );
  });

  test('there are snippets to check, in the README and in docs/', () => {
    assert.ok(SNIPPETS.filter((s) => s.where.startsWith('README')).length >= 4);
    assert.ok(SNIPPETS.filter((s) => s.where.startsWith('docs/')).length >= 6);
  });

  test('every snippet compiles as written', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const outcome = await run(process.execPath, [tsc, '-p', SNIPPET_DIR], { cwd: ROOT }).catch(
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    if (typeof outcome === 'string') {
      const named = SNIPPETS.reduce(
        (text, s) => text.replaceAll(`${dirOf(s).slice(ROOT.length)}/`, `[${s.where}] `),
        outcome,
      );
      assert.fail(named);
    }
  });

  for (const snippet of SNIPPETS.filter((s) => s.runs)) {
    test(`${snippet.where} runs to its end`, async () => {
      const entry = snippet.files.has('main.ts') ? 'main.ts' : [...snippet.files.keys()].at(-1)!;
      const { stderr } = await run(
        process.execPath,
        [join(dirOf(snippet), entry.replace(/\.ts$/, '.js'))],
        { cwd: dirOf(snippet), timeout: 60_000, killSignal: 'SIGKILL' },
      );
      assert.equal(stderr, '');
    });
  }
});
