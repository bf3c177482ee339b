/**
 * A program bundled into one file — by esbuild, by rollup, by webpack, or into a Node single
 * executable application — runs its thread and process pools, `Thread`s and `Process`es
 * from a directory that holds nothing but that file. The only thing the program adds is
 * the main guard, `if (!isWorker())`: workers start from the bundle itself.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { consumerProject, nodeRuntime, packageName, type ConsumerProject } from './consumer.js';

const node26 = await nodeRuntime(26);

const app = (guarded: boolean): string => `
import { defineTask, isWorker } from '${packageName}';
import { toThread } from '${packageName}/asyncio';
import { ProcessPoolExecutor, ThreadPoolExecutor } from '${packageName}/futures';
import { Process } from '${packageName}/multiprocessing';
import { Thread } from '${packageName}/threading';

export const square = defineTask(import.meta.url, function square(n: number): number {
  return n * n;
});

export const store = defineTask(import.meta.url, function store(cells: Int32Array, value: number): void {
  Atomics.store(cells, 0, value);
});

async function main(): Promise<void> {
  const out: Record<string, unknown> = {};
  for (const [kind, Pool] of [['threadPool', ThreadPoolExecutor], ['processPool', ProcessPoolExecutor]] as const) {
    const pool = new Pool({ maxWorkers: 2 });
    try {
      out[kind] = await pool.submit(square, 7);
      out[kind + 'BySource'] = await pool.submit((a: number, b: number) => a + b, 2, 3);
    } finally {
      await pool.shutdown();
    }
  }
  out['toThread'] = await toThread(square, 3);
  const cells = new Int32Array(new SharedArrayBuffer(4));
  const thread = new Thread({ target: store, args: [cells, 5] });
  thread.start();
  await thread.join();
  out['thread'] = Atomics.load(cells, 0);
  const child = new Process({ target: square, args: [2] });
  child.start();
  await child.join();
  out['process'] = child.exitcode;
  console.log(JSON.stringify(out));
}

${guarded ? 'if (!isWorker()) await main();' : 'await main();'}
`;

const EXPECTED = {
  threadPool: 49,
  threadPoolBySource: 5,
  processPool: 49,
  processPoolBySource: 5,
  toThread: 9,
  thread: 5,
  process: 0,
};

describe('a program bundled into one file', () => {
  let project: ConsumerProject;
  /** Where bundles run: a directory with no node_modules in it or above it. */
  let bare = '';

  before(async () => {
    project = await consumerProject([
      'esbuild',
      '@esbuild',
      'rollup',
      '@rollup',
      'webpack',
      'bullmq',
      'ioredis',
    ]);
    await project.write({
      'app.ts': app(true),
      'unguarded.ts': app(false),
      // A DistributedExecutor made in a bundle that carries bullmq and ioredis (its
      // connection is never used: the program ends first).
      'distributed.ts': `
import { DistributedExecutor } from '${packageName}/distributed';
try {
  new DistributedExecutor({ connection: 'redis://127.0.0.1:1', queue: 'bundled' });
  console.log('constructed');
} catch (error) {
  console.log('threw ' + (error as Error).name + ': ' + (error as Error).message);
}
process.exit(0);
`,
      // What a program bundled as CommonJS gets from each call that starts workers.
      'commonjs.ts': `
import { defineTask } from '${packageName}';
import { ProcessPoolExecutor, ThreadPoolExecutor } from '${packageName}/futures';
import { Process } from '${packageName}/multiprocessing';
import { Thread } from '${packageName}/threading';

const out: Record<string, string> = {};
function attempt(name: string, call: () => unknown): void {
  try {
    call();
    out[name] = 'no error';
  } catch (error) {
    const { name: kind, code, message } = error as Error & { code?: string };
    out[name] = kind + ' ' + code + ': ' + message;
  }
}
attempt('defineTask', () => defineTask(import.meta.url, function square(n: number) { return n * n; }));
attempt('threadPool', () => new ThreadPoolExecutor());
attempt('processPool', () => new ProcessPoolExecutor());
attempt('thread', () => new Thread({ target: (n: number) => n, args: [1] }).start());
attempt('process', () => new Process({ target: (n: number) => n, args: [1] }).start());
console.log(JSON.stringify(out));
`,
      // rollup reads JavaScript: esbuild strips the types, file by file, without bundling.
      'rollup.config.mjs': `
import { nodeResolve } from '@rollup/plugin-node-resolve';
export default {
  input: 'app.js',
  output: { file: 'out/rollup.mjs', format: 'es', inlineDynamicImports: true },
  plugins: [nodeResolve()],
  external: [/^node:/],
};
`,
      // webpack's API, as a build script would call it; what it reports, as JSON. The
      // README's options (out/webpack.mjs); with \`minify\`, production's minifier too
      // (webpack.min.mjs); with \`import-meta\`, webpack's own import.meta.url (the path of
      // each module at build time: webpack.meta.mjs).
      'webpack.build.mjs': `
import webpack from 'webpack';
const mode = process.argv[2] ?? 'readme';
const compiler = webpack({
  mode: 'production',
  target: 'node',
  context: process.cwd(),
  entry: './app.js',
  experiments: { outputModule: true },
  output: { path: process.cwd() + '/out', filename: { readme: 'webpack.mjs', minify: 'webpack.min.mjs', 'import-meta': 'webpack.meta.mjs' }[mode], module: true, chunkFormat: 'module' },
  module: { parser: { javascript: { importMeta: mode === 'import-meta' } } },
  optimization: { minimize: mode === 'minify' },
  plugins: [new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 })],
});
compiler.run((error, stats) => {
  if (error) throw error;
  const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
  console.log(JSON.stringify({ errors: errors.map((e) => e.message), warnings: warnings.map((w) => w.message) }));
  compiler.close(() => {});
});
`,
    });
    bare = await mkdtemp(join(tmpdir(), 'concur-bare-'));
  });

  after(async () => {
    await project?.remove();
    if (bare) await rm(bare, { recursive: true, force: true });
  });

  const esbuild = (): string => join(project.dir, 'node_modules', 'esbuild', 'bin', 'esbuild');

  /** Bundles `entry` with the README's esbuild command; the bundle's path. */
  async function esbuildBundle(entry: string, out: string): Promise<string> {
    await project.run(esbuild(), [
      entry,
      '--bundle',
      '--platform=node',
      '--format=esm',
      `--outfile=${out}`,
      '--log-level=warning',
    ]);
    return join(project.dir, out);
  }

  /** Copies `bundle` alone into the bare directory and runs it there with `node`. */
  /**
   * Copies `bundle` alone into the bare directory and runs it there with `node`, the
   * project's node_modules moved away meanwhile: nothing the bundle was built from is left.
   */
  async function runAlone(bundle: string, name: string, node = process.execPath) {
    const alone = join(bare, name);
    await copyFile(bundle, alone);
    const modules = join(project.dir, 'node_modules');
    await rename(modules, `${modules}.away`);
    try {
      return await project.run(node, [alone]);
    } finally {
      await rename(`${modules}.away`, modules);
    }
  }

  test('bundled by esbuild, it runs every kind of worker with nothing beside it', async () => {
    const bundle = await esbuildBundle('app.ts', 'out/esbuild.mjs');
    const { stdout } = await runAlone(bundle, 'esbuild.mjs');
    assert.deepEqual(JSON.parse(stdout), EXPECTED);
  });

  test('bundled by rollup, it runs every kind of worker with nothing beside it', async () => {
    await project.run(esbuild(), ['app.ts', '--format=esm', '--outfile=app.js']);
    const rollup = join(project.dir, 'node_modules', 'rollup', 'dist', 'bin', 'rollup');
    await project.run(process.execPath, [rollup, '-c', 'rollup.config.mjs', '--silent']);
    const { stdout } = await runAlone(join(project.dir, 'out', 'rollup.mjs'), 'rollup.mjs');
    assert.deepEqual(JSON.parse(stdout), EXPECTED);
  });

  test('bundled by webpack (one ES module), it builds with no error or warning and runs every kind of worker with nothing beside it', async () => {
    await project.run(esbuild(), ['app.ts', '--format=esm', '--outfile=app.js']);
    const { stdout: report } = await project.run(process.execPath, ['webpack.build.mjs']);
    assert.deepEqual(JSON.parse(report), { errors: [], warnings: [] });
    const { stdout } = await runAlone(join(project.dir, 'out', 'webpack.mjs'), 'webpack.mjs');
    assert.deepEqual(JSON.parse(stdout), EXPECTED);
  });

  test('bundled by webpack with its own import.meta.url (the build-time path), a pool run elsewhere throws UnsupportedRuntimeError naming the missing file and the option', async () => {
    await project.run(esbuild(), ['app.ts', '--format=esm', '--outfile=app.js']);
    await project.run(process.execPath, ['webpack.build.mjs', 'import-meta']);
    const failure = await runAlone(
      join(project.dir, 'out', 'webpack.meta.mjs'),
      'webpack.meta.mjs',
    ).then(
      () => assert.fail('the bundle ran'),
      (error: Error) => error.message,
    );
    assert.match(
      failure,
      /UnsupportedRuntimeError: starting worker threads from this program is not available .*: their entry file file:\/\/\/.*\/node_modules\/concur-ts\/dist\/internal\/worker\/threadMain\.js, .* does not exist/,
    );
    assert.match(failure, /importMeta: false/);
  });

  test('minified by webpack, a task whose function lost its name is refused at its definition, with how to keep names', async () => {
    await project.run(esbuild(), ['app.ts', '--format=esm', '--outfile=app.js']);
    const { stdout: report } = await project.run(process.execPath, ['webpack.build.mjs', 'minify']);
    assert.deepEqual(JSON.parse(report), { errors: [], warnings: [] });
    const failure = await runAlone(
      join(project.dir, 'out', 'webpack.min.mjs'),
      'webpack.min.mjs',
    ).then(
      () => assert.fail('the minified bundle ran'),
      (error: Error) => error.message,
    );
    assert.match(failure, /defineTask needs a named task/);
    assert.match(
      failure,
      /a minifier removed it: keep names \(esbuild --keep-names, terser keep_fnames\)/,
    );
  });

  test('bundled as CommonJS (esbuild’s default format), it loads, and each call that starts workers throws UnsupportedRuntimeError saying to bundle as an ES module', async () => {
    await project.run(esbuild(), [
      'commonjs.ts',
      '--bundle',
      '--platform=node',
      '--outfile=out/commonjs.cjs',
      '--log-level=error',
    ]);
    const { stdout } = await runAlone(join(project.dir, 'out', 'commonjs.cjs'), 'commonjs.cjs');
    const out = JSON.parse(stdout) as Record<string, string>;
    assert.match(
      out['defineTask']!,
      /^TypeError ERR_INVALID_ARG_TYPE: defineTask needs the module's URL .* got undefined \(import\.meta\.url is empty in a program bundled as CommonJS: bundle it as an ES module/,
    );
    for (const [call, what] of [
      ['threadPool', 'worker threads'],
      ['processPool', 'worker processes'],
      ['thread', 'worker threads'],
      ['process', 'worker processes'],
    ] as const) {
      assert.match(
        out[call]!,
        new RegExp(
          `^UnsupportedRuntimeError ERR_CONCUR_UNSUPPORTED_RUNTIME: starting ${what} from a CommonJS bundle .*Bundle the program as an ES module \\(esbuild --format=esm`,
        ),
        call,
      );
    }
  });

  test('bundled with bullmq and ioredis inside, a DistributedExecutor does not ask for them to be installed', async () => {
    const bundle = await esbuildBundle('distributed.ts', 'out/distributed.mjs');
    const { stdout } = await runAlone(bundle, 'distributed.mjs');
    assert.equal(stdout.trim(), 'constructed');
  });

  test('a bundle that starts workers without the main guard is refused with a BootstrapError naming the guard', async () => {
    const bundle = await esbuildBundle('unguarded.ts', 'out/unguarded.mjs');
    const failure = await runAlone(bundle, 'unguarded.mjs').then(
      () => assert.fail('the unguarded bundle ran'),
      (error: Error) => error.message,
    );
    assert.match(failure, /BrokenExecutor: A worker refused to start/);
    assert.match(failure, /BootstrapError/);
    assert.match(failure, /the bundle it runs/);
    assert.match(failure, /if \(!isWorker\(\)\)/);
  });

  for (const major of [22, 24]) {
    test(
      `built into a Node ${major} single executable application, it runs every kind of worker`,
      {
        skip: `Node ${major} builds single executables from a CommonJS main only, and ${packageName} is ES modules (an ES module main came in Node 25)`,
      },
      () => {},
    );
  }

  test(
    'built into a Node 26 single executable application, it runs every kind of worker',
    { skip: 'missing' in node26 ? node26.missing : undefined },
    async () => {
      assert.ok('node' in node26);
      const bundle = await esbuildBundle('app.ts', 'out/sea.mjs');
      await project.write({
        'sea.json': JSON.stringify({
          main: bundle,
          output: join(project.dir, 'out', 'app'),
          mainFormat: 'module',
          disableExperimentalSEAWarning: true,
        }),
      });
      await project.run(node26.node, ['--build-sea', 'sea.json']);
      const alone = join(bare, 'app');
      await copyFile(join(project.dir, 'out', 'app'), alone);
      const { stdout } = await project.run(alone, []);
      assert.deepEqual(JSON.parse(stdout), EXPECTED);
    },
  );
});
