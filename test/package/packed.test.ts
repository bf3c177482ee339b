/**
 * Installs the package the way a user gets it — `npm pack`, then `npm install` of the
 * tarball into an empty project — and imports it by its public names. This proves the
 * `files`, `exports`, metadata, source maps and shipped type declarations, not just the
 * source tree; publint and "are the types wrong" judge the tarball itself.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

/** Every file under `dir` whose name ends with `suffix`. */
async function filesUnder(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name));
}

describe('the packed package', () => {
  let dir = '';
  let tarball = '';
  let installLog = '';
  const installed = (...path: string[]): string => join(dir, 'node_modules', 'concur-ts', ...path);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concur-packed-'));
    // --ignore-scripts: the tarball is packed from the already built dist/.
    await run(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root });
    tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz')) ?? '';
    assert.ok(tarball, 'npm pack produced a tarball');
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'user-app', type: 'module' }),
    );
    const { stdout, stderr } = await run(
      npm,
      ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`],
      { cwd: dir },
    );
    installLog = `${stdout}${stderr}`;
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a user project imports every public subpath and runs a task', async () => {
    const script = `
      import { run, createTask, sleep, gather } from 'concur-ts/asyncio';
      import { Future } from 'concur-ts/futures';
      import { VirtualClock } from 'concur-ts/testing';
      import * as root from 'concur-ts';
      const out = await run(async () => gather([createTask(() => sleep(1, 'a')), sleep(1, 'b')]));
      console.log(JSON.stringify({ out, future: typeof Future, clock: typeof VirtualClock, root: typeof root.run }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
    });
    assert.deepEqual(JSON.parse(stdout), {
      out: ['a', 'b'],
      future: 'function',
      clock: 'function',
      root: 'function',
    });
  });

  test('a user project runs a task on a thread pool and a thread from the installed package', async () => {
    const script = `
      import { ThreadPoolExecutor } from 'concur-ts/futures';
      import { Thread } from 'concur-ts/threading';
      const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      const product = await pool.submit((a, b) => a * b, 6, 7);
      await pool.shutdown();
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const thread = new Thread({ target: (c) => { Atomics.store(c, 0, 9); }, args: [cells] });
      thread.start();
      await thread.join();
      console.log(JSON.stringify({ product, cell: cells[0] }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
    });
    assert.deepEqual(JSON.parse(stdout), { product: 42, cell: 9 });
  });

  test('the installed package is named concur-ts and installs the concur command', async () => {
    const bin = join(
      dir,
      'node_modules',
      '.bin',
      process.platform === 'win32' ? 'concur.cmd' : 'concur',
    );
    const { stdout } = await run(bin, ['--version'], { cwd: dir });
    const pkg = JSON.parse(
      await readFile(join(dir, 'node_modules', 'concur-ts', 'package.json'), 'utf8'),
    ) as { name: string; version: string };
    assert.equal(pkg.name, 'concur-ts');
    assert.equal(stdout.trim(), pkg.version);
  });

  test("installing the tarball runs and announces none of the package's own scripts", () => {
    assert.doesNotMatch(installLog, /concur-ts|prepare|install-scripts/, installLog);
  });

  test('the package carries its licence and the metadata a registry page shows', async () => {
    assert.match(
      await readFile(installed('LICENSE'), 'utf8'),
      /^MIT License\n\nCopyright \(c\) \d{4} concur contributors/,
    );
    const pkg = JSON.parse(await readFile(installed('package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(pkg.license, 'MIT');
    assert.equal(typeof pkg.author, 'string');
    assert.match((pkg.repository as { url: string }).url, /^git\+https:\/\/github\.com\/.+\.git$/);
    assert.match(pkg.homepage as string, /^https:\/\//);
    assert.match((pkg.bugs as { url: string }).url, /^https:\/\/.+\/issues$/);
    assert.ok((pkg.keywords as string[]).includes('concurrency'));
    assert.deepEqual(pkg.sideEffects, [
      './dist/threading/*.js',
      './dist/multiprocessing/*.js',
      './dist/internal/chunks/*.js',
    ]);
    assert.equal((pkg.scripts as Record<string, string>).prepare, undefined);
  });

  test('every source map of the package embeds or reaches the source it maps', async () => {
    const maps = await filesUnder(installed('dist'), '.map');
    assert.ok(maps.length > 100, `${maps.length} maps`);
    const unresolved: string[] = [];
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(await readFile(map, 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      for (const [i, source] of sources.entries()) {
        const file = resolve(dirname(map), source);
        const embedded = sourcesContent?.[i];
        if (map.endsWith('.js.map') && typeof embedded !== 'string') {
          unresolved.push(`${relative(dir, map)}: ${source} not embedded`);
        } else if (
          embedded === undefined
            ? !existsSync(file)
            : existsSync(file) && (await readFile(file, 'utf8')) !== embedded
        ) {
          unresolved.push(`${relative(dir, map)}: ${source} missing or different`);
        }
      }
    }
    assert.deepEqual(unresolved, []);
    // Go to definition lands in the TypeScript source: declaration maps reach shipped src/.
    const futures = JSON.parse(
      await readFile(installed('dist', 'futures', 'index.d.ts.map'), 'utf8'),
    );
    assert.ok(existsSync(resolve(installed('dist', 'futures'), futures.sources[0])));
  });

  test('publint finds nothing to report in the tarball', async () => {
    const { stdout } = await run(
      process.execPath,
      [bin('publint'), 'run', join(dir, tarball), '--strict'],
      { cwd: dir },
    );
    assert.match(stdout, /All good!/, stdout);
  });

  test('"are the types wrong" finds no problem for ESM consumers', async () => {
    const { stdout } = await run(
      process.execPath,
      [bin('attw'), join(dir, tarball), '--profile', 'esm-only', '--format', 'json'],
      { cwd: dir },
    ).catch((error: { stdout?: string; message: string }) =>
      assert.fail(error.stdout || error.message),
    );
    type Problem = { kind: string; entrypoint: string; resolutionKind: string };
    const byKind = (JSON.parse(stdout) as { problems: Record<string, Problem[]> }).problems;
    // CommonJS resolution (node10, node16-cjs) is the subject of the require() test below.
    const esm = Object.values(byKind)
      .flat()
      .filter((p) => p.resolutionKind === 'node16-esm' || p.resolutionKind === 'bundler');
    assert.deepEqual(esm, []);
  });

  test('require() of the package works where Node can require ES modules, and says import otherwise', async () => {
    const script = `
      try {
        const { run, sleep } = require('concur-ts/asyncio');
        const { ThreadPoolExecutor } = require('concur-ts');
        run(() => sleep(1, 'ok')).then((out) => console.log(JSON.stringify({ out, pool: typeof ThreadPoolExecutor })));
      } catch (error) {
        console.log(JSON.stringify({ code: error.code }));
      }
    `;
    const { stdout } = await run(process.execPath, ['--input-type=commonjs', '-e', script], {
      cwd: dir,
    });
    const requireModule =
      (process.features as { require_module?: boolean }).require_module === true;
    assert.deepEqual(
      JSON.parse(stdout),
      requireModule ? { out: 'ok', pool: 'function' } : { code: 'ERR_REQUIRE_ESM' },
    );
  });

  test('the shipped declarations, built by TypeScript 7, type-check with TypeScript 5 in an ESM and a CommonJS consumer', async () => {
    const tsc5 = JSON.parse(
      await readFile(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8'),
    ) as { version: string };
    assert.match(tsc5.version, /^5\./);
    const app = join(dir, 'consumer');
    await mkdir(app, { recursive: true });
    await writeFile(
      join(app, 'main.ts'),
      `import { ThreadPoolExecutor, type Future } from 'concur-ts/futures';
import { run, sleep } from 'concur-ts/asyncio';
const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
const f: Future<number> = pool.submit((a: number, b: number) => a * b, 6, 7);
const n: number = await f;
const s: string = await run(() => sleep(1, 'a'));
export { n, s };
`,
    );
    await writeFile(
      join(app, 'legacy.cts'),
      `import futures = require('concur-ts/futures');
export const pool: futures.ThreadPoolExecutor = new futures.ThreadPoolExecutor({ maxWorkers: 1 });
`,
    );
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: [],
          skipLibCheck: false,
        },
        files: ['main.ts', 'legacy.cts'],
      }),
    );
    await writeFile(join(app, 'package.json'), JSON.stringify({ type: 'module' }));
    // node_modules/@types/node of this repository: the user's project has it too.
    await run(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        app,
        '--typeRoots',
        join(root, 'node_modules', '@types'),
        '--types',
        'node',
      ],
      { cwd: app },
    ).catch((error: { stdout?: string; message: string }) =>
      assert.fail(error.stdout || error.message),
    );
  });

  test("the README's quickstarts compile and run in the user's project, from the tarball alone", async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```ts( [^\n]*)?\n([^]*?)^```$/gm)];
    const runnable: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const app = join(dir, 'quickstarts', String(i));
      let name = 'main.ts';
      const files = new Map<string, string>();
      for (const line of block[2]!.split('\n')) {
        name = /^\/\/ ([\w.-]+\.ts)(\s|$)/.exec(line)?.[1] ?? name;
        files.set(name, `${files.get(name) ?? ''}${line}\n`);
      }
      await mkdir(app, { recursive: true });
      for (const [file, text] of files) await writeFile(join(app, file), text);
      // The program is the block's first file (main.ts unless the block names its files).
      const entry = [...files.keys()][0]!.replace(/\.ts$/, '.js');
      if (!(block[1] ?? '').includes('norun')) runnable.push(join(app, entry));
    }
    assert.ok(runnable.length >= 3, `${runnable.length} runnable quickstarts`);
    await writeFile(
      join(dir, 'quickstarts', 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          lib: ['es2023', 'esnext.disposable'],
          strict: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        include: ['**/*.ts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', join(dir, 'quickstarts')], { cwd: dir }).catch(
      (error: { stdout?: string; message: string }) => assert.fail(error.stdout || error.message),
    );
    for (const main of runnable) {
      const { stderr } = await run(process.execPath, [main], { cwd: dir, timeout: 60_000 });
      assert.equal(stderr, '', main);
    }
  });

  test('internal modules are blocked for the user', async () => {
    const script = `import('concur-ts/internal/loop.js').then(() => console.log('open'), (e) => console.log(e.code));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
    });
    assert.equal(stdout.trim(), 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  test('type declarations ship with every subpath', async () => {
    const files = await readdir(installed('dist', 'asyncio'));
    assert.ok(files.includes('index.d.ts'));
    for (const sub of ['futures', 'testing', 'threading']) {
      const subFiles = await readdir(installed('dist', sub));
      assert.ok(subFiles.includes('index.d.ts'), `${sub} has index.d.ts`);
    }
  });
});
