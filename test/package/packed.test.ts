/**
 * Installs the package the way a user gets it — `npm pack`, then `npm install` of the
 * tarball into an empty project — and imports it by its public names. This proves the
 * `files`, `exports` and shipped type declarations, not just the source tree.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the packed package', () => {
  let dir = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concur-packed-'));
    // --ignore-scripts: the tarball is packed from the already built dist/.
    await run(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root });
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack produced a tarball');
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'user-app', type: 'module' }),
    );
    await run(npm, ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], {
      cwd: dir,
    });
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

  test('internal modules are blocked for the user', async () => {
    const script = `import('concur-ts/internal/loop.js').then(() => console.log('open'), (e) => console.log(e.code));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
    });
    assert.equal(stdout.trim(), 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  test('type declarations ship with every subpath', async () => {
    const files = await readdir(join(dir, 'node_modules', 'concur-ts', 'dist', 'asyncio'));
    assert.ok(files.includes('index.d.ts'));
    for (const sub of ['futures', 'testing', 'threading']) {
      const subFiles = await readdir(join(dir, 'node_modules', 'concur-ts', 'dist', sub));
      assert.ok(subFiles.includes('index.d.ts'), `${sub} has index.d.ts`);
    }
  });
});
