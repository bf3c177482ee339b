/**
 * A task defined in the program's entry file: every worker imports that file to find the
 * task, so top-level work that starts workers would start them again in each worker,
 * without end. concur refuses it with a BootstrapError (Python's bootstrapping
 * RuntimeError), and `isWorker()` is the guard. Each case runs a real entry script in a
 * child `node` and counts how many times the script was imported.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(root, 'build', 'bootstrap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let scripts = 0;

/**
 * Runs `body` as the entry file `main.mjs` (after a prelude that defines `square` and logs
 * each import of the file); its output and how many times the file was imported (the main
 * program plus every worker that imported it).
 */
async function runEntry(
  body: string,
): Promise<{ stdout: string; stderr: string; imports: number; code: number }> {
  const n = scripts++;
  const file = join(dir, `main${n}.mjs`);
  const log = join(dir, `imports${n}.log`);
  writeFileSync(log, '');
  writeFileSync(
    file,
    `import { appendFileSync } from 'node:fs';
import * as concur from 'concur-ts';
import { Pool, Process } from 'concur-ts/multiprocessing';
import { Thread } from 'concur-ts/threading';
const { BootstrapError, ProcessPoolExecutor, ThreadPoolExecutor, defineTask, isWorker } = concur;
appendFileSync(${JSON.stringify(log)}, 'imported\\n');
export const square = defineTask(import.meta.url, function square(n) { return n * n; });
const report = (error) => console.log(JSON.stringify({ bootstrap: error instanceof BootstrapError, name: error.name, code: error.code, message: error.message }));
${body}
`,
  );
  // A hang guard: the endless case never ends on its own.
  const result = await run(process.execPath, [file], { cwd: root, timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error: { stdout: string; stderr: string; code: number | null; killed?: boolean }) => {
      if (error.killed === true) {
        throw new Error(`the script did not end; it was imported ${imports(log)} times`);
      }
      return { stdout: error.stdout, stderr: error.stderr, code: error.code ?? -1 };
    },
  );
  return { ...result, imports: imports(log) };
}

function imports(log: string): number {
  return readFileSync(log, 'utf8').split('\n').length - 1;
}

function reported(stdout: string): {
  bootstrap: boolean;
  name: string;
  code: string;
  message: string;
} {
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  assert.ok(line !== undefined, `no error was reported; stdout: ${stdout}`);
  return JSON.parse(line);
}

describe('a task module that starts workers at import (no main guard)', () => {
  test('a ThreadPoolExecutor created at the top level of the entry file fails the first future with BootstrapError naming isMainThread, and no nested worker starts', async () => {
    const { stdout, imports } = await runEntry(`
const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
try { console.log('result', await pool.submit(square, 3)); } catch (error) { report(error); }
finally { await pool.shutdown(); }`);
    const error = reported(stdout);
    assert.equal(error.bootstrap, true);
    assert.equal(error.name, 'BootstrapError');
    assert.equal(error.code, 'ERR_CONCUR_BOOTSTRAP');
    assert.match(error.message, /a ThreadPoolExecutor was created in a worker thread/);
    assert.match(error.message, /isMainThread/);
    assert.match(error.message, /main\d+\.mjs/);
    assert.equal(imports, 2); // the program, and the one worker that refused
  });

  test('a ProcessPoolExecutor created at the top level fails the first future with BootstrapError naming isWorker, and no nested process starts', async () => {
    const { stdout, imports } = await runEntry(`
const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
try { console.log('result', await pool.submit(square, 3)); } catch (error) { report(error); }
finally { await pool.shutdown(); }`);
    const error = reported(stdout);
    assert.equal(error.bootstrap, true);
    assert.equal(error.code, 'ERR_CONCUR_BOOTSTRAP');
    assert.match(error.message, /a ProcessPoolExecutor was created in a worker process/);
    assert.match(error.message, /isWorker/);
    assert.equal(imports, 2);
  });

  test('a multiprocessing Pool created at the top level fails its first call with BootstrapError', async () => {
    const { stdout, imports } = await runEntry(`
const pool = new Pool({ processes: 1 });
try { console.log('result', await pool.apply(square, [3])); } catch (error) { report(error); }
finally { pool.close(); await pool.join(); }`);
    const error = reported(stdout);
    assert.equal(error.bootstrap, true);
    assert.equal(error.code, 'ERR_CONCUR_BOOTSTRAP');
    assert.match(error.message, /created in a worker process/);
    assert.equal(imports, 2);
  });

  test('a pool made in an async main() the module calls without awaiting is refused too', async () => {
    const { stdout, imports } = await runEntry(`
async function main() {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  try { console.log('result', await pool.submit(square, 3)); } catch (error) { report(error); }
  finally { await pool.shutdown(); }
}
void main();`);
    assert.equal(reported(stdout).code, 'ERR_CONCUR_BOOTSTRAP');
    assert.equal(imports, 2);
  });

  test('a multiprocessing Process started at the top level ends with exit code 1 and the BootstrapError on its stderr', async () => {
    const { stdout, stderr, imports } = await runEntry(`
const p = new Process({ target: square, args: [3] });
p.start();
await p.join();
console.log('exitcode', p.exitcode);`);
    assert.match(stdout, /exitcode 1/);
    assert.match(stderr, /a Process was created in a worker process/);
    assert.match(stderr, /isWorker/);
    assert.equal(imports, 2);
  });

  test('a Thread started at the top level reports the BootstrapError through the thread excepthook', async () => {
    const { stderr, imports } = await runEntry(`
const t = new Thread({ target: square, args: [3] });
t.start();
await t.join();`);
    assert.match(stderr, /BootstrapError/);
    assert.match(stderr, /a Thread was created in a worker thread/);
    assert.equal(imports, 2);
  });

  test('with the isWorker() guard the same file runs its tasks on threads and processes', async () => {
    const { stdout, imports } = await runEntry(`
if (!isWorker()) {
  const threads = new ThreadPoolExecutor({ maxWorkers: 1 });
  const processes = new ProcessPoolExecutor({ maxWorkers: 1 });
  console.log('results', await threads.submit(square, 3), await processes.submit(square, 4));
  await threads.shutdown();
  await processes.shutdown();
}`);
    assert.match(stdout, /results 9 16/);
    assert.equal(imports, 3);
  });
});
