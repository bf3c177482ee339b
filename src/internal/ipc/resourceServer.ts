/**
 * The resource server: how a process serves the cross-process primitives it created.
 *
 *   owner process                                         any other process
 *   Queue/Lock/… handle ──core.call(op)──► Core           handle ──ResourceClient──┐
 *                                           ▲                                      │
 *   ResourceServer (unix socket in a 0700 temp dir) ◄── one connection per process ┘
 *      Session per connection: requests → core.call(op, args, session) → reply
 *
 * - One server per process, started (synchronously, `listen` on a unix socket) the first
 *   time a primitive is shared with another process. Its listening handle and accepted
 *   connections are unref'd: serving never keeps the owner alive, though an answer
 *   already on its way does until it is written. The temp dir is removed when the
 *   process exits.
 * - A primitive's shared state is `{ address, id, pid }`. In the owner the handle calls
 *   its core directly (no serialisation); elsewhere it goes through the client.
 * - Cores keep per-session state (who holds a lock, who waits). When a connection drops
 *   (its process exited or crashed), each core it touched is told (`drop`), so a lock
 *   held by a dead process breaks instead of hanging its waiters.
 * - Lifetime: a core that was never shared is forgotten with its last handle in the owner.
 *   Once its state has been handed out (to a child that may connect much later), it lives
 *   as long as the owner process — or until its Manager shuts down — like Python's
 *   manager objects; there is no distributed reference count.
 *
 * @module
 */
import type { Server, Socket } from 'node:net';

import { BrokenResourceError, CancelledError } from '../../errors.js';
import { Future } from '../loop/Future.js';
import { AckFile } from './ackFile.js';
import { FrameReader, Outbox, encodeFrame } from './frames.js';
import { callExceptionHandler } from '../loop/loop.js';
import { toWireError, type ClientMessage, type ServerMessage } from './resourceWire.js';
import { nodeBuiltin, osBuiltin } from '../runtime/support.js';

// node:net loads when the first core is shared (and Web Crypto's randomUUID on Windows),
// not with concur/multiprocessing: with node:crypto it was over a quarter of its import
// (46.7 -> 33.7 ms on Node 26).
const { mkdtempSync, readdirSync, rmSync } = nodeBuiltin<typeof import('node:fs')>('node:fs');
const nodePath = nodeBuiltin<typeof import('node:path')>('node:path');

/** Who is calling a core: the owner itself, or one connected process. */
export class Session {
  /** The cores this session has used (told when it drops). */
  readonly cores = new Set<Core>();
  /** Pending results by request id. */
  readonly pending = new Map<number, Future<unknown>>();
  /** Set once its connection closed: nothing may be granted to it any more. */
  dropped = false;
  private readonly outbox = new Outbox<ServerMessage>((batch) => this.write(batch));
  /** Frames handed to the socket and not yet written. */
  private pendingWrites = 0;

  private ackFile: AckFile | null = null;

  constructor(
    /** A small number naming the session in messages and statistics. */
    readonly id: number,
    private readonly socket: Socket | null,
    /** The server's private directory (where its ack file goes); null: none. */
    private readonly dir: string | null = null,
    /** Whether the server keeps its connections ref'd now (see `holdOpen`). */
    private readonly held: () => boolean = () => false,
  ) {}

  /** True while a frame is on its way out (the socket is ref'd meanwhile). */
  get writing(): boolean {
    return this.pendingWrites > 0;
  }

  private write(batch: ServerMessage[]): void {
    const socket = this.socket;
    if (socket === null || socket.destroyed) return;
    const frame = encodeFrame(batch);
    // An answer being written keeps this process alive until it is out, so that an owner
    // that ends right after answering still delivers it: Node does that by itself for an
    // unref'd socket, Bun does not (it exits with the frame cut short).
    if (this.pendingWrites++ === 0) socket.ref();
    socket.write(frame, () => {
      if (--this.pendingWrites === 0 && !this.held()) socket.unref();
    });
  }

  /**
   * The ack file of this connection (see ackFile.ts), created on first use; null for
   * the owner's own session, once dropped, or without a private directory (Windows).
   */
  acks(): AckFile | null {
    if (this.ackFile === null && this.dir !== null && !this.dropped)
      this.ackFile = new AckFile(this.dir, this.id);
    return this.ackFile;
  }

  /** @internal The server, once the cores have read it (`drop`): the file goes. */
  removeAcks(): void {
    this.ackFile?.remove();
  }

  /** True for the owner's own calls. */
  get local(): boolean {
    return this.socket === null;
  }

  send(message: ServerMessage): void {
    this.outbox.push(message);
  }
}

/** The owner's own session: never drops. */
export const LOCAL_SESSION = new Session(0, null);

/**
 * The server side of one primitive. `call` runs an operation for `session` and returns
 * its result, a `Future` of it, or throws; it must not trust `args` (they may come from
 * another process) beyond what structured clone guarantees.
 */
export abstract class Core {
  /** Its id on this process's server. */
  id = 0;
  /** Handles alive in the owner process (see the module docs on lifetime). */
  localRefs = 0;
  /** Set once its state was handed out: from then on it lives as long as this process. */
  shared = false;
  /** Set once the owner disposed of it (`Manager.shutdown`): every call then fails. */
  disposed: Error | null = null;

  abstract call(op: string, args: readonly unknown[], session: Session): unknown;

  /** The connection of `session` dropped: release or break what it held. */
  drop(_session: Session): void {}

  /** Fails every waiter with `error` and refuses further calls. */
  dispose(error: Error): void {
    this.disposed = error;
  }
}

/** Where a primitive is served: what its shared state carries. */
export interface ResourceRef {
  readonly address: string;
  readonly id: number;
  readonly pid: number;
}

class ResourceServer {
  private readonly cores = new Map<number, Core>();
  private nextId = 1;
  private nextSession = 1;
  private server: Server | null = null;
  /** The peers' connections (they alone can wake what the owner itself waits for). */
  private readonly sockets = new Map<Socket, Session>();
  /** How many of the owner's own waits are pending (see `holdOpen`). */
  private holds = 0;
  private dir: string | null = null;
  private addressPath: string | null = null;
  /** How `getActiveResourcesInfo` lists the unref'd listener, if it does (see `address`). */
  private listedIdle: string | null = null;

  /** Serves `core`; returns its id. */
  add(core: Core): number {
    const id = this.nextId++;
    core.id = id;
    this.cores.set(id, core);
    return id;
  }

  get(id: number): Core | undefined {
    return this.cores.get(id);
  }

  /** Forgets `id` once neither the owner nor a connected process uses it. */
  release(id: number): void {
    const core = this.cores.get(id);
    if (core !== undefined && core.localRefs <= 0 && !core.shared) this.cores.delete(id);
  }

  /** How many processes are connected (for the leak check). */
  connections(): number {
    return this.sockets.size;
  }

  /** How many ack files of connections are on disk (for the leak check). */
  ackFiles(): number {
    if (this.dir === null) return 0;
    try {
      return readdirSync(this.dir).filter((name) => name.startsWith('ack-')).length;
    } catch {
      return 0;
    }
  }

  /**
   * The handles `process.getActiveResourcesInfo()` shows for the server while nothing
   * waits on it: none on Node (an unref'd listener is not listed), its listener on Deno.
   * They are no leak: the server lives as long as the process (for the leak check).
   */
  idleHandles(): string[] {
    return this.listedIdle !== null && this.holds === 0 ? [this.listedIdle] : [];
  }

  /** The socket address if the server listens already, else `null`. */
  currentAddress(): string | null {
    return this.addressPath;
  }

  /** The socket address, listening from now on. */
  address(): string {
    if (this.addressPath !== null) return this.addressPath;
    // A unix socket in a private (0700) directory; on Windows, a named pipe.
    const dir =
      process.platform === 'win32'
        ? null
        : mkdtempSync(nodePath.join(osBuiltin().tmpdir(), 'concur-mp-'));
    const path =
      dir === null
        ? `\\\\.\\pipe\\concur-${process.pid}-${crypto.randomUUID()}`
        : nodePath.join(dir, 's');
    const { createServer } = nodeBuiltin<typeof import('node:net')>('node:net');
    const server = createServer((socket) => this.accept(socket));
    server.on('error', (exception: unknown) => {
      callExceptionHandler({ message: 'concur resource server error', exception });
    });
    const before = process.getActiveResourcesInfo();
    server.listen(path);
    if (this.holds === 0) {
      server.unref();
      // Node lists only what keeps the process alive; Deno lists the unref'd listener too,
      // which the leak check must then not count as left behind (see `idleHandles`).
      const after = process.getActiveResourcesInfo();
      const count = (list: string[], h: string): number => list.filter((x) => x === h).length;
      if (after.length > before.length)
        this.listedIdle = after.find((h) => count(after, h) > count(before, h)) ?? null;
    }
    this.server = server;
    this.dir = dir;
    this.addressPath = path;
    process.once('exit', () => this.removeDir());
    return path;
  }

  /**
   * Called when the owner itself starts waiting on a primitive it serves (a `get` on its
   * own queue, say): until the returned function is called, the server and its peers'
   * connections keep the process alive, as a wait on other processes should (only they
   * can end it). Serving alone never does.
   */
  holdOpen(): () => void {
    if (this.holds++ === 0) this.setRef(true);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0) this.setRef(false);
    };
  }

  private setRef(on: boolean): void {
    if (on) {
      this.server?.ref();
      for (const socket of this.sockets.keys()) socket.ref();
    } else {
      this.server?.unref();
      for (const [socket, session] of this.sockets) if (!session.writing) socket.unref();
    }
  }

  private removeDir(): void {
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private accept(socket: Socket): void {
    if (this.holds === 0) socket.unref();
    const session = new Session(this.nextSession++, socket, this.dir, () => this.holds > 0);
    this.sockets.set(socket, session);
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = reader.push(chunk);
      } catch (exception) {
        // Not our protocol (or a corrupted stream): drop this peer, keep serving others.
        callExceptionHandler({ message: 'concur resource server: unreadable frame', exception });
        socket.destroy();
        return;
      }
      for (const message of messages) this.receive(session, message as ClientMessage);
    });
    socket.on('error', () => {
      // A peer that vanishes mid-write shows up here and then as 'close', where the
      // session is dropped; the error itself carries nothing more to act on.
      socket.destroy();
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.dropSession(session);
    });
  }

  private dropSession(session: Session): void {
    session.dropped = true;
    // Cores first (they see what the session still waits for), then its waits end.
    for (const core of session.cores) core.drop(session);
    session.removeAcks(); // the cores have read it: what the process took is settled
    for (const future of session.pending.values()) future.cancel('the client disconnected');
    session.pending.clear();
    session.cores.clear();
  }

  private receive(session: Session, message: ClientMessage): void {
    if (message.t === 'c') {
      session.pending.get(message.r)?.cancel('cancelled by the caller');
      return;
    }
    const core = this.cores.get(message.id);
    const r = message.r;
    let result: unknown;
    try {
      result = invoke(core, message.op, message.a, session);
    } catch (error) {
      if (r !== 0) session.send({ t: 'e', r, e: toWireError(error) });
      else
        callExceptionHandler({
          message: `concur resource ${message.op}() failed`,
          exception: error,
        });
      return;
    }
    if (!(result instanceof Future)) {
      if (r !== 0) session.send({ t: 'r', r, v: result });
      return;
    }
    const future = result as Future<unknown>;
    if (future.done()) {
      reply(session, r, future);
      return;
    }
    session.pending.set(r, future);
    future.addDoneCallback(() => {
      session.pending.delete(r);
      reply(session, r, future);
    });
  }
}

function reply(session: Session, r: number, future: Future<unknown>): void {
  if (r === 0) return;
  // Every request is answered once, a cancelled one too: the client keeps the call until
  // then, to catch a result that crossed its cancel (see resourceClient.ts).
  if (future.cancelled()) {
    session.send({ t: 'e', r, e: toWireError(new CancelledError()) });
    return;
  }
  const error = future.exception();
  if (error !== null) session.send({ t: 'e', r, e: toWireError(error) });
  else session.send({ t: 'r', r, v: future.result() });
}

/** Runs `op` on `core` for `session` (validating the target). */
export function invoke(
  core: Core | undefined,
  op: string,
  args: readonly unknown[],
  session: Session,
): unknown {
  if (core === undefined) throw gone();
  if (core.disposed !== null) throw core.disposed;
  if (!session.local) session.cores.add(core);
  return core.call(op, args, session);
}

function gone(): Error {
  return new BrokenResourceError(
    'this resource no longer exists: its owner process released it (no handle on it is left there)',
  );
}

/** This process's server. */
export const server = new ResourceServer();
