#!/usr/bin/env node
// Runs every compiled test file under Node's built-in test runner, with the
// global leak check (build/test/setup.js) loaded into each test process.
// Arguments narrow the run: `node scripts/run-tests.mjs asyncio/lock` runs the
// test files whose path contains one of the given fragments.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testRoot = join(root, 'build', 'test');

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect(testRoot).filter(
  (f) => filters.length === 0 || filters.some((frag) => relative(testRoot, f).includes(frag)),
);
if (files.length === 0) {
  console.error(`no test files matched ${JSON.stringify(filters)} under ${testRoot}`);
  process.exit(1);
}
// The distributed tests start their own redis-server; make sure the binary exists
// (installing Debian's package when run as root, unless CONCUR_INSTALL_REDIS=0) and tell
// them where it is.
const env = { ...process.env };
if (files.some((f) => relative(testRoot, f).startsWith('distributed'))) {
  const { ensureRedis } = await import('./ensure-redis.mjs');
  try {
    env.CONCUR_REDIS_SERVER = ensureRedis();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-timeout=180000',
    '--import',
    join(testRoot, 'setup.js'),
    ...files,
  ],
  { stdio: 'inherit', cwd: root, env },
);
process.exit(result.status ?? 1);
