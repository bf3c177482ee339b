/**
 * `for await (const item of queue)` over any of concur's queues: `get()` again and again,
 * ending without error once the queue is shut down and drained.
 *
 * @module
 */
import { QueueShutDown } from '../../errors.js';

/** The items `get()` returns, until it rejects with `QueueShutDown`. */
export async function* untilShutDown<T>(get: () => Promise<T>): AsyncGenerator<T, void, undefined> {
  for (;;) {
    let item: T;
    try {
      item = await get();
    } catch (error) {
      if (error instanceof QueueShutDown) return;
      throw error;
    }
    yield item;
  }
}
