#!/usr/bin/env node
// Makes sure a `redis-server` binary is available for the distributed tests and benchmark.
//
// When it is missing and this runs as root on Debian/Ubuntu (a fresh machine, a container,
// CI), it says so and installs Debian's `redis-server` package with apt-get (running
// `apt-get update` first if the plain install fails), then stops the service the package may
// have started: the tests start their own private server on a unix socket and never touch
// any other Redis. CONCUR_INSTALL_REDIS=0 refuses the install. Otherwise — not root, no
// apt-get, or refused — it says how to install it and exits 1: a developer's own machine
// gets no system package behind its back.
//
// Usage: node scripts/ensure-redis.mjs   (prints the binary's path on success)
// As a module: `import { ensureRedis } from './ensure-redis.mjs'` → the path, or throws.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CANDIDATES = [
  '/usr/bin/redis-server',
  '/usr/local/bin/redis-server',
  '/usr/sbin/redis-server',
];

/** The path of `redis-server`, or null. */
export function findRedisServer() {
  const fromEnv = process.env.CONCUR_REDIS_SERVER;
  if (fromEnv !== undefined && fromEnv !== '' && existsSync(fromEnv)) return fromEnv;
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  if (found !== '') return found;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

function apt(args) {
  const result = spawnSync('apt-get', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/** False when the user refused the install with CONCUR_INSTALL_REDIS=0. */
function installAllowed() {
  return process.env.CONCUR_INSTALL_REDIS !== '0';
}

/** Returns the path of `redis-server`, installing Debian's package when allowed. */
export function ensureRedis() {
  const existing = findRedisServer();
  if (existing !== null) return existing;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!isRoot || !hasApt || !installAllowed()) {
    throw new Error(
      'redis-server is not installed: the distributed tests need it.\n' +
        'Install it (e.g. `sudo apt-get install -y redis-server`, or `brew install redis`),\n' +
        'or point CONCUR_REDIS_SERVER at a redis-server binary, then run the tests again.' +
        (isRoot && hasApt
          ? "\nOr let the tests install Debian's package: unset CONCUR_INSTALL_REDIS (it is 0)"
          : ''),
    );
  }
  console.error(
    "ensure-redis: redis-server is missing; installing Debian's package with apt-get (CONCUR_INSTALL_REDIS=0 refuses) …",
  );
  const install = ['install', '-y', '--no-install-recommends', 'redis-server'];
  if (!apt(install) && !(apt(['update']) && apt(install))) {
    throw new Error(
      'ensure-redis: `apt-get install -y redis-server` failed (see the output above)',
    );
  }
  // The package may start a system service on 6379; the tests never use it.
  spawnSync('sh', ['-c', 'service redis-server stop >/dev/null 2>&1 || true']);
  const installed = findRedisServer();
  if (installed === null)
    throw new Error('ensure-redis: redis-server is still missing after apt-get');
  return installed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(ensureRedis());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
