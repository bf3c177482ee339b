/**
 * A `.ts` task module loads in thread and process workers however a user runs the
 * program: under tsx, tsx's own command, Node's type stripping, Node's test runner and
 * vitest, on every Node from 20 to 26. Each case is a fresh project with the packed package
 * installed (consumer.ts); nothing in it tells concur how to load TypeScript.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { consumerProject, nodeRuntime, packageName, type ConsumerProject } from './consumer.js';

const MAJORS = [20, 22, 24, 26] as const;
const runtimes = new Map(
  await Promise.all(MAJORS.map(async (m) => [m, await nodeRuntime(m)] as const)),
);

function missingReason(major: number): string | undefined {
  const runtime = runtimes.get(major as (typeof MAJORS)[number])!;
  return 'missing' in runtime ? runtime.missing : undefined;
}

/** Node from 22.18 strips types by default; 20 cannot at all. */
const NO_STRIPPING = 'Node 20 cannot strip types (type stripping came in Node 22)';

/**
 * A task module and a program using every model, importing their neighbours with `ext`
 * (`.ts` as Node wants, or nothing as vite and tsx allow).
 */
function sources(ext: string): Record<string, string> {
  return {
    'tasks.ts': `
import { defineTask } from '${packageName}';
import { digest } from './digest${ext}';

export const hash = defineTask(import.meta.url, function hash(text: string): number {
  return digest(text).value;
});

export const store = defineTask(import.meta.url, function store(cells: Int32Array, value: number): void {
  Atomics.store(cells, 0, value);
});
`,
    // Every way a task reaches a worker: a thread pool, a process pool, toThread, a Thread.
    'models.ts': `
import { toThread } from '${packageName}/asyncio';
import { ProcessPoolExecutor, ThreadPoolExecutor } from '${packageName}/futures';
import { Thread } from '${packageName}/threading';
import { hash, store } from './tasks${ext}';

export async function everyModel(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [kind, Pool] of [['threadPool', ThreadPoolExecutor], ['processPool', ProcessPoolExecutor]] as const) {
    const pool = new Pool({ maxWorkers: 1 });
    try {
      out[kind] = await pool.submit(hash, 'abc');
    } catch (error) {
      out[kind] = String(error);
    } finally {
      await pool.shutdown();
    }
  }
  try {
    out['toThread'] = await toThread(hash, 'abc');
  } catch (error) {
    out['toThread'] = String(error);
  }
  const cells = new Int32Array(new SharedArrayBuffer(4));
  const thread = new Thread({ target: store, args: [cells, 7] });
  thread.start();
  await thread.join();
  out['thread'] = Atomics.load(cells, 0);
  return out;
}
`,
  };
}

const files: Record<string, string> = {
  'digest.ts': `
export interface Digest { text: string; value: number }

export function digest(text: string): Digest {
  let value: number = 0;
  for (const c of text) value = (value * 31 + c.charCodeAt(0)) | 0;
  return { text, value };
}
`,
  ...sources('.ts'),
  // As vitest users write it: extensionless imports, which vite and tsx resolve and Node
  // does not.
  ...Object.fromEntries(
    Object.entries(sources('')).map(([path, text]) => [
      `loose/${path}`,
      text.replace("'./digest'", "'../digest'"),
    ]),
  ),
  'main.ts': `
import { everyModel } from './models.ts';
console.log(JSON.stringify(await everyModel()));
`,
  'models.node.test.ts': `
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { everyModel } from './models.ts';
test('every model runs the .ts task', async () => {
  assert.deepEqual(await everyModel(), EXPECTED);
});
`,
  'models.vitest.test.ts': `
import { expect, test } from 'vitest';
import { everyModel } from './loose/models';
test('every model runs the .ts task', async () => {
  expect(await everyModel()).toEqual(EXPECTED);
});
`,
};

const EXPECTED = { threadPool: 96354, processPool: 96354, toThread: 96354, thread: 7 };

describe('a TypeScript task module in the workers of a program run', () => {
  let project: ConsumerProject;

  before(async () => {
    project = await consumerProject(['tsx', 'vitest']);
    const expected = JSON.stringify(EXPECTED);
    await project.write(
      Object.fromEntries(
        Object.entries(files).map(([path, text]) => [path, text.replace('EXPECTED', expected)]),
      ),
    );
  });

  after(async () => {
    await project?.remove();
  });

  async function main(node: string, args: string[]): Promise<unknown> {
    const { stdout } = await project.run(node, args);
    return JSON.parse(stdout.trim().split('\n').pop()!);
  }

  for (const major of MAJORS) {
    const runtime = runtimes.get(major)!;
    const missing = missingReason(major);
    const node = 'node' in runtime ? runtime.node : '';

    test(`under tsx (node --import tsx main.ts) on Node ${major}`, { skip: missing }, async () => {
      assert.deepEqual(await main(node, ['--import', 'tsx', 'main.ts']), EXPECTED);
    });

    test(`under tsx's own command (tsx main.ts) on Node ${major}`, { skip: missing }, async () => {
      const cli = join(project.dir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      assert.deepEqual(await main(node, [cli, 'main.ts']), EXPECTED);
    });

    test(
      `under Node's type stripping (node main.ts) on Node ${major}`,
      { skip: missing ?? (major === 20 ? NO_STRIPPING : undefined) },
      async () => {
        // (Node 22 strips by default from 22.18; the flag keeps older 22s working too.)
        const flags = major === 22 ? ['--experimental-strip-types', '--no-warnings'] : [];
        assert.deepEqual(await main(node, [...flags, 'main.ts']), EXPECTED);
      },
    );

    test(`in a test under Node's test runner on Node ${major}`, { skip: missing }, async () => {
      // Node 20 has no type stripping, so its users run the runner under tsx.
      const loader = major === 20 ? ['--import', 'tsx'] : [];
      const { stdout } = await project.run(node, [...loader, '--test', 'models.node.test.ts']);
      assert.match(stdout, /# pass 1|ℹ pass 1/);
      assert.match(stdout, /# fail 0|ℹ fail 0/);
    });

    for (const pool of ['threads', 'forks']) {
      test(`in a vitest test (its ${pool} pool) on Node ${major}`, { skip: missing }, async () => {
        const vitest = join(project.dir, 'node_modules', 'vitest', 'vitest.mjs');
        const { stdout } = await project.run(
          node,
          [vitest, 'run', `--pool=${pool}`, '--reporter=verbose', 'models.vitest.test.ts'],
          { NO_COLOR: '1' },
        );
        assert.match(stdout, /✓ .*every model runs the \.ts task/);
        assert.match(stdout, /Tests\s+1 passed/);
      });
    }
  }

  test(
    'a worker that cannot load a .ts task module names what the parent runs under and the fix',
    { skip: missingReason(20) },
    async () => {
      const runtime = runtimes.get(20)!;
      assert.ok('node' in runtime);
      // Hooks registered at run time load main.ts here, but do not reach workers.
      await project.write({
        'register.mjs': `import { register } from 'tsx/esm/api';\nregister();\nawait import('./main.ts');\n`,
      });
      const out = (await main(runtime.node, ['register.mjs'])) as Record<string, string>;
      assert.match(out['threadPool']!, /failed to load in the worker: Unknown file extension/);
      assert.match(out['threadPool']!, /The parent runs under plain Node, .* on Node v20\./);
      assert.match(out['threadPool']!, /node --import tsx main\.ts/);
      assert.match(out['processPool']!, /The parent runs under plain Node/);
    },
  );
});

describe('a TypeScript task module in a vitest test, in a project without tsx', () => {
  let project: ConsumerProject;

  before(async () => {
    project = await consumerProject(['vitest']);
    const expected = JSON.stringify(EXPECTED);
    await project.write(
      Object.fromEntries(
        Object.entries(files).map(([path, text]) => [path, text.replace('EXPECTED', expected)]),
      ),
    );
  });

  after(async () => {
    await project?.remove();
  });

  test(
    'on Node 20, which cannot strip types, the worker names vitest and the fix',
    { skip: missingReason(20) },
    async () => {
      const runtime = runtimes.get(20)!;
      assert.ok('node' in runtime);
      const vitest = join(project.dir, 'node_modules', 'vitest', 'vitest.mjs');
      const failure = await project
        .run(runtime.node, [vitest, 'run', '--pool=threads', 'models.vitest.test.ts'], {
          NO_COLOR: '1',
        })
        .then(
          () => assert.fail('the test passed without any way to load TypeScript'),
          (error: Error) => error.message,
        );
      assert.match(failure, /The parent runs under vitest on Node v20\./);
      assert.match(failure, /Install tsx in the project/);
    },
  );

  test(
    'on Node 26, the workers strip the types themselves',
    { skip: missingReason(26) },
    async () => {
      const runtime = runtimes.get(26)!;
      assert.ok('node' in runtime);
      // (Node resolves only full file names: the vite-style imports need tsx.)
      await project.write({
        'strict.vitest.test.ts': `
import { expect, test } from 'vitest';
import { everyModel } from './models.ts';
test('every model runs the .ts task', async () => {
  expect(await everyModel()).toEqual(${JSON.stringify(EXPECTED)});
});
`,
      });
      const vitest = join(project.dir, 'node_modules', 'vitest', 'vitest.mjs');
      const { stdout } = await project.run(
        runtime.node,
        [vitest, 'run', '--pool=forks', '--reporter=verbose', 'strict.vitest.test.ts'],
        { NO_COLOR: '1' },
      );
      assert.match(stdout, /Tests\s+1 passed/);
    },
  );
});
