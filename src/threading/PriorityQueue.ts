/**
 * `PriorityQueue<T>`: a queue shared by threads that returns the lowest priority first.
 *
 * @module
 */
import { registerShareable } from '../internal/shm/shareable.js';
import { argRangeError, argTypeError, show } from '../internal/base/validate.js';
import { PRIORITY, Queue } from './Queue.js';

/**
 * A {@link Queue} that returns the item with the smallest priority first; items of equal
 * priority come out in the order they were put.
 *
 * Python equivalent: `queue.PriorityQueue(maxsize)`, where items are typically
 * `(priority, data)` tuples. Here an item is a number (its own priority) or an array
 * whose first element is the priority number: `[2, 'write report']`.
 *
 * Differences: only that leading number orders items (items cross threads as bytes, so
 * no comparison function can run on them); Python would compare the rest of the tuple on
 * a tie, this queue keeps put order instead (stable). Everything else is as `Queue`.
 *
 * @throws TypeError from `put` for an item that is neither a number nor an array
 * starting with one; RangeError for a NaN priority.
 * @example
 * ```ts
 * const jobs = new PriorityQueue<[number, string]>();
 * jobs.putNowait([2, 'write report']);
 * jobs.putNowait([1, 'fix the build']);
 * jobs.getNowait(); // [1, 'fix the build']
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /** @internal */
  protected override _kind(): number {
    return PRIORITY;
  }

  /** @internal */
  protected override _name(): string {
    return 'PriorityQueue';
  }

  /** @internal The priority: the item, or its first element. */
  protected override _key(item: T): number {
    const key: unknown = Array.isArray(item) ? (item as unknown[])[0] : item;
    if (typeof key !== 'number') {
      throw argTypeError(
        `PriorityQueue items must be a number or an array starting with a number ` +
          `(e.g. [priority, data]), got ${show(item)}`,
      );
    }
    if (Number.isNaN(key)) throw argRangeError(`PriorityQueue priority must not be NaN`);
    return key;
  }

  static {
    registerShareable('PriorityQueue', (state) => Queue._revive(PriorityQueue, state));
  }
}
