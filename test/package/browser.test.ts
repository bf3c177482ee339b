/**
 * In a browser: `concur-ts/asyncio` and `concur-ts/futures`'s `Future`, `wait` and
 * `asCompleted`, bundled by esbuild for the browser from the packed package (its `browser`
 * condition), run in headless Chromium; the program prints what it saw into the page.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { consumerProject, packageName, root, type ConsumerProject } from './consumer.js';

/** Chromium on PATH, or null. */
function findChromium(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

const chromium = findChromium();

const app = `
import { UnsupportedRuntimeError, isWorker } from '${packageName}';
import { Event, Lock, Queue, TaskGroup, createTask, currentTask, gather, run, sleep, timeout, toThread } from '${packageName}/asyncio';
import { FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, asCompleted, wait } from '${packageName}/futures';

const out: Record<string, unknown> = {};

async function timedOut(block: () => PromiseLike<unknown>): Promise<string> {
  try {
    await timeout(20, block);
    return 'no';
  } catch (error) {
    return (error as Error).name;
  }
}

function unsupported(make: () => unknown): string {
  try {
    make();
    return 'constructed';
  } catch (error) {
    return error instanceof UnsupportedRuntimeError ? \`\${error.code} \${error.runtime}\` : String(error);
  }
}

await run(async () => {
  out['inTask'] = currentTask() !== null;
  const queue = new Queue<number>({ maxsize: 1 });
  const lock = new Lock();
  const ready = new Event();
  let sum = 0;
  await TaskGroup.run(async (tg) => {
    tg.createTask(async () => {
      await ready.wait();
      for (let i = 1; i <= 4; i++) await queue.put(i);
    });
    tg.createTask(async () => {
      ready.set();
      for (let i = 0; i < 4; i++) {
        const n = await queue.get();
        await lock.acquire();
        sum += n;
        lock.release();
      }
    });
  });
  out['taskGroup'] = sum;
  out['gather'] = await gather([createTask(async () => (await sleep(5), 'a')), sleep(1, 'b'), sleep(0, 'c')]);
  out['timeout'] = [await timedOut(() => sleep(60_000)), await timedOut(async () => await sleep(200))];
});

const first = new Future<string>();
const never = new Future<string>();
setTimeout(() => first.setResult('first'), 5);
const { done, notDone } = await wait([first, never], { returnWhen: FIRST_COMPLETED });
out['wait'] = [[...done].map((f) => f.result()), notDone.size];
never.cancel();

const slow = new Future<number>();
const fast = new Future<number>();
setTimeout(() => slow.setResult(2), 20);
setTimeout(() => fast.setResult(1), 1);
const order: number[] = [];
for await (const f of asCompleted([slow, fast])) order.push(await f);
out['asCompleted'] = order;

out['isWorker'] = isWorker();
out['threadPool'] = unsupported(() => new ThreadPoolExecutor());
out['processPool'] = unsupported(() => new ProcessPoolExecutor());
out['toThread'] = unsupported(() => toThread(() => 1));
document.getElementById('out')!.textContent = JSON.stringify(out);
`;

const EXPECTED = {
  inTask: true,
  taskGroup: 10,
  gather: ['a', 'b', 'c'],
  timeout: ['TimeoutError', 'TimeoutError'],
  wait: [['first'], 1],
  asCompleted: [1, 2],
  isWorker: false,
  threadPool: 'ERR_CONCUR_UNSUPPORTED_RUNTIME a browser',
  processPool: 'ERR_CONCUR_UNSUPPORTED_RUNTIME a browser',
  toThread: 'ERR_CONCUR_UNSUPPORTED_RUNTIME a browser',
};

describe('in a browser', () => {
  let project: ConsumerProject;

  before(async () => {
    project = await consumerProject(['esbuild', '@esbuild']);
    await project.write({ 'app.ts': app });
  });

  after(async () => {
    await project?.remove();
  });

  test('each browser entry exports the same names as its Node entry', async () => {
    for (const [subpath, file] of [
      ['', 'index'],
      ['/asyncio', 'asyncio/index'],
      ['/futures', 'futures/index'],
    ] as const) {
      const node = Object.keys(await import(`${packageName}${subpath}`)).sort();
      const browser = Object.keys(
        await import(pathToFileURL(join(root, 'dist', `${file}.browser.js`)).href),
      ).sort();
      assert.deepEqual(browser, node, `${packageName}${subpath}`);
    }
  });

  test(
    'asyncio, Future, wait and asCompleted bundle with esbuild --platform=browser and run in headless Chromium',
    { skip: chromium === null ? 'chromium is not installed (.ci/run installs it)' : false },
    async () => {
      // Bundling fails if anything the program reaches imports a node: module.
      await project.run(join(project.dir, 'node_modules', 'esbuild', 'bin', 'esbuild'), [
        'app.ts',
        '--bundle',
        '--platform=browser',
        '--format=esm',
        '--outfile=app.js',
      ]);
      const bundle = await readFile(join(project.dir, 'app.js'), 'utf8');
      assert.doesNotMatch(bundle, /from ["']node:/);
      // Inline: Chromium loads no module script from a file: URL.
      const page = join(project.dir, 'index.html');
      await writeFile(
        page,
        `<!doctype html><pre id="out">pending</pre>` +
          `<script>addEventListener('unhandledrejection', (e) => { document.getElementById('out').textContent = 'failed: ' + (e.reason?.stack ?? e.reason); });</script>` +
          `<script type="module">${bundle.replace(/<\/script/gi, '<\\/script')}</script>`,
      );
      // Virtual time runs the page's timers at once; a program that hung stays 'pending'.
      const { stdout } = await promisify(execFile)(
        chromium!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${join(project.dir, 'chromium-profile')}`,
          '--virtual-time-budget=30000',
          '--dump-dom',
          pathToFileURL(page).href,
        ],
        { timeout: 90_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      );
      const shown = /<pre id="out">([^<]*)<\/pre>/.exec(stdout)?.[1] ?? stdout;
      assert.deepEqual(JSON.parse(shown.replace(/&quot;/g, '"').replace(/&amp;/g, '&')), EXPECTED);
    },
  );
});
