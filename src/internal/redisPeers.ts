/**
 * The optional peers of `concur/distributed` — `bullmq` and `ioredis` — loaded only when a
 * distributed executor or worker is made, and the Redis connection settings they share.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as BullMQ from 'bullmq';
import type { Redis as IORedis, RedisOptions } from 'ioredis';

import { MissingDependencyError } from '../errors.js';
import type { ClientOptions } from './redisConnection.js';
import { argTypeError, show } from './validate.js';

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

/**
 * A new ioredis client for BullMQ: commands wait through a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ requires for workers), and connection
 * errors are recorded through `onError` rather than printed.
 */
export function makeClient(
  peers: Peers,
  options: ClientOptions,
  name: string,
  onError: (error: unknown) => void,
): IORedis {
  const client = new peers.Redis({
    ...(options as RedisOptions),
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
