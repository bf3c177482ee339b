/**
 * The futures a pool has sent to its workers and not yet seen answered, by slot. A task's
 * slot is its id on the wire (protocol.ts): a worker's RESULTS name slots, and the table
 * turns each back into its future. Freed slots are reused, so ids stay small.
 *
 * @module
 */
import type { PoolFuture, PoolWorkerRef } from './poolFuture.js';

export class InFlight {
  private readonly slots: (PoolFuture<unknown> | undefined)[] = [];
  private readonly freeSlots: number[] = [];

  /** Puts `future` in a free slot; returns the slot (the task's wire id). */
  add(future: PoolFuture<unknown>): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slots.length;
    this.slots[slot] = future;
    future._slot = slot;
    return slot;
  }

  /** Takes `future` out of the table (harmless if it holds no slot). */
  remove(future: PoolFuture<unknown>): void {
    const slot = future._slot;
    if (slot < 0) return;
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    future._slot = -1;
  }

  /**
   * The future in `slot` if `worker` runs it, taken out of the table (no longer bound to
   * a slot or a worker); `undefined` for an answer that is stale (a worker that died and
   * whose tasks went elsewhere).
   */
  take(slot: number, worker: PoolWorkerRef): PoolFuture<unknown> | undefined {
    const future = this.slots[slot];
    if (future === undefined || future._worker !== worker) return undefined;
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    future._slot = -1;
    future._worker = null;
    return future;
  }

  /** Takes out every future `worker` runs (in slot order). */
  takeAll(worker: PoolWorkerRef): PoolFuture<unknown>[] {
    const taken: PoolFuture<unknown>[] = [];
    for (let slot = 0; slot < this.slots.length; slot++) {
      const future = this.take(slot, worker);
      if (future !== undefined) taken.push(future);
    }
    return taken;
  }

  /** Every future in the table. */
  *[Symbol.iterator](): IterableIterator<PoolFuture<unknown>> {
    for (const future of this.slots) if (future !== undefined) yield future;
  }
}
