/**
 * `WaitList`: a first-in first-out list of waiters in shared memory, one futex word per
 * waiter — the engine under the cross-thread `Condition`, `Barrier` and queues.
 *
 *   header (fixed SAB)    HEAD · TAIL · FREE · COUNT · ALLOCATED
 *   slots (growable SAB)  slot k = words 4k..4k+3: STATE · NEXT · PREV · OWNER  (k >= 1)
 *
 * Each waiter owns one slot and sleeps on its STATE word; `wakeOne()` unlinks the oldest
 * slot, marks it NOTIFIED and notifies that word alone. This is CPython's design (one lock
 * per waiter in `threading.Condition`) and gives its guarantees: `notify(n)` wakes
 * exactly the n oldest waiters, and nobody wakes spuriously — a generation counter shared
 * by all waiters cannot say *which* waiters a notify was meant for.
 *
 * Every operation except the sleep itself runs under a lock the caller holds (the
 * Condition's lock, or a Monitor's guard), so the list needs no atomics for consistency;
 * Atomics are used for the STATE words (read by the sleeper without the lock) and for
 * the rest only so that each access is well-defined on shared memory. The slots buffer
 * grows in place (a growable `SharedArrayBuffer`), so a slot's address never changes
 * while its owner sleeps on it.
 *
 * A slot is freed only by its own waiter (`leave`), after the waiter stopped waiting on
 * it — so a slot is never reused while an old sleeper could still read it. A cancelled
 * async sleeper flushes its word first (futex.ts) — or by `reap`, for a waiter whose
 * thread died (OWNER names it), which will never leave nor use a wake-up it was given.
 *
 * @module
 */
import { nodeBuiltin } from '../runtime/support.js';

import { argRangeError } from '../base/validate.js';
import { remaining, waitAsync, waitSync } from './futex.js';

const { threadId } = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

const HEAD = 0;
const TAIL = 1;
const FREE = 2;
const COUNT = 3;
const ALLOCATED = 4;
const HEADER_WORDS = 5;

/** Slot states. */
const FREE_SLOT = 0;
const WAITING = 1;
const NOTIFIED = 2;

const SLOT_WORDS = 4;
const STATE = 0;
const NEXT = 1;
const PREV = 2;
/** The `threadId + 1` of the waiter's thread (0 in a free slot). */
const OWNER = 3;
const SELF = threadId + 1;

const INITIAL_SLOTS = 8;
/** At most this many simultaneous waiters per list (a clear error past it). */
export const MAX_WAITERS = 65_535;

/** The structured-cloneable state of a {@link WaitList}. */
export interface WaitListState {
  readonly header: SharedArrayBuffer;
  readonly slots: SharedArrayBuffer;
}

export class WaitList {
  private readonly header: Int32Array;
  private readonly slots: Int32Array;
  private readonly slotsBuffer: SharedArrayBuffer;

  constructor(state?: WaitListState) {
    const header =
      state?.header ?? new SharedArrayBuffer(HEADER_WORDS * Int32Array.BYTES_PER_ELEMENT);
    const slots =
      state?.slots ??
      new SharedArrayBuffer((INITIAL_SLOTS + 1) * SLOT_WORDS * Int32Array.BYTES_PER_ELEMENT, {
        maxByteLength: (MAX_WAITERS + 1) * SLOT_WORDS * Int32Array.BYTES_PER_ELEMENT,
      });
    this.header = new Int32Array(header);
    // Length-tracking view: it follows the buffer as any thread grows it.
    this.slots = new Int32Array(slots);
    this.slotsBuffer = slots;
  }

  /** The state to send to another thread. */
  share(): WaitListState {
    return { header: this.header.buffer as SharedArrayBuffer, slots: this.slotsBuffer };
  }

  /** Waiters in the list (not yet notified). Exact under the lock, a hint without. */
  get size(): number {
    return Atomics.load(this.header, COUNT);
  }

  /** Appends a waiter; returns its slot. Under the lock. */
  enqueue(): number {
    const slot = this.allocate();
    const base = slot * SLOT_WORDS;
    const tail = Atomics.load(this.header, TAIL);
    Atomics.store(this.slots, base + NEXT, 0);
    Atomics.store(this.slots, base + PREV, tail);
    Atomics.store(this.slots, base + OWNER, SELF);
    Atomics.store(this.slots, base + STATE, WAITING);
    if (tail === 0) Atomics.store(this.header, HEAD, slot);
    else Atomics.store(this.slots, tail * SLOT_WORDS + NEXT, slot);
    Atomics.store(this.header, TAIL, slot);
    Atomics.add(this.header, COUNT, 1);
    return slot;
  }

  /** Wakes the oldest waiter; false if there is none. Under the lock. */
  wakeOne(): boolean {
    const slot = Atomics.load(this.header, HEAD);
    if (slot === 0) return false;
    this.unlink(slot);
    const word = slot * SLOT_WORDS + STATE;
    Atomics.store(this.slots, word, NOTIFIED);
    Atomics.notify(this.slots, word);
    return true;
  }

  /** Wakes up to `n` of the oldest waiters; returns how many. Under the lock. */
  wake(n: number): number {
    let woken = 0;
    while (woken < n && this.wakeOne()) woken++;
    return woken;
  }

  /**
   * The waiter of `slot` is done waiting (woken, timed out or cancelled): removes it and
   * frees the slot. True if it had been notified. Under the lock.
   */
  leave(slot: number): boolean {
    const base = slot * SLOT_WORDS;
    const notified = Atomics.load(this.slots, base + STATE) === NOTIFIED;
    if (!notified) this.unlink(slot);
    this.free(slot);
    return notified;
  }

  /**
   * The thread `deadThreadId` died: frees every slot it held (it will never `leave`
   * them). Returns how many it held, and how many of those had been notified — wake-ups
   * the caller passes on, as a waiter that gives up does. Under the lock.
   */
  reap(deadThreadId: number): { held: number; notified: number } {
    const owner = deadThreadId + 1;
    let held = 0;
    let notified = 0;
    const allocated = Atomics.load(this.header, ALLOCATED);
    for (let slot = 1; slot <= allocated; slot++) {
      const base = slot * SLOT_WORDS;
      if (Atomics.load(this.slots, base + OWNER) !== owner) continue;
      const state = Atomics.load(this.slots, base + STATE);
      if (state === FREE_SLOT) continue;
      held++;
      if (state === NOTIFIED) notified++;
      else this.unlink(slot);
      this.free(slot);
    }
    return { held, notified };
  }

  /** True once `slot` was notified. Safe without the lock. */
  notified(slot: number): boolean {
    return Atomics.load(this.slots, slot * SLOT_WORDS + STATE) === NOTIFIED;
  }

  /**
   * Sleeps (blocking the thread) until `slot` is notified or `deadline` passes; true if
   * notified. `abort`, checked after each wake-up, ends the sleep early (returns false).
   * Without the lock.
   */
  sleepSync(slot: number, deadline: number, abort?: () => boolean): boolean {
    const word = slot * SLOT_WORDS + STATE;
    for (;;) {
      if (Atomics.load(this.slots, word) === NOTIFIED) return true;
      const left = remaining(deadline);
      if (left === 0 || abort?.() === true) return false;
      waitSync(this.slots, word, WAITING, left);
    }
  }

  /**
   * Sleeps without blocking the thread until `slot` is notified or `deadline` passes;
   * resolves to true if notified. Without the lock.
   *
   * Cancellation: rejects with `CancelledError`; the slot stays in the list until the
   * caller `leave`s it (and passes on a notification it got meanwhile).
   */
  async sleep(slot: number, deadline: number, abort?: () => boolean): Promise<boolean> {
    const word = slot * SLOT_WORDS + STATE;
    for (;;) {
      if (Atomics.load(this.slots, word) === NOTIFIED) return true;
      const left = remaining(deadline);
      if (left === 0 || abort?.() === true) return false;
      await waitAsync(this.slots, word, WAITING, left);
    }
  }

  /**
   * Wakes every sleeper without notifying anyone (they find their slot still WAITING and
   * check `abort`). For a primitive broken by a dead owner, whose list can no longer be
   * walked safely. Safe without the lock.
   */
  rouseAll(): void {
    const allocated = Atomics.load(this.header, ALLOCATED);
    for (let slot = 1; slot <= allocated; slot++) {
      Atomics.notify(this.slots, slot * SLOT_WORDS + STATE);
    }
  }

  private allocate(): number {
    const free = Atomics.load(this.header, FREE);
    if (free !== 0) {
      Atomics.store(this.header, FREE, Atomics.load(this.slots, free * SLOT_WORDS + NEXT));
      return free;
    }
    const slot = Atomics.load(this.header, ALLOCATED) + 1;
    if (slot > MAX_WAITERS) {
      throw argRangeError(
        `too many waiters: more than ${MAX_WAITERS} threads or tasks wait on one primitive ` +
          'at once; wait on several primitives, or fewer at a time',
      );
    }
    const needed = (slot + 1) * SLOT_WORDS * Int32Array.BYTES_PER_ELEMENT;
    if (needed > this.slotsBuffer.byteLength) {
      this.slotsBuffer.grow(
        Math.min(this.slotsBuffer.maxByteLength, Math.max(needed, this.slotsBuffer.byteLength * 2)),
      );
    }
    Atomics.store(this.header, ALLOCATED, slot);
    return slot;
  }

  private free(slot: number): void {
    const base = slot * SLOT_WORDS;
    Atomics.store(this.slots, base + STATE, FREE_SLOT);
    Atomics.store(this.slots, base + OWNER, 0);
    Atomics.store(this.slots, base + NEXT, Atomics.load(this.header, FREE));
    Atomics.store(this.header, FREE, slot);
  }

  private unlink(slot: number): void {
    const base = slot * SLOT_WORDS;
    const next = Atomics.load(this.slots, base + NEXT);
    const prev = Atomics.load(this.slots, base + PREV);
    if (prev === 0) Atomics.store(this.header, HEAD, next);
    else Atomics.store(this.slots, prev * SLOT_WORDS + NEXT, next);
    if (next === 0) Atomics.store(this.header, TAIL, prev);
    else Atomics.store(this.slots, next * SLOT_WORDS + PREV, prev);
    Atomics.sub(this.header, COUNT, 1);
  }
}
