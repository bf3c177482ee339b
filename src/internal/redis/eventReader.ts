/**
 * The one reader of a queue's event stream that a `DistributedExecutor` keeps: a loop of
 * blocking `XREAD`s on a connection of its own, each entry handed to `onEvent`.
 *
 * A read that fails is reported and retried after a pause; an entry `onEvent` cannot
 * understand is reported and skipped (anyone who can write to the stream can add one):
 * its job's stored state settles the future at the next reconciliation.
 *
 * @module
 */
import type { Redis as IORedis } from 'ioredis';

import { SerializationError } from '../../errors.js';

/** Milliseconds the reader waits before reading again after a failed read. */
const RETRY_MS = 1000;
/** How long (ms) one read of the event stream blocks in Redis. */
const BLOCK_MS = 10_000;
/** How long (ms) past its block a read may stay unanswered before its connection is reset. */
const GRACE_MS = 5000;

export class EventReader {
  private stopped = false;
  private pause: NodeJS.Timeout | null = null;
  private endPause: (() => void) | null = null;

  /**
   * @param client a connection of the reader's own: it blocks on `XREAD`.
   * @param key the stream's key.
   * @param queue the queue's name, for messages.
   */
  constructor(
    private readonly client: IORedis,
    private readonly key: string,
    private readonly queue: string,
    private readonly onEvent: (fields: string[]) => void,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Reads from the entry after `from` until `stop()`. */
  async run(from: string): Promise<void> {
    let id = from;
    while (!this.stopped) {
      let reply: unknown;
      // A read interrupted by a lost connection is sent again after the reconnect, but
      // can be left unanswered (BullMQ #4479): past its block, drop the connection, and
      // the read goes out again on the next one.
      const watchdog = setTimeout(() => this.client.disconnect(true), BLOCK_MS + GRACE_MS);
      try {
        reply = await this.client.xread('BLOCK', BLOCK_MS, 'STREAMS', this.key, id);
      } catch (error) {
        if (this.stopped) return;
        this.report(error);
        await new Promise<void>((resolve) => {
          this.endPause = resolve;
          this.pause = setTimeout(resolve, RETRY_MS);
        });
        continue;
      } finally {
        clearTimeout(watchdog);
      }
      if (!Array.isArray(reply)) continue; // null: nothing within BLOCK_MS
      const entries = (reply[0] as [string, [string, string[]][]] | undefined)?.[1] ?? [];
      for (const entry of entries) {
        id = entry[0];
        try {
          this.onEvent(entry[1]);
        } catch (error) {
          this.report(
            new SerializationError(
              `skipped the malformed event ${id} on the event stream of queue ${this.queue} (${error instanceof Error ? error.message : String(error)}); its job's stored state will settle its future`,
              { cause: error },
            ),
          );
        }
      }
    }
  }

  /** Ends the loop: the blocking read is interrupted by closing its connection. */
  stop(): void {
    this.stopped = true;
    if (this.pause !== null) clearTimeout(this.pause);
    this.endPause?.();
    this.client.disconnect();
  }
}
