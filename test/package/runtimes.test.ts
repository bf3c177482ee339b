/**
 * The first TypeScript program a user writes — a `.ts` task module (`defineTask`), a task on
 * a `ThreadPoolExecutor` and on a `ProcessPoolExecutor`, an asyncio `TaskGroup` with a
 * `Queue` and a `timeout`, two `Thread`s adding to a shared `Value`, a multiprocessing
 * `Queue` and `Lock` — run from the packed package under Bun and under Deno, which run `.ts`
 * natively, in their workers too; and the same program compiled into one executable by
 * `bun build --compile`. The binaries come from `CONCUR_BUN` and `CONCUR_DENO`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { consumerProject, packageName, root, type ConsumerProject } from './consumer.js';

function binary(
  variable: string,
  name: string,
): { path: string; missing?: undefined } | { path: ''; missing: string } {
  const path = process.env[variable];
  if (path === undefined || path === '') {
    return {
      path: '',
      missing: `${variable} is not set: it names the ${name} binary this test runs`,
    };
  }
  if (!existsSync(path)) return { path: '', missing: `${variable}=${path} does not exist` };
  return { path };
}

const bun = binary('CONCUR_BUN', 'bun');
const deno = binary('CONCUR_DENO', 'deno');

const SUBPATHS = [
  '',
  '/asyncio',
  '/futures',
  '/threading',
  '/multiprocessing',
  '/distributed',
  '/testing',
  '/task',
];

/** How many names each subpath exports, here on Node. */
async function exportCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const subpath of SUBPATHS) {
    counts[subpath] = Object.keys(await import(`${packageName}${subpath}`)).length;
  }
  return counts;
}

const files: Record<string, string> = {
  'tasks.ts': `
import { defineTask } from '${packageName}';
import type { Value } from '${packageName}/threading';
import type { Lock, Queue } from '${packageName}/multiprocessing';

export interface Shape {
  side: number;
}

export const square = defineTask(import.meta.url, function square(n: number): number {
  return n * n;
});

export const addMany = defineTask(
  import.meta.url,
  function addMany(total: Value<'i'>, n: number): void {
    for (let i = 0; i < n; i++) total.getLock().useSync(() => void (total.value += 1));
  },
);

export const report = defineTask(
  import.meta.url,
  async function report(queue: Queue<string>, lock: Lock, shape: Shape): Promise<void> {
    await lock.acquire();
    try {
      await queue.put(\`area \${square(shape.side)}\`);
    } finally {
      await lock.release();
    }
  },
);
`,
  'main.ts': `
import { isWorker } from '${packageName}';
import { Queue as AsyncQueue, TaskGroup, sleep, timeout } from '${packageName}/asyncio';
import { ProcessPoolExecutor, ThreadPoolExecutor } from '${packageName}/futures';
import { Lock, Process, Queue } from '${packageName}/multiprocessing';
import { Thread, Value } from '${packageName}/threading';
import { addMany, report, square } from './tasks.ts';

if (!isWorker()) {
  const out: Record<string, unknown> = {};
  const step = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      out[name] = await fn();
    } catch (error) {
      out[name] = \`\${(error as Error).name}: \${(error as Error).message}\`;
    }
  };
  await step('threadPool', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    return await Promise.all([2, 3].map((n) => pool.submit(square, n)));
  });
  await step('processPool', async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
    return await Promise.all([4, 5].map((n) => pool.submit(square, n)));
  });
  await step('asyncio', async () => {
    const queue = new AsyncQueue<number>();
    let sum = 0;
    let timedOut = false;
    await TaskGroup.run(async (tg) => {
      tg.createTask(async () => {
        for (let i = 1; i <= 3; i++) await queue.put(i);
      });
      tg.createTask(async () => {
        for (let i = 0; i < 3; i++) sum += await queue.get();
      });
    });
    try {
      await timeout(20, async () => {
        await sleep(60_000);
      });
    } catch (error) {
      timedOut = (error as Error).name === 'TimeoutError';
    }
    return { sum, timedOut };
  });
  await step('threads', async () => {
    const total = new Value('i', 0);
    const threads = [1, 2].map(() => new Thread({ target: addMany, args: [total, 1000] }));
    for (const t of threads) t.start();
    for (const t of threads) await t.join();
    return total.value;
  });
  await step('multiprocessing', async () => {
    const queue = new Queue<string>();
    const lock = new Lock();
    const child = new Process({ target: report, args: [queue, lock, { side: 6 }] });
    child.start();
    const got = await queue.get();
    await child.join();
    return [got, child.exitcode];
  });
  console.log(JSON.stringify(out));
}
`,
  'subpaths.ts': `
const loaded: Record<string, number> = {};
for (const subpath of ${JSON.stringify(SUBPATHS)}) {
  loaded[subpath] = Object.keys(await import(\`${packageName}\${subpath}\`)).length;
}
console.log(JSON.stringify(loaded));
`,
  'broken.ts': `
import { defineTask, isWorker } from '${packageName}';
import { ThreadPoolExecutor } from '${packageName}/futures';

if (isWorker()) throw new Error('no settings in the worker');
export const one = defineTask(import.meta.url, function one(): number {
  return 1;
});

if (!isWorker()) {
  await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  try {
    await pool.submit(one);
    console.log(JSON.stringify({ failed: false }));
  } catch (error) {
    console.log(JSON.stringify({ message: (error as Error).message }));
  }
}
`,
  'limits.ts': `
import { ThreadPoolExecutor, UnsupportedRuntimeError } from '${packageName}/futures';
try {
  new ThreadPoolExecutor({ resourceLimits: { maxOldGenerationSizeMb: 64 } });
  console.log(JSON.stringify({ threw: false }));
} catch (error) {
  const e = error as UnsupportedRuntimeError;
  console.log(JSON.stringify({ unsupported: e instanceof UnsupportedRuntimeError, code: e.code, runtime: e.runtime, message: e.message }));
}
`,
};

const EXPECTED = {
  threadPool: [4, 9],
  processPool: [16, 25],
  asyncio: { sum: 6, timedOut: true },
  threads: 2000,
  multiprocessing: ['area 36', 0],
};

describe('the first TypeScript program under Bun and Deno', () => {
  let project: ConsumerProject;

  before(async () => {
    project = await consumerProject();
    await project.write(files);
    // Deno type-checks a package.json project against the @types/node in its node_modules.
    const types = join(project.dir, 'node_modules', '@types');
    await mkdir(types, { recursive: true });
    await symlink(join(root, 'node_modules', '@types', 'node-latest'), join(types, 'node'), 'dir');
  });

  after(async () => {
    await project?.remove();
  });

  async function lastJson(file: string, args: string[]): Promise<unknown> {
    const { stdout } = await project.run(file, args, { NO_COLOR: '1' });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  }

  test(
    'every subpath loads under Bun, with the names it has on Node',
    { skip: bun.missing },
    async () => {
      assert.deepEqual(await lastJson(bun.path, ['subpaths.ts']), await exportCounts());
    },
  );

  test(
    'every subpath loads under Deno, with the names it has on Node',
    { skip: deno.missing },
    async () => {
      assert.deepEqual(
        await lastJson(deno.path, ['run', '-A', 'subpaths.ts']),
        await exportCounts(),
      );
    },
  );

  test('runs every model under Bun (bun main.ts)', { skip: bun.missing }, async () => {
    assert.deepEqual(await lastJson(bun.path, ['main.ts']), EXPECTED);
  });

  test('runs every model under Deno (deno run -A main.ts)', { skip: deno.missing }, async () => {
    assert.deepEqual(await lastJson(deno.path, ['run', '-A', 'main.ts']), EXPECTED);
  });

  test(
    'compiled by bun build --compile into one executable, it runs every model with nothing beside it',
    { skip: bun.missing },
    async () => {
      await project.run(bun.path, ['build', '--compile', 'main.ts', '--outfile', 'out/app']);
      const bare = await mkdtemp(join(tmpdir(), 'concur-bare-'));
      try {
        await copyFile(join(project.dir, 'out', 'app'), join(bare, 'app'));
        assert.deepEqual(await lastJson(join(bare, 'app'), []), EXPECTED);
      } finally {
        await rm(bare, { recursive: true, force: true });
      }
    },
  );

  for (const [runtime, which, run, why] of [
    ['Bun', bun, ['limits.ts'], 'whose workers ignore them'],
    [
      'Deno',
      deno,
      ['run', '-A', 'limits.ts'],
      'which never reports a worker that runs out of memory',
    ],
  ] as const) {
    test(
      `a ThreadPoolExecutor with resourceLimits throws UnsupportedRuntimeError under ${runtime}, ${why}`,
      { skip: which.missing },
      async () => {
        const out = (await lastJson(which.path, [...run])) as Record<string, unknown>;
        assert.equal(out['unsupported'], true);
        assert.equal(out['code'], 'ERR_CONCUR_UNSUPPORTED_RUNTIME');
        assert.match(out['runtime'] as string, new RegExp(`^${runtime} \\d`));
        assert.match(
          out['message'] as string,
          new RegExp(`resourceLimits .* not available on ${runtime} .*run the program on Node`),
        );
      },
    );
  }

  for (const [runtime, which, run] of [
    ['Bun', bun, ['broken.ts']],
    ['Deno', deno, ['run', '-A', 'broken.ts']],
  ] as const) {
    test(
      `a task module that fails to load in a worker under ${runtime} says why, and names ${runtime} as what the parent runs under`,
      { skip: which.missing },
      async () => {
        const out = (await lastJson(which.path, [...run])) as { message: string };
        assert.match(
          out.message,
          new RegExp(
            `failed to load in the worker: no settings in the worker\\. The parent runs under ${runtime} \\d[^ ]*, which runs TypeScript itself`,
          ),
        );
      },
    );
  }

  test('the shipped .d.ts type-check under deno check', { skip: deno.missing }, async () => {
    const { stdout, stderr } = await project.run(deno.path, ['check', 'main.ts', 'limits.ts'], {
      NO_COLOR: '1',
    });
    assert.doesNotMatch(stdout + stderr, /error/i);
  });

  test(
    'the shipped .d.ts type-check under Bun',
    {
      skip: 'Bun has no type checker of its own (it strips types); tsc covers Bun users (types.test.ts)',
    },
    () => {},
  );
});
