/**
 * `PriorityQueue<T>`: a queue that returns the smallest item first.
 *
 * @module
 */
import { pythonOrder } from '../internal/base/pythonOrder.js';
import { Heap } from '../internal/base/Heap.js';
import { argTypeError, show } from '../internal/base/validate.js';
import { Queue, type QueueOptions } from './Queue.js';

/** Options of `new PriorityQueue(options)`. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders two items: negative if `a` comes out first, positive if `b` does, 0 if they
   * tie (ties come out in the order they were put). Default: Python's `<` for numbers,
   * bigints, strings, booleans, Dates and arrays of them (see the class docs).
   */
  compare?: (a: T, b: T) => number;
}

/**
 * A {@link Queue} that returns the smallest item first, on a binary heap (`put` and
 * `get` are O(log n)).
 *
 * Python equivalent: `asyncio.PriorityQueue(maxsize)`. Items are typically
 * `[priority, data]` tuples.
 *
 * The default order is Python's `<` for the values JavaScript shares with it: numbers
 * and bigints by value, strings by UTF-16 code units, booleans, `Date`s by time, and
 * arrays element by element like Python tuples (a proper prefix first). Items it cannot
 * order — objects, `null`, mixed kinds, NaN, and distinct objects at the position that
 * decides between two arrays — make `put` fail with a `TypeError`, as Python raises
 * `TypeError: '<' not supported`. Pass `compare` to order anything else, or to order by
 * priority only: `new PriorityQueue<Job>({ compare: (a, b) => a.priority - b.priority })`.
 *
 * Differences:
 * - Stable: items that tie come out in the order they were put (Python's `heapq` gives
 *   no such promise; Python code adds a counter to its tuples for it). It costs one
 *   number per item, no allocation.
 * - A comparator that throws leaves the queue unchanged: a failing `putNowait` adds
 *   nothing (`put` rejects), a failing `getNowait` removes nothing (Python's `heapq` can
 *   lose the item). Unorderable items are nearly always caught by `put`, but two items
 *   each comparable with the others yet not with each other can still fail a `get`.
 * - `shutdown(true)` discards the items without comparing them.
 *
 * @throws TypeError from the constructor if `compare` is not a function; TypeError /
 * RangeError for a bad `maxsize`, as `Queue`.
 * @example
 * ```ts
 * const jobs = new PriorityQueue<[number, string]>();
 * jobs.putNowait([2, 'write report']);
 * jobs.putNowait([1, 'fix the build']);
 * console.log(await jobs.get()); // [1, 'fix the build']
 *
 * const byDeadline = new PriorityQueue<Job>({ maxsize: 100, compare: (a, b) => a.due - b.due });
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /** The heap. `declare`: assigned by `_init`, during `super()`. */
  declare private heap: Heap<T>;

  /**
   * Makes an empty priority queue holding at most `maxsize` items (`0`: unbounded),
   * ordered by `compare` (default: Python's order, see the class docs).
   */
  constructor(maxsize?: number);
  constructor(options?: PriorityQueueOptions<T>);
  constructor(options: number | PriorityQueueOptions<T> = 0) {
    super(options as QueueOptions);
  }

  protected override _init(_maxsize: number, options: PriorityQueueOptions<T>): void {
    const compare = options.compare;
    if (compare !== undefined && typeof compare !== 'function') {
      throw argTypeError(`PriorityQueue compare must be a function, got ${show(compare)}`);
    }
    this.heap = new Heap<T>(compare ?? pythonOrder);
  }

  protected override _qsize(): number {
    return this.heap.size;
  }

  protected override _put(item: T): void {
    this.heap.push(item);
  }

  protected override _get(): T {
    return this.heap.pop() as T;
  }

  protected override _clear(): void {
    this.heap.clear();
  }
}
