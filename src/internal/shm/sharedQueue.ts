/**
 * `QueueCore`: the shared-memory engine under the threading `Queue`, `LifoQueue`,
 * `PriorityQueue` and `SimpleQueue` — the words, the item store, the guard and the three
 * wait lists, and every step that touches them.
 *
 *   put(bytes) ─ guard: room? store bytes, count++, unfinished++, wake one getter
 *        └─ full ─► sleep in notFull ─► retry
 *   get()      ─ guard: item? take bytes, count--, wake one putter
 *        └─ empty ─► sleep in notEmpty ─► retry
 *   taskDone() ─ guard: unfinished-- ─► at 0 wake every join()
 *
 * This is CPython's `queue.Queue` (a mutex and the conditions `not_empty`, `not_full`,
 * `all_tasks_done`) on concur's Monitor: a guard held only for the few statements that
 * touch the shared state, and wait lists slept on with the guard released. The engine
 * moves bytes: the facade serializes an item before the guard is taken and deserializes
 * it after, so user code (getters run by the serializer) never runs inside it.
 *
 * @module
 */
import { QueueEmpty, QueueFull, QueueShutDown } from '../../errors.js';
import { serializeItem } from './itemBytes.js';
import { HeapStore, RingStore, type ItemStore, type StoreState } from './itemStore.js';
import { BLOCKED, Monitor, TIMED_OUT } from './monitor.js';
import { argRangeError, argTypeError, checkInteger, show } from '../base/validate.js';
import { WaitList, type WaitListState } from './waitList.js';

const GUARD = 0;
const COUNT = 1;
const UNFINISHED = 2;
const SHUTDOWN = 3;
const MAXSIZE = 4;
const KIND = 5;
/** Set when a put waits for bytes (not slots): the next get wakes every putter. */
const BYTES_WAIT = 6;
const WORDS = 8;

/** Storage kinds. */
export const FIFO = 0;
export const LIFO = 1;
export const PRIORITY = 2;

/** The default `maxBytes`: 64 MiB of address space reserved, committed as items arrive. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const MAX_MAXSIZE = 2 ** 31 - 1;

export { TIMED_OUT };

/** The structured-cloneable state of a queue. */
export interface QueueState {
  readonly words: SharedArrayBuffer;
  readonly store: StoreState;
  readonly notEmpty: WaitListState;
  readonly notFull: WaitListState;
  readonly allTasksDone: WaitListState;
}

export class QueueCore {
  private readonly words: Int32Array;
  private readonly store: ItemStore;
  private readonly monitor: Monitor;
  private readonly notEmpty: WaitList;
  private readonly notFull: WaitList;
  private readonly allTasksDone: WaitList;
  private readonly maxBytes: number;

  /**
   * A new empty queue of storage `kind` (`name` is the class name, for messages), or a
   * handle on the queue of `state`.
   */
  constructor(
    private readonly name: string,
    kind: number,
    options: { maxsize: number; maxBytes: number } | QueueState,
  ) {
    if ('words' in options) {
      this.words = new Int32Array(options.words);
      this.maxBytes = options.store.data.maxByteLength;
      this.store = makeStore(this.words[KIND] as number, this.maxBytes, options.store);
      this.notEmpty = new WaitList(options.notEmpty);
      this.notFull = new WaitList(options.notFull);
      this.allTasksDone = new WaitList(options.allTasksDone);
    } else {
      this.words = new Int32Array(new SharedArrayBuffer(WORDS * Int32Array.BYTES_PER_ELEMENT));
      this.words[MAXSIZE] = options.maxsize;
      this.words[KIND] = kind;
      this.maxBytes = options.maxBytes;
      this.store = makeStore(kind, options.maxBytes);
      this.notEmpty = new WaitList();
      this.notFull = new WaitList();
      this.allTasksDone = new WaitList();
    }
    this.monitor = new Monitor(this.words, GUARD, `the ${name}'s internal guard`);
  }

  /** The state to send to another thread. */
  share(): QueueState {
    return {
      words: this.words.buffer as SharedArrayBuffer,
      store: this.store.share(),
      notEmpty: this.notEmpty.share(),
      notFull: this.notFull.share(),
      allTasksDone: this.allTasksDone.share(),
    };
  }

  // -------------------------------------------------------------------------------------
  // Putting and getting bytes. `deadline` is a monotonicNow() time or Infinity; a
  // deadline already passed makes a non-blocking try.

  /** Puts `bytes` (priority `key`); throws QueueFull once `deadline` passed while full. */
  async put(bytes: Uint8Array, key: number, deadline: number, timeout: number): Promise<void> {
    const outcome = await this.monitor.until(this.notFull, deadline, () => this.tryPut(bytes, key));
    if (outcome === TIMED_OUT) throw this.fullError(timeout);
  }

  /** The blocking twin of `put` (callers check the main-thread rule). */
  putSync(bytes: Uint8Array, key: number, deadline: number, timeout: number): void {
    const outcome = this.monitor.untilSync(this.notFull, deadline, () => this.tryPut(bytes, key));
    if (outcome === TIMED_OUT) throw this.fullError(timeout);
  }

  /** Puts `bytes` if there is room now, else throws QueueFull. */
  putNow(bytes: Uint8Array, key: number): void {
    if (this.monitor.run(() => this.tryPut(bytes, key)) === BLOCKED) throw this.fullError(0);
  }

  /** Takes the next item's bytes; throws QueueEmpty once `deadline` passed while empty. */
  async get(deadline: number, timeout: number): Promise<Uint8Array> {
    const outcome = await this.monitor.until(this.notEmpty, deadline, () => this.tryGet());
    if (outcome === TIMED_OUT) throw this.emptyError(timeout);
    return outcome;
  }

  /** The blocking twin of `get`. */
  getSync(deadline: number, timeout: number): Uint8Array {
    const outcome = this.monitor.untilSync(this.notEmpty, deadline, () => this.tryGet());
    if (outcome === TIMED_OUT) throw this.emptyError(timeout);
    return outcome;
  }

  /** Takes the next item's bytes if there is one now, else throws QueueEmpty. */
  getNow(): Uint8Array {
    const outcome = this.monitor.run(() => this.tryGet());
    if (outcome === BLOCKED) throw this.emptyError(0);
    return outcome;
  }

  // -------------------------------------------------------------------------------------
  // Tasks, shutdown, bounds

  /** One item processed; at 0 unfinished, every `join` returns. */
  taskDone(): void {
    const words = this.words;
    this.monitor.run(() => {
      const unfinished = Atomics.load(words, UNFINISHED) - 1;
      if (unfinished < 0) {
        throw argRangeError(
          `${this.name}.taskDone() was called more times than there were items put`,
        );
      }
      Atomics.store(words, UNFINISHED, unfinished);
      if (unfinished === 0) this.allTasksDone.wake(Infinity);
    });
  }

  /** Resolves once every item put was marked done. */
  async join(): Promise<void> {
    await this.monitor.until(this.allTasksDone, Infinity, () => this.tryJoin());
  }

  /** The blocking twin of `join`. */
  joinSync(): void {
    this.monitor.untilSync(this.allTasksDone, Infinity, () => this.tryJoin());
  }

  /** Python's `shutdown(immediate)`: see `Queue.shutdown`. */
  shutdown(immediate: boolean): void {
    const words = this.words;
    this.monitor.run(() => {
      Atomics.store(words, SHUTDOWN, 1);
      if (immediate) {
        const count = Atomics.load(words, COUNT);
        this.store.clear();
        Atomics.store(words, COUNT, 0);
        Atomics.store(words, UNFINISHED, Math.max(0, Atomics.load(words, UNFINISHED) - count));
        this.allTasksDone.wake(Infinity);
      }
      this.notEmpty.wake(Infinity);
      this.notFull.wake(Infinity);
    });
  }

  get isShutdown(): boolean {
    return Atomics.load(this.words, SHUTDOWN) === 1;
  }

  get maxsize(): number {
    return Atomics.load(this.words, MAXSIZE);
  }

  /** Sets the item bound (already checked) and lets waiting puts look again. */
  set maxsize(bound: number) {
    this.monitor.run(() => {
      Atomics.store(this.words, MAXSIZE, bound);
      this.notFull.wake(Infinity);
    });
  }

  get qsize(): number {
    return Atomics.load(this.words, COUNT);
  }

  get unfinished(): number {
    return Atomics.load(this.words, UNFINISHED);
  }

  /** Waiters in get, put and join, and the bytes used (for statistics). */
  get getters(): number {
    return this.notEmpty.size;
  }

  get putters(): number {
    return this.notFull.size;
  }

  get joiners(): number {
    return this.allTasksDone.size;
  }

  get usedBytes(): number {
    return this.store.usedBytes();
  }

  /** A thread killed inside the guard breaks the queue: every waiter wakes to fail. */
  ownerDied(threadId: number): boolean {
    // A getter or putter that died waiting must not take a wake-up meant for a live one.
    return this.monitor.ownerDied([this.notEmpty, this.notFull, this.allTasksDone], threadId);
  }

  /**
   * `item` serialized, for `method` (in messages).
   *
   * @throws TypeError if it cannot be copied; RangeError if it is larger than `maxBytes`.
   */
  serialize(item: unknown, method: string): Uint8Array {
    let bytes: Uint8Array;
    try {
      bytes = serializeItem(item);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failure = argTypeError(
        `${this.name}.${method}() cannot copy ${show(item)} to another thread (${reason}); ` +
          'put structured-cloneable data (no functions, symbols or shared memory)',
      );
      failure.cause = error;
      throw failure;
    }
    if (this.store.recordSize(bytes.length) > this.maxBytes) {
      throw argRangeError(
        `${this.name}.${method}(): the item takes ${bytes.length} bytes serialized, more ` +
          `than the queue's maxBytes (${this.maxBytes}); make the queue with a larger maxBytes`,
      );
    }
    return bytes;
  }

  // -------------------------------------------------------------------------------------
  // The steps, run under the guard.

  private tryPut(bytes: Uint8Array, key: number): true | typeof BLOCKED {
    const words = this.words;
    if (Atomics.load(words, SHUTDOWN) === 1) {
      throw new QueueShutDown(`${this.name} is shut down; no more puts`);
    }
    const maxsize = Atomics.load(words, MAXSIZE);
    if (maxsize > 0 && Atomics.load(words, COUNT) >= maxsize) return BLOCKED;
    if (!this.store.put(bytes, key)) {
      Atomics.store(words, BYTES_WAIT, 1);
      return BLOCKED;
    }
    Atomics.add(words, COUNT, 1);
    Atomics.add(words, UNFINISHED, 1);
    this.notEmpty.wakeOne();
    return true;
  }

  private tryGet(): Uint8Array | typeof BLOCKED {
    const words = this.words;
    if (Atomics.load(words, COUNT) > 0) {
      const bytes = this.store.take();
      Atomics.sub(words, COUNT, 1);
      if (Atomics.load(words, BYTES_WAIT) === 1) {
        // Putters may wait for bytes rather than a slot: let all of them look again.
        Atomics.store(words, BYTES_WAIT, 0);
        this.notFull.wake(Infinity);
      } else {
        this.notFull.wakeOne();
      }
      return bytes;
    }
    if (Atomics.load(words, SHUTDOWN) === 1) {
      throw new QueueShutDown(`${this.name} is shut down and empty`);
    }
    return BLOCKED;
  }

  private tryJoin(): true | typeof BLOCKED {
    return Atomics.load(this.words, UNFINISHED) === 0 ? true : BLOCKED;
  }

  private fullError(timeout: number): QueueFull {
    return new QueueFull(
      timeout === 0
        ? `${this.name} is full (maxsize ${this.maxsize || 'unbounded'}, ${this.usedBytes} bytes used)`
        : `${this.name} stayed full for the ${timeout} ms timeout`,
    );
  }

  private emptyError(timeout: number): QueueEmpty {
    return new QueueEmpty(
      timeout === 0
        ? `${this.name} is empty`
        : `${this.name} stayed empty for the ${timeout} ms timeout`,
    );
  }
}

function makeStore(kind: number, maxBytes: number, state?: StoreState): ItemStore {
  return kind === FIFO
    ? new RingStore(maxBytes, state)
    : new HeapStore(maxBytes, kind === LIFO, state);
}

/**
 * Reads a queue's `maxsize` / `{ maxsize, maxBytes }` argument (`name`: the class).
 *
 * @throws TypeError/RangeError for a `maxsize` that is not a non-negative integer (or
 * `Infinity`), or a `maxBytes` that is not an integer >= 1024.
 */
export function readQueueOptions(
  name: string,
  options: unknown,
): { maxsize: number; maxBytes: number } {
  let maxsize: unknown = 0;
  let maxBytes: unknown = DEFAULT_MAX_BYTES;
  if (typeof options === 'number') {
    maxsize = options;
  } else if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
    const record = options as { maxsize?: unknown; maxBytes?: unknown };
    maxsize = record.maxsize ?? 0;
    maxBytes = record.maxBytes ?? DEFAULT_MAX_BYTES;
  } else {
    throw argTypeError(
      `${name}() takes a maxsize number or an options object, got ${show(options)}`,
    );
  }
  if (maxsize === Infinity) maxsize = 0;
  checkInteger(`${name} maxsize`, maxsize, 0);
  if ((maxsize as number) > MAX_MAXSIZE) {
    throw argRangeError(
      `${name} maxsize must be <= ${MAX_MAXSIZE} (or 0 / Infinity), got ${show(maxsize)}`,
    );
  }
  checkInteger(`${name} maxBytes`, maxBytes, 1024);
  return { maxsize: maxsize as number, maxBytes: maxBytes as number };
}
