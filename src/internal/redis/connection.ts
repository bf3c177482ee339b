/**
 * Redis connection settings of `concur/distributed`: a URL or options, checked at the
 * call and turned into the client's options. No peer dependency is needed here.
 *
 * @module
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';

import { argRangeError, argTypeError, show } from '../base/validate.js';

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

/** The options concur gives the Redis client (a subset of ioredis's). */
export interface ClientOptions {
  host?: string;
  port?: number;
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  tls?: TlsOptions;
}

/** Checks `connection` and turns it into ioredis options (at the call: misuse throws). */
export function connectionOptions(connection: unknown): ClientOptions {
  if (typeof connection === 'string') return parseUrl(connection);
  if (typeof connection !== 'object' || connection === null) {
    throw argTypeError(
      `connection must be a Redis URL (redis://host:port, rediss://…, unix:///path/redis.sock) or connection options, got ${show(connection)}`,
    );
  }
  const c = connection as RedisConnectionOptions;
  const options: ClientOptions = {};
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

function parseUrl(text: string): ClientOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw argTypeError(
      `connection ${show(text)} is not a URL; use redis://host:port, rediss://host:port or unix:///path/redis.sock (${String(error)})`,
    );
  }
  const options: ClientOptions = {};
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
