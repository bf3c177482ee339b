/**
 * The Redis side of a `DistributedExecutor`: a command connection with BullMQ's `Queue`
 * on it, a second connection for the event reader (it blocks on `XREAD`), and the watch
 * that declares Redis lost after `connectTimeout` without it.
 *
 *   new ExecutorConnection(…)   connections made, retrying in the background
 *   await open()                the queue is ready; the event stream's position to read from
 *   close()                     gracefully when Redis answers, at once otherwise
 *   disconnect()                at once (refused credentials, or Redis lost while closing)
 *
 * @module
 */
import type { Queue } from 'bullmq';
import type { Redis as IORedis } from 'ioredis';

import type { ClientOptions } from './connection.js';
import { isAuthFailure, makeClient, quitClient, watchConnection, type Peers } from './peers.js';

/** What the executor hears from its connections. */
export interface ConnectionEvents {
  /** An error of a connection (the client retries until `connectTimeout`). */
  error(error: unknown): void;
  /** Redis has been unreachable for `connectTimeout`. */
  lost(): void;
  /** The command connection is ready: at first, and after every reconnect. */
  ready(): void;
  /** An error of the queue that is not the connection's. */
  report(error: unknown): void;
}

export interface ExecutorConnectionOptions {
  client: ClientOptions;
  /** The executor's id, in the connections' names. */
  id: string;
  connectTimeout: number;
  queue: string;
  prefix: string;
  eventStreamLength: number;
}

export class ExecutorConnection {
  readonly redis: IORedis;
  readonly queue: Queue;
  /** The event reader's connection. */
  readonly events: IORedis;
  /** True once `open()` resolved. */
  opened = false;
  private readonly unwatch: () => void;

  constructor(peers: Peers, options: ExecutorConnectionOptions, on: ConnectionEvents) {
    const onError = (error: unknown): void => on.error(error);
    this.redis = makeClient(
      peers,
      options.client,
      `concur:executor:${options.id}`,
      onError,
      options.connectTimeout,
    );
    this.unwatch = watchConnection(
      this.redis,
      options.connectTimeout,
      () => on.lost(),
      () => undefined,
    );
    this.redis.on('ready', () => on.ready());
    this.queue = new peers.bullmq.Queue(options.queue, {
      connection: this.redis,
      prefix: options.prefix,
      streams: { events: { maxLen: options.eventStreamLength } },
    });
    this.queue.on('error', (error: unknown) => {
      if (isAuthFailure(error)) on.error(error);
      else on.report(error);
    });
    this.events = this.redis.duplicate({
      connectionName: `concur:executor-events:${options.id}`,
    });
    this.events.on('error', onError);
  }

  /**
   * Waits until the queue is ready. Resolves the event stream's id to read after: the
   * server's "now", taken first, so that no event of a job added from here on can be
   * missed by a reader that starts a little later.
   */
  async open(): Promise<string> {
    const [seconds, micros] = await this.redis.time();
    const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0`;
    await this.queue.waitUntilReady();
    this.opened = true;
    return lastEventId;
  }

  /** Ends both connections now; commands in flight fail. */
  disconnect(): void {
    this.unwatch();
    this.redis.disconnect();
    this.events.disconnect();
  }

  /** Ends both connections: gracefully when Redis answers (and the queue was opened), at once otherwise. */
  async close(): Promise<void> {
    this.unwatch();
    this.events.disconnect();
    if (this.opened && this.redis.status === 'ready') {
      await this.queue.close();
      await quitClient(this.redis);
    } else {
      if (this.opened) await this.queue.close();
      this.redis.disconnect();
    }
  }
}
