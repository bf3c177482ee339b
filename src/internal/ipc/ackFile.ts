/**
 * The ack file of one connection to the resource server: how a queue consumer in
 * another process tells the owner which leased items it took without waking it.
 *
 *   consumer: take item n of lease l ── pwrite [l, n] at slot × 8 ──► file (page cache)
 *   owner:    reclaim / give-back / drop / qsize ── pread slot ──► items taken so far
 *
 * The owner creates the file, in its resource server's private (0700) directory, the
 * first time it leases items to a connection, and names it in the lease; the consumer
 * opens it once. The owner creates it because the owner is the one that must trust
 * it and outlive its writer: it reads the file after the consumer died (`drop`) and
 * removes it then, and the directory goes at the owner's exit; a file named by the
 * consumer would have to be announced, and checked, before it could be relied on.
 *
 * Each live lease of the connection has a slot of 8 bytes: the lease id, then how many
 * of its items the consumer took (u32 each, little-endian). One `pwrite` per take; its
 * data is in the page cache when the call returns, so a read by the owner after that
 * moment sees it. The id makes a slot reusable: a consumer's write for a lease that was
 * reclaimed meanwhile lands, at worst, in a slot now given to a later lease of the same
 * connection before that connection wrote anything for it, and reads as "none taken"
 * for the later lease.
 *
 * @module
 */
import { nodeBuiltin } from '../runtime/support.js';

const { closeSync, openSync, readSync, rmSync } = nodeBuiltin<typeof import('node:fs')>('node:fs');
const nodePath = nodeBuiltin<typeof import('node:path')>('node:path');

/** Bytes per slot: the lease id and the count of items taken. */
export const ACK_SLOT = 8;

/** The owner side: one per connection that was leased items. */
export class AckFile {
  private fd: number;
  private readonly free: number[] = [];
  private nextSlot = 0;
  private readonly a = Buffer.alloc(ACK_SLOT);
  private readonly b = Buffer.alloc(ACK_SLOT);

  constructor(dir: string, session: number) {
    this.path = nodePath.join(dir, `ack-${session}`);
    // 'wx': a new file (nobody else's); the directory is private to this user already.
    this.fd = openSync(this.path, 'wx+', 0o600);
  }

  readonly path: string;

  /** A slot for a new lease. */
  allocate(): number {
    return this.free.pop() ?? this.nextSlot++;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  /**
   * How many items of `lease` the consumer has taken, as written in `slot` (0 if the
   * slot holds another lease's record: nothing was written for this one yet).
   */
  taken(slot: number, lease: number): number {
    if (this.fd < 0) return 0;
    // A consumer may be writing this slot right now (a late write of a lease that is
    // being reclaimed): read until two reads agree, so the record is not a torn one.
    this.read(slot, this.a);
    for (let i = 0; i < 1000; i++) {
      this.read(slot, this.b);
      if (this.a.equals(this.b)) break;
      this.b.copy(this.a);
    }
    return this.a.readUInt32LE(0) === lease ? this.a.readUInt32LE(4) : 0;
  }

  private read(slot: number, into: Buffer): void {
    const n = readSync(this.fd, into, 0, ACK_SLOT, slot * ACK_SLOT);
    if (n < ACK_SLOT) into.fill(0, n); // never written that far
  }

  /** Closes and removes the file (the connection is gone and its leases were settled). */
  remove(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    rmSync(this.path, { force: true });
  }
}
