/**
 * `LifoQueue<T>`: a queue that returns the most recently added item first (a stack).
 *
 * @module
 */
import { Queue, type QueueOptions } from './Queue.js';

/**
 * A {@link Queue} that returns the most recently added item first — last in, first out.
 *
 * Python equivalent: `asyncio.LifoQueue(maxsize)`. Everything else — waiting, `taskDone`
 * / `join`, `shutdown`, cancellation — is `Queue`'s.
 *
 * @throws TypeError / RangeError from the constructor for a bad `maxsize`, as `Queue`.
 * @example
 * ```ts
 * const stack = new LifoQueue<number>();
 * for (const n of [1, 3, 2]) stack.putNowait(n);
 * console.log(stack.getNowait(), stack.getNowait(), stack.getNowait()); // 2 3 1
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  /** The stack; its end is the top. `declare`: assigned by `_init`, during `super()`. */
  declare private stack: T[];

  /** Makes an empty stack holding at most `maxsize` items (`0`: unbounded). */
  constructor(maxsize?: number);
  constructor(options?: QueueOptions);
  constructor(options: number | QueueOptions = 0) {
    super(options as QueueOptions);
  }

  protected override _init(): void {
    this.stack = [];
  }

  protected override _qsize(): number {
    return this.stack.length;
  }

  protected override _put(item: T): void {
    this.stack.push(item);
  }

  protected override _get(): T {
    return this.stack.pop() as T;
  }

  protected override _clear(): void {
    this.stack.length = 0;
  }
}
