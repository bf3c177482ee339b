/**
 * Framing for the resource server's wire: a frame is a 4-byte big-endian length followed
 * by that many bytes of `v8.serialize` output (an array of messages). One socket write
 * carries one frame, however many messages were queued before the flush, so a burst of
 * `put`s or `send`s crosses as one frame.
 *
 * @module
 */
import { v8Serializer } from '../runtime/support.js';

const HEADER = 4;

/** Serialises `messages` as one frame. Throws what `v8.serialize` throws. */
export function encodeFrame(messages: readonly unknown[]): Buffer {
  const body = v8Serializer().serialize(messages);
  const frame = Buffer.allocUnsafe(HEADER + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER);
  return frame;
}

/**
 * Reassembles frames from socket chunks. `push(chunk)` returns the messages of every
 * frame the chunk completed, in order.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): unknown[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: unknown[] = [];
    for (;;) {
      if (this.buffered < HEADER) return out;
      let head = this.chunks[0]!;
      if (head.length < HEADER) head = this.join();
      const length = head.readUInt32BE(0);
      if (this.buffered < HEADER + length) return out;
      if (head.length < HEADER + length) head = this.join();
      const messages = v8Serializer().deserialize(
        head.subarray(HEADER, HEADER + length),
      ) as unknown[];
      for (const message of messages) out.push(message);
      const rest = head.subarray(HEADER + length);
      this.chunks[0] = rest;
      this.buffered -= HEADER + length;
      if (rest.length === 0) this.chunks.shift();
    }
  }

  private join(): Buffer {
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }
}

/** A batch this long is sent at once rather than at the end of the turn. */
const MAX_BATCH = 1024;

/**
 * Collects the messages queued during one event-loop turn and hands them to `deliver`
 * together (in `setImmediate`, or at once when `MAX_BATCH` accumulate): how a burst —
 * even a loop of awaited `put`s, which interleaves with microtasks — becomes a few large
 * frames instead of one frame per message. The pending `setImmediate` keeps the process
 * alive until the batch is written.
 */
export class Outbox<M> {
  private batch: M[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly deliver: (batch: M[]) => void) {}

  push(message: M): void {
    this.batch.push(message);
    if (this.batch.length >= MAX_BATCH) this.flush();
    else this.scheduled ??= setImmediate(this.flush);
  }

  /** Hands over what is queued now (before an exit). */
  flushNow(): void {
    this.flush();
  }

  private readonly flush = (): void => {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.batch;
    this.batch = [];
    if (batch.length > 0) this.deliver(batch);
  };
}
