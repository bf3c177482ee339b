/**
 * The optional peers of `concur/distributed` — `bullmq` and `ioredis` — loaded only when a
 * distributed executor or worker is made, and the Redis connection settings they share.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as BullMQ from 'bullmq';
import type { Redis as IORedis, RedisOptions } from 'ioredis';

import { AuthenticationError, ConnectionLostError, MissingDependencyError } from '../../errors.js';
import type { ClientOptions } from './connection.js';
import { inConcurPackage } from '../worker/entryUrl.js';
import { argRangeError, argTypeError, show } from '../base/validate.js';

/** The loaded peers. */
export interface Peers {
  readonly bullmq: typeof BullMQ;
  readonly Redis: new (options: RedisOptions) => IORedis;
}

/** This module's URL: `undefined` in a CommonJS bundle, whose `import.meta` is empty. */
const here = import.meta.url as string | undefined;

/**
 * Whether this module is concur's own file (or a chunk of its package), where the peers
 * resolve as they would for the program. A bundler that put it into a program's bundle has
 * bundled the peers too (or failed to build without them): there is nothing to resolve.
 */
const inPackage = inConcurPackage(here, /\/redis\/peers\.[cm]?[jt]s$/);

/**
 * Throws `MissingDependencyError` (synchronously, at the constructor) when `bullmq` or
 * `ioredis` cannot be resolved.
 */
export function checkPeersInstalled(what: string): void {
  if (here === undefined || !inPackage) return;
  const require = createRequire(here);
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

/**
 * A new ioredis client for BullMQ: commands wait through a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ requires for workers; `watchConnection`
 * bounds that wait), and connection errors go to `onError` rather than being printed.
 * One connection attempt lasts at most `connectTimeout` ms.
 */
export function makeClient(
  peers: Peers,
  options: ClientOptions,
  name: string,
  onError: (error: unknown) => void,
  connectTimeout: number,
): IORedis {
  const client = new peers.Redis({
    ...(options as RedisOptions),
    connectionName: name,
    connectTimeout: Math.min(connectTimeout, DEFAULT_CONNECT_TIMEOUT),
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

/** The default of `connectTimeout` (ms). */
export const DEFAULT_CONNECT_TIMEOUT = 10_000;
/** Longest delay a Node timer holds; a longer `connectTimeout` means "never give up". */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * `connectTimeout` checked at the call: a number of ms > 0 (`Infinity`, or anything
 * beyond a timer's range, waits for ever).
 */
export function checkConnectTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_CONNECT_TIMEOUT;
  if (typeof value !== 'number') {
    throw argTypeError(`connectTimeout must be a number of milliseconds, got ${show(value)}`);
  }
  if (Number.isNaN(value) || value <= 0) {
    throw argRangeError(
      `connectTimeout must be > 0 milliseconds (Infinity: wait for ever), got ${show(value)}`,
    );
  }
  return value > MAX_TIMER ? Infinity : value;
}

/** Whether `error` is Redis refusing the credentials. */
export function isAuthFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /^(WRONGPASS|NOAUTH)\b|^ERR (invalid password|invalid username|AUTH .*without any password)/.test(
    message,
  );
}

/** The `AuthenticationError` for Redis's refusal `error`. */
export function authenticationError(error: unknown, what: string): AuthenticationError {
  const reply = error instanceof Error ? error.message : String(error);
  return new AuthenticationError(
    `${what}: Redis refused the credentials (${reply}); check the password (and user name) of the connection`,
    { cause: error },
  );
}

/** The `ConnectionLostError` after `ms` without Redis; `cause` is the last error seen. */
export function connectionLost(cause: unknown, ms: number, what: string): ConnectionLostError {
  const last =
    cause === null || cause === undefined
      ? 'no answer'
      : cause instanceof Error
        ? cause.message
        : show(cause);
  return new ConnectionLostError(
    `${what}: Redis could not be reached for ${ms} ms (connectTimeout; last error: ${last}); check that it runs and that the connection (host, port, TLS) is right`,
    cause === null || cause === undefined ? undefined : { cause },
  );
}

/** The events of an ioredis client that `watchConnection` follows. */
interface Watched {
  readonly status: string;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  off(event: 'ready' | 'close', listener: () => void): unknown;
}

/**
 * Bounds how long `client` may be without a connection: `onLost` runs once it has been
 * connecting (at first, or after losing the connection) for `ms`, `onBack` when it is
 * ready again after that. Returns the function that stops watching.
 */
export function watchConnection(
  client: Watched,
  ms: number,
  onLost: () => void,
  onBack: () => void,
): () => void {
  let timer: NodeJS.Timeout | null = null;
  let lost = false;
  const arm = (): void => {
    if (timer !== null || lost || ms === Infinity) return;
    timer = setTimeout(() => {
      timer = null;
      lost = true;
      onLost();
    }, ms);
  };
  const ready = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (lost) {
      lost = false;
      onBack();
    }
  };
  client.on('ready', ready);
  client.on('close', arm);
  if (client.status !== 'ready') arm();
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    client.off('ready', ready);
    client.off('close', arm);
  };
}

/** What `quitClient` needs of a connection. */
interface Quittable {
  readonly status: string;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Ends a connection: `QUIT` when Redis answers (the replies in flight arrive first), at
 * once otherwise (`quit()` would wait for a reconnect). Redis closes the socket once it
 * has answered `QUIT`; where the runtime delivers the close before the reply (Deno, at
 * times), ioredis fails the `QUIT` with "Connection is closed." — the connection ended,
 * as asked, so that is no error of the caller's.
 */
export async function quitClient(client: Quittable): Promise<void> {
  const status = (): string => client.status;
  if (status() !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch (error) {
    if (status() !== 'end') throw error;
  }
}
