/**
 * The API reference (`npm run docs`): TypeDoc reads the TSDoc of every public entry point
 * (`src/index.ts`, `src/<subpath>/index.ts`) and must find nothing undocumented and no
 * broken `{@link}`. It renders once into a temporary directory (HTML and JSON), which the
 * tests read: modules named as users import them, each symbol under the subpath that
 * defines it, no internals, headings that keep their code.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const TYPEDOC = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');

/** The part of TypeDoc's JSON output these tests read. */
interface Node {
  name: string;
  kind: number;
  variant?: string;
  children?: Node[];
  extendedTypes?: { name: string }[];
  inheritedFrom?: { name: string };
}

const KIND_CLASS = 128;
const KIND_FUNCTION = 64;

function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children ?? []) yield* walk(child);
}

describe('the API reference', () => {
  let dir = '';
  let output = '';
  let project: Node = { name: '', kind: 0 };
  let modules = new Map<string, Node>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concur-docs-'));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        TYPEDOC,
        '--treatWarningsAsErrors',
        '--out',
        join(dir, 'html'),
        '--json',
        join(dir, 'api.json'),
      ],
      { cwd: root, timeout: 170_000 },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) =>
      assert.fail(`typedoc failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`),
    );
    output = `${stdout}${stderr}`;
    project = JSON.parse(await readFile(join(dir, 'api.json'), 'utf8')) as Node;
    modules = new Map((project.children ?? []).map((m) => [m.name, m]));
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('typedoc documents every public symbol without a warning', () => {
    assert.doesNotMatch(output, /warning|error/i);
  });

  test('modules are named after the subpaths users import', () => {
    assert.deepEqual([...modules.keys()].sort(), [
      'concur-ts',
      'concur-ts/asyncio',
      'concur-ts/distributed',
      'concur-ts/futures',
      'concur-ts/multiprocessing',
      'concur-ts/task',
      'concur-ts/testing',
      'concur-ts/threading',
    ]);
  });

  test('a class or function a subpath exports is documented there; the root re-exports it', () => {
    const declared = (module: Node) =>
      new Set(
        (module.children ?? [])
          .filter(
            (c) =>
              c.variant === 'declaration' && (c.kind === KIND_CLASS || c.kind === KIND_FUNCTION),
          )
          .map((c) => c.name),
      );
    const inSubpaths = new Set(
      [...modules].filter(([name]) => name !== 'concur-ts').flatMap(([, m]) => [...declared(m)]),
    );
    const rootAlso = [...declared(modules.get('concur-ts')!)].filter((name) =>
      inSubpaths.has(name),
    );
    assert.deepEqual(rootAlso, []);
    assert.ok(declared(modules.get('concur-ts/futures')!).has('ThreadPoolExecutor'));
  });

  test('internals stay out: no base class from src/internal, no inspect method', () => {
    const leaks = [...walk(project)]
      .filter(
        (n) =>
          n.name === '[custom]' ||
          n.extendedTypes?.some((t) => t.name === 'PoolExecutor') === true ||
          n.inheritedFrom?.name.startsWith('PoolExecutor.') === true,
      )
      .map((n) => n.name);
    assert.deepEqual(leaks, []);
  });

  test('headings keep their code in the page outline', async () => {
    const index = await readFile(join(dir, 'html', 'index.html'), 'utf8');
    const outline = [...index.matchAll(/<a href="#[^"]+"><span>(.*?)<\/span><\/a>/g)].map((m) =>
      m[1]!
        .replace(/<[^>]*>/g, '')
        .replaceAll('&#39;', "'")
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>')
        .replaceAll('&amp;', '&'),
    );
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const headings = readme
      .replace(/^```[^]*?^```/gm, '')
      .split('\n')
      .flatMap((line) => /^#{1,6} (.*)$/.exec(line)?.[1] ?? [])
      .map((h) => h.replaceAll('`', '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    assert.deepEqual(outline.slice(0, headings.length), headings);
  });
});
