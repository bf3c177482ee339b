// A private `redis-server` for tests and benchmarks: a child process listening only on a
// unix socket in a fresh temp dir (no TCP port, so it can never collide with or touch
// another Redis), stopped and its directory deleted by `stop()`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureRedis } from './ensure-redis.mjs';

/** Resolves once the socket answers PING (after AUTH when `password` is set). */
async function ping(socket, child, password, guardMs = 20_000) {
  const deadline = Date.now() + guardMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const conn = createConnection(socket);
      let answer = '';
      conn.on('connect', () =>
        conn.write(password === undefined ? 'PING\r\n' : `AUTH ${password}\r\nPING\r\n`),
      );
      conn.on('data', (chunk) => {
        answer += chunk.toString();
        if (answer.includes('PONG') || answer.startsWith('-')) {
          conn.destroy();
          resolve(answer.includes('+PONG'));
        }
      });
      conn.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('redis-server did not answer (hang guard)');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts a private redis-server. Options: `persistence` (append-only file, fsync on every
 * write, so a restart loses nothing), `password` (`requirepass`), `tls`
 * (`{ port, cert, key, ca }`: also listen with TLS on 127.0.0.1:port).
 * Returns `{ url, socket, pid(), down(), up(), restart(), stop() }`.
 */
export async function startRedis(options = {}) {
  const path = process.env.CONCUR_REDIS_SERVER || ensureRedis();
  const dir = mkdtempSync(join(tmpdir(), 'concur-redis-'));
  const socket = join(dir, 'redis.sock');
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--maxmemory-policy',
    'noeviction',
    '--loglevel',
    'warning',
    '--logfile',
    join(dir, 'redis.log'),
    ...(options.persistence === true
      ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
      : ['--appendonly', 'no', '--save', '']),
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ...(options.tls === undefined
      ? []
      : [
          '--tls-port',
          String(options.tls.port),
          '--bind',
          '127.0.0.1',
          '--tls-cert-file',
          options.tls.cert,
          '--tls-key-file',
          options.tls.key,
          '--tls-ca-cert-file',
          options.tls.ca,
          '--tls-auth-clients',
          'no',
        ]),
  ];
  const launch = async () => {
    // Unreferenced while it runs: it is stopped explicitly and must not count as a
    // handle a test left open.
    const child = spawn(path, args, { stdio: 'ignore' });
    child.unref();
    await ping(socket, child, options.password);
    return child;
  };
  const halt = async (child) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.ref(); // waiting for it keeps the caller alive
    child.kill('SIGTERM'); // Redis saves (the AOF is fsynced) and exits
    await exited;
  };
  let child = await launch();
  return {
    url: `unix://${socket}`,
    socket,
    pid: () => child.pid ?? -1,
    /** Stops the server (saving when persistence is on); `up()` starts it again. */
    async down() {
      await halt(child);
    },
    async up() {
      child = await launch();
    },
    async restart() {
      await halt(child);
      child = await launch();
    },
    async stop() {
      await halt(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
