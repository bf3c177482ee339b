/**
 * The optional peers of `concur/distributed` — `bullmq` and `ioredis` — loaded only when a
 * distributed executor or worker is made, and the Redis connection settings they share.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

import type * as BullMQ from 'bullmq';
import type { Redis as IORedis, RedisOptions } from 'ioredis';

import { MissingDependencyError } from '../errors.js';
import { argRangeError, argTypeError, show } from './validate.js';

/** How to reach Redis: fields of an ioredis connection that concur passes through. */
export interface RedisConnectionOptions {
  /** Host name (default `127.0.0.1`). */
  host?: string;
  /** TCP port (default 6379). */
  port?: number;
  /** A unix socket path instead of host and port. */
  path?: string;
  /** ACL user name. */
  username?: string;
  /** Password (`requirepass` or the ACL user's). */
  password?: string;
  /** Database number (default 0). */
  db?: number;
  /** TLS options (`true` for the defaults); as `rediss://` in a URL. */
  tls?: TlsOptions | boolean;
}

/**
 * A Redis connection: a URL — `redis://[user:password@]host[:port][/db]`, `rediss://…`
 * (TLS), `unix:///path/to/redis.sock[?password=…&db=…]` — or the options.
 */
export type RedisConnection = string | RedisConnectionOptions;

/** The loaded peers. */
export interface Peers {
  readonly bullmq: typeof BullMQ;
  readonly Redis: new (options: RedisOptions) => IORedis;
}

const require = createRequire(import.meta.url);

/**
 * Throws `MissingDependencyError` (synchronously, at the constructor) when `bullmq` or
 * `ioredis` cannot be resolved.
 */
export function checkPeersInstalled(what: string): void {
  for (const name of ['bullmq', 'ioredis']) {
    try {
      require.resolve(name);
    } catch (error) {
      throw new MissingDependencyError(
        `${what} needs the optional peer dependencies bullmq and ioredis, and ${name} is not installed: npm install bullmq ioredis`,
        { cause: error },
      );
    }
  }
}

let loading: Promise<Peers> | null = null;

/** Imports the peers once. */
export function loadPeers(): Promise<Peers> {
  loading ??= (async () => {
    const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
    const Redis = (ioredis.Redis ?? ioredis.default) as unknown as Peers['Redis'];
    return { bullmq, Redis };
  })();
  return loading;
}

/** Checks `connection` and turns it into ioredis options (at the call: misuse throws). */
export function connectionOptions(connection: unknown): RedisOptions {
  if (typeof connection === 'string') return parseUrl(connection);
  if (typeof connection !== 'object' || connection === null) {
    throw argTypeError(
      `connection must be a Redis URL (redis://host:port, rediss://…, unix:///path/redis.sock) or connection options, got ${show(connection)}`,
    );
  }
  const c = connection as RedisConnectionOptions;
  const options: RedisOptions = {};
  for (const key of ['host', 'path', 'username', 'password'] as const) {
    const value = c[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw argTypeError(`connection.${key} must be a string, got ${show(value)}`);
    }
    options[key] = value;
  }
  for (const key of ['port', 'db'] as const) {
    const value = c[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw argRangeError(`connection.${key} must be an integer >= 0, got ${show(value)}`);
    }
    options[key] = value;
  }
  if (c.tls !== undefined && c.tls !== false) {
    if (c.tls !== true && (typeof c.tls !== 'object' || c.tls === null)) {
      throw argTypeError(`connection.tls must be true or TLS options, got ${show(c.tls)}`);
    }
    options.tls = c.tls === true ? {} : c.tls;
  }
  return options;
}

function parseUrl(text: string): RedisOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw argTypeError(
      `connection ${show(text)} is not a URL; use redis://host:port, rediss://host:port or unix:///path/redis.sock (${String(error)})`,
    );
  }
  const options: RedisOptions = {};
  const password = url.searchParams.get('password') ?? decodeURIComponent(url.password);
  const username = decodeURIComponent(url.username);
  if (password !== '') options.password = password;
  if (username !== '') options.username = username;
  let db = url.searchParams.get('db');
  if (url.protocol === 'unix:' || url.protocol === 'redis+unix:') {
    options.path = decodeURIComponent(url.pathname);
  } else if (url.protocol === 'redis:' || url.protocol === 'rediss:') {
    options.host = url.hostname === '' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
    options.port = url.port === '' ? 6379 : Number(url.port);
    if (url.pathname.length > 1) db = url.pathname.slice(1);
    if (url.protocol === 'rediss:') options.tls = {};
  } else {
    throw argTypeError(
      `connection ${show(text)} has an unknown scheme ${show(url.protocol)}; use redis:, rediss: or unix:`,
    );
  }
  if (db !== null) {
    if (!/^\d+$/.test(db)) throw argRangeError(`the database in ${show(text)} must be a number`);
    options.db = Number(db);
  }
  return options;
}

/**
 * A new ioredis client for BullMQ: commands wait through a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ requires for workers), and connection
 * errors are recorded through `onError` rather than printed.
 */
export function makeClient(
  peers: Peers,
  options: RedisOptions,
  name: string,
  onError: (error: unknown) => void,
): IORedis {
  const client = new peers.Redis({
    ...options,
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
  });
  client.on('error', onError);
  return client;
}

/** A queue name BullMQ accepts (no `:`), checked at the call. */
export function checkQueueName(queue: unknown): string {
  if (typeof queue !== 'string' || queue === '' || queue.includes(':')) {
    throw argTypeError(`queue must be a non-empty name without ':', got ${show(queue)}`);
  }
  return queue;
}

/** The key prefix (default `concur`), checked at the call. */
export function checkPrefix(prefix: unknown): string {
  if (prefix === undefined) return 'concur';
  if (typeof prefix !== 'string' || prefix === '') {
    throw argTypeError(`prefix must be a non-empty string, got ${show(prefix)}`);
  }
  return prefix;
}

/** The pub/sub channel on which executors ask workers to abort a running task. */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:concur-cancel`;
}

/** BullMQ's reason for a job whose worker was lost more often than allowed. */
export const STALLED_REASON = 'job stalled more than allowable limit';
