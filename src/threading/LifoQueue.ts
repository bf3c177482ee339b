/**
 * `LifoQueue<T>`: a last-in first-out queue shared by threads.
 *
 * @module
 */
import { registerShareable } from '../internal/shm/shareable.js';
import { LIFO, Queue } from './Queue.js';

/**
 * A {@link Queue} that returns the most recently put item first (a stack).
 *
 * Python equivalent: `queue.LifoQueue(maxsize)`; everything else — blocking, timeouts,
 * `taskDone`/`join`, `shutdown`, the differences — is as `Queue`.
 *
 * @example
 * ```ts
 * const stack = new LifoQueue<number>();
 * stack.putNowait(1);
 * stack.putNowait(2);
 * stack.getNowait(); // 2
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  /** @internal */
  protected override _kind(): number {
    return LIFO;
  }

  /** @internal */
  protected override _name(): string {
    return 'LifoQueue';
  }

  static {
    registerShareable('LifoQueue', (state) => Queue._revive(LifoQueue, state));
  }
}
