/**
 * The shipped declarations type-check in a user's project with `strict` and
 * `skipLibCheck: false`, against every @types/node a user may have: 20, 22, 24 and the
 * latest (this repository's devDependencies hold each under an npm alias).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { consumerProject, packageName, root, type ConsumerProject } from './consumer.js';

const exec = promisify(execFile);

/** The @types/node versions, by the devDependency that holds each. */
const TYPES = {
  '20': '@types/node',
  '22': '@types/node22',
  '24': '@types/node24',
  latest: '@types/node-latest',
} as const;

// Every subpath, and the types a user writes with them.
const main = `
import * as root from '${packageName}';
import { run, createTask, TaskGroup, Queue, timeout } from '${packageName}/asyncio';
import { Future, ThreadPoolExecutor, ProcessPoolExecutor, transfer, wait } from '${packageName}/futures';
import { Thread, Value, Lock } from '${packageName}/threading';
import { Process, Manager, Pool } from '${packageName}/multiprocessing';
import { DistributedExecutor } from '${packageName}/distributed';
import { VirtualClock } from '${packageName}/testing';

export const square = root.defineTask(import.meta.url, function square(n: number): number {
  return n * n;
});

export const moved = root.defineTask(import.meta.url, function moved(size: number) {
  const bytes = new Uint8Array(size);
  return transfer(bytes, [bytes.buffer]);
});

export async function main(): Promise<number> {
  await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
  const f: Future<number> = pool.submit(square, 3);
  const bytes: Uint8Array = await pool.submit(moved, 4);
  const { done } = await wait([f]);
  const queue = new Queue<number>();
  await run(async () => {
    await TaskGroup.run(async (tg) => {
      tg.createTask(() => queue.put(1));
    });
    await timeout(10, async () => createTask(async () => queue.get()));
  });
  const cell = new Value('int32', 0);
  const lock = new Lock();
  const thread = new Thread({ target: square, args: [2] });
  void [ProcessPoolExecutor, Process, Manager, Pool, DistributedExecutor, VirtualClock, cell, lock, thread];
  return done.size + bytes.length + (await f);
}
`;

const tsconfigs = {
  // What a Node project written for NodeNext sets.
  nodenext: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'ESNext.Disposable'],
    types: ['node'],
  },
  // A bundler's project, with every strictness flag this package uses itself and the DOM.
  bundler: {
    target: 'ESNext',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ESNext', 'DOM'],
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
  },
};

describe('the shipped type declarations', () => {
  let project: ConsumerProject;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

  before(async () => {
    // The distributed subpath's declarations name its peers' types.
    project = await consumerProject(['bullmq', 'ioredis']);
    await project.write({ 'main.ts': main });
    for (const [name, options] of Object.entries(tsconfigs)) {
      await project.write({
        [`tsconfig.${name}.json`]: JSON.stringify({
          compilerOptions: { ...options, strict: true, skipLibCheck: false, noEmit: true },
          files: ['main.ts'],
        }),
      });
    }
  });

  after(async () => {
    await project?.remove();
  });

  for (const [version, alias] of Object.entries(TYPES)) {
    test(`compile with strict and skipLibCheck off against @types/node ${version}`, async () => {
      const link = join(project.dir, 'node_modules', '@types', 'node');
      await mkdir(join(project.dir, 'node_modules', '@types'), { recursive: true });
      await rm(link, { recursive: true, force: true });
      await symlink(join(root, 'node_modules', alias), link, 'dir');
      const installed = JSON.parse(await readFile(join(link, 'package.json'), 'utf8')) as {
        version: string;
      };
      if (version !== 'latest') assert.equal(installed.version.split('.')[0], version);
      for (const name of Object.keys(tsconfigs)) {
        const result = await exec(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], {
          cwd: project.dir,
        }).then(
          () => '',
          (error: { stdout?: string; message: string }) => error.stdout || error.message,
        );
        assert.equal(result, '', `tsconfig.${name}.json, @types/node ${installed.version}`);
      }
    });
  }
});
