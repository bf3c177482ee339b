/**
 * The client side of the resource server: one connection per process per owner,
 * multiplexing every primitive served there.
 *
 *   handle._call(op) ──► ResourceClient.call ──outbox──(one frame per turn)───────► server
 *   RemoteCall (a Future) ◄── reply { r } ◄─────────────────────────────────────── server
 *
 * - Messages queued in one synchronous run leave as one frame (see frames.ts).
 * - The socket is ref'd only while a call is pending or a frame is being written: a
 *   process waiting for a lock stays alive, as does one whose last `put` is still leaving;
 *   an idle one may exit. Queued messages are handed to the socket in `setImmediate` (the
 *   pending immediate keeps the process alive until then).
 * - Cancelling a `RemoteCall` cancels the request on the server. The server answers every
 *   request exactly once; an answer that was already on its way when the cancel left is
 *   handed to the call's `onLate` (e.g. a lock granted to a cancelled acquire is released,
 *   items fetched for a cancelled get go back to the queue).
 * - When the owner process exits (the connection closes), every pending and later call
 *   fails with `BrokenResourceError`.
 *
 * @module
 */
import type { Socket } from 'node:net';

import { BrokenResourceError } from '../../errors.js';
import { Future } from '../loop/Future.js';
import { cloneFailure } from '../worker/codec.js';
import { FrameReader, Outbox, encodeFrame } from './frames.js';
import { callExceptionHandler } from '../loop/loop.js';
import { fromWireError, type ClientMessage, type ServerMessage } from './resourceWire.js';
import { nodeBuiltin } from '../runtime/support.js';

const { closeSync, openSync } = nodeBuiltin<typeof import('node:fs')>('node:fs');

/** What to do with a result that arrives after its call was cancelled. */
export type LateHandler = (value: unknown) => void;

class RemoteCall extends Future<unknown> {
  constructor(
    private readonly client: ResourceClient,
    readonly r: number,
    readonly onLate: LateHandler | undefined,
  ) {
    super();
  }

  override cancel(msg?: string): boolean {
    if (!super.cancel(msg)) return false;
    this.client.cancelRequest(this.r);
    return true;
  }
}

const clients = new Map<string, ResourceClient>();

/** Work to do before this process exits (a queue handle's give-back of prefetched items). */
const beforeExit = new Set<() => void>();

/** Registers `fn` to run in `flushResourceClients` (until it unregisters itself). */
export function runBeforeExit(fn: () => void): void {
  beforeExit.add(fn);
}

export function cancelBeforeExit(fn: () => void): void {
  beforeExit.delete(fn);
}

/** The longest an exiting process waits for its last frames to be written. */
const EXIT_FLUSH_LIMIT_MS = 5000;

/**
 * Sends everything this process still owes other processes — prefetched items to give
 * back, queued `put`s and `send`s — and resolves once it is written (or after
 * `EXIT_FLUSH_LIMIT_MS`, so an owner that stopped reading cannot hold an exit forever).
 * Never rejects. A runtime that ends its process with `process.exit()` calls it first.
 */
export async function flushResourceClients(): Promise<void> {
  for (const fn of [...beforeExit]) fn();
  const drained = Promise.all([...clients.values()].map((client) => client.drained()));
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_FLUSH_LIMIT_MS)));
  await Promise.race([drained, limit]);
  clearTimeout(timer);
}

export class ResourceClient {
  private readonly socket: Socket;
  private readonly pending = new Map<number, RemoteCall>();
  private nextR = 1;
  private readonly outbox = new Outbox<ClientMessage>((batch) => this.flush(batch));
  private broken: BrokenResourceError | null = null;
  private refd = false;
  /** Frames handed to the socket and not yet written; who waits for that to reach 0. */
  private writing = 0;
  private drainWaiters: (() => void)[] = [];
  /** The ack file this process writes its queue takes to (see ackFile.ts). */
  private ack: { readonly path: string; readonly fd: number } | null = null;

  /** The (shared) client for the server at `address`, owned by process `pid`. */
  static for(address: string, pid: number): ResourceClient {
    let client = clients.get(address);
    if (client === undefined) {
      client = new ResourceClient(address, pid);
      clients.set(address, client);
    }
    return client;
  }

  private constructor(
    address: string,
    private readonly pid: number,
  ) {
    // (node:net loads with the first connection, not with concur/multiprocessing.)
    this.socket = nodeBuiltin<typeof import('node:net')>('node:net').connect(address);
    this.socket.unref();
    const reader = new FrameReader();
    this.socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = reader.push(chunk);
      } catch (error) {
        this.breakWith(error as Error); // a corrupted stream: the connection is unusable
        return;
      }
      for (const message of messages) this.receive(message as ServerMessage);
    });
    this.socket.on('error', (error) => this.breakWith(error));
    this.socket.on('close', () => this.breakWith(null));
  }

  /** Sends `op` to resource `id`; the future settles with the server's answer. */
  call(id: number, op: string, args: readonly unknown[], onLate?: LateHandler): Future<unknown> {
    const r = this.nextR++;
    const call = new RemoteCall(this, r, onLate);
    if (this.broken !== null) {
      call.setException(this.broken);
      return call;
    }
    this.pending.set(r, call);
    this.updateRef();
    this.send({ t: 'q', r, id, op, a: args });
    return call;
  }

  /** Sends `op` to resource `id` without waiting for an answer. */
  post(id: number, op: string, args: readonly unknown[]): void {
    if (this.broken !== null) throw this.broken;
    this.send({ t: 'q', r: 0, id, op, a: args });
  }

  /**
   * The descriptor of this connection's ack file at `path` (named by the owner in a
   * lease, see ackFile.ts), opened on first use and closed when the connection breaks.
   */
  ackFd(path: string): number {
    if (this.broken !== null) throw this.broken;
    // One file per connection: `path` is always the same one.
    this.ack ??= { path, fd: openSync(path, 'r+') };
    return this.ack.fd;
  }

  /** @internal RemoteCall.cancel: ask the server to drop request `r`. */
  cancelRequest(r: number): void {
    if (this.broken === null) this.send({ t: 'c', r });
  }

  /** The error every call fails with once the owner is gone, else `null`. */
  get brokenError(): BrokenResourceError | null {
    return this.broken;
  }

  private send(message: ClientMessage): void {
    this.outbox.push(message);
  }

  private flush(batch: ClientMessage[]): void {
    if (this.broken !== null) return;
    let frame: Buffer;
    try {
      frame = encodeFrame(batch);
    } catch {
      // Something in the batch escaped the pre-send check: send the rest one by one so
      // only the offending message fails.
      this.flushOneByOne(batch);
      return;
    }
    this.write(frame);
  }

  private write(frame: Buffer): void {
    if (this.writing++ === 0) this.updateRef();
    this.socket.write(frame, () => {
      if (--this.writing === 0) this.wakeDrainWaiters();
    });
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    this.updateRef();
    for (const resolve of waiters) resolve();
  }

  /** Resolves once every queued message has been written (or the connection is gone). */
  drained(): Promise<void> {
    this.outbox.flushNow();
    if (this.writing === 0 || this.broken !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      this.updateRef(); // a wait for a write keeps the process alive, as a call does
    });
  }

  private flushOneByOne(batch: readonly ClientMessage[]): void {
    for (const message of batch) {
      try {
        this.write(encodeFrame([message]));
      } catch (cause) {
        const error = cloneFailure(
          `the value sent to ${message.t === 'q' ? message.op : 'cancel'}()`,
          cause,
        );
        const call = message.t === 'q' ? this.pending.get(message.r) : undefined;
        if (call !== undefined) {
          this.pending.delete(call.r);
          if (!call.done()) call.setException(error);
          this.updateRef();
        } else {
          callExceptionHandler({
            message: 'a value could not be sent to its owner process',
            exception: error,
          });
        }
      }
    }
  }

  private receive(message: ServerMessage): void {
    const call = this.pending.get(message.r);
    if (call === undefined) return;
    this.pending.delete(message.r);
    this.updateRef();
    if (call.cancelled()) {
      if (message.t === 'r' && call.onLate !== undefined) call.onLate(message.v);
      return;
    }
    if (message.t === 'r') call.setResult(message.v);
    else call.setException(fromWireError(message.e));
  }

  private breakWith(cause: Error | null): void {
    if (this.broken !== null) return;
    this.broken = new BrokenResourceError(
      `the process that owns this resource (pid ${this.pid}) has exited or closed its ` +
        'connection; the resource is gone with it',
      cause === null ? undefined : { cause },
    );
    this.socket.destroy();
    if (this.ack !== null) closeSync(this.ack.fd);
    this.ack = null;
    this.wakeDrainWaiters();
    const calls = [...this.pending.values()];
    this.pending.clear();
    this.updateRef();
    for (const call of calls) if (!call.done()) call.setException(this.broken);
  }

  private updateRef(): void {
    // A write in progress holds a ref of its own: Node keeps a process alive while an
    // unref'd socket still has bytes to write, Bun does not (it exits after the first
    // ~400 KB of a large frame), so a process that sends and ends would lose the rest.
    const want =
      this.pending.size > 0 ||
      this.drainWaiters.length > 0 ||
      (this.writing > 0 && this.broken === null);
    if (want === this.refd) return;
    this.refd = want;
    if (want) this.socket.ref();
    else this.socket.unref();
  }
}
