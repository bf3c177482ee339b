/**
 * `Pipe()` and `Connection`: two connected ends that send objects to each other across
 * processes.
 *
 *   Pipe() in process P:  channel A→B and channel B→A, both served by P
 *   end A: send → A→B, recv ← B→A          end B: send → B→A, recv ← A→B
 *
 * Each direction is a queue served by the creating process (see internal/ipc/queueHandle.ts), so
 * either end can move to any process, and a burst of `send`s crosses as one frame.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { BrokenResourceError, EOFError, InvalidStateError } from '../errors.js';
import { Future } from '../internal/loop/Future.js';
import { checkTimeout } from '../internal/shm/futex.js';
import { argTypeError, show } from '../internal/base/validate.js';
import { reviveHandle, type HandleState } from '../internal/ipc/handle.js';
import { QueueBase } from '../internal/ipc/queueHandle.js';
import {
  decodeShared,
  encodeShared,
  kShare,
  registerShareable,
  type Shareable,
  type SharedState,
} from '../internal/shm/shareable.js';

/** One direction of a pipe. */
class PipeChannel extends QueueBase<unknown> {
  constructor() {
    super(0, 'Connection', false, true);
  }

  protected get _typeName(): string {
    return 'mp.PipeChannel';
  }

  protected get _what(): string {
    return 'Connection';
  }

  send(item: unknown): void {
    this._send(item);
  }

  recv(): Promise<unknown> {
    return this._get(Infinity);
  }

  async poll(ms: number): Promise<boolean> {
    if (this._hasBuffered) return true;
    return this._ask<boolean>('poll', [ms]);
  }

  /** `poll` as the raw call: a concur Future that `wait()` can cancel. */
  _pollCallOrEof(ms: number): PromiseLike<boolean> {
    if (this._hasBuffered) return Promise.resolve(true);
    return this._call('poll', [ms]);
  }

  closeWriter(): void {
    this._post('closeWriter', []);
  }

  static {
    registerShareable('mp.PipeChannel', (state: HandleState) => reviveHandle(PipeChannel, state));
  }
}

/**
 * One end of a {@link Pipe}: `send` objects to the other end, `recv` what it sent.
 *
 * Python equivalent: `multiprocessing.connection.Connection` — `send(obj)`, `recv()`,
 * `poll(timeout)`, `close()`, `closed`, `readable`, `writable`. After the other end is
 * closed (or the process holding it exits) and everything it sent was received,
 * `recv()` rejects with `EOFError`.
 *
 * Differences:
 * - `recv()` and `poll()` return promises; `send()` is synchronous and never blocks (the
 *   pipe has no capacity limit; Python's blocks when the OS buffer is full).
 * - Objects are structured-cloned; an object that cannot be cloned throws
 *   `SerializationError` from `send` (Python: `PicklingError`) and the pipe carries on.
 *   There is no `sendBytes`/`recvBytes`: send a `Uint8Array`/`Buffer`.
 * - Using a closed end, sending on a receive-only end or receiving on a send-only end
 *   throws `InvalidStateError` (Python: `OSError`).
 * - The pipe is served by the process that called `Pipe()`: if that process exits, the
 *   other ends see `EOFError`. An end counts as closed when `close()` is called or when
 *   the process that sent on it exits.
 *
 * Cancellation: a task cancelled in `recv()` rejects with `CancelledError`; an object
 * already on its way goes back to the pipe, for the next `recv`.
 *
 * @example
 * ```ts
 * const [parentEnd, childEnd] = Pipe();
 * new Process({ target: echo, args: [childEnd] }).start(); // echo: end.send(await end.recv())
 * parentEnd.send({ hello: 'child' });
 * console.log(await parentEnd.recv());
 * ```
 */
export class Connection implements Shareable {
  private _closed = false;

  /** @internal Use {@link Pipe}. */
  constructor(
    private readonly _in: PipeChannel | null,
    private readonly _out: PipeChannel | null,
  ) {}

  /** True if this end can receive. */
  get readable(): boolean {
    return this._in !== null;
  }

  /** True if this end can send. */
  get writable(): boolean {
    return this._out !== null;
  }

  /** True once `close()` was called on this end (in this process). */
  get closed(): boolean {
    return this._closed;
  }

  private _check(what: string): void {
    if (this._closed) {
      throw new InvalidStateError(`Connection.${what}() was called on a closed connection`);
    }
  }

  /**
   * Sends `obj` to the other end (a structured-clone copy).
   *
   * @throws SerializationError for an object that cannot be cloned; InvalidStateError
   * on a closed or receive-only end; BrokenResourceError if the pipe's owner process is
   * gone.
   */
  send(obj: unknown): void {
    this._check('send');
    if (this._out === null) {
      throw new InvalidStateError(
        'Connection.send() was called on a receive-only end (Pipe(false)[0])',
      );
    }
    this._out.send(obj);
  }

  /**
   * Receives the next object the other end sent, waiting for one.
   *
   * @throws InvalidStateError (at the call) on a closed or send-only end. Rejects with
   * EOFError once the other end is closed and nothing is left.
   */
  recv(): Promise<unknown> {
    const channel = this._readable('recv');
    return channel.recv().then(undefined, (error: unknown) => {
      throw eofIfOwnerGone(error);
    });
  }

  /**
   * Resolves to true if an object (or the end of the stream) is ready to `recv`, waiting
   * up to `timeout` ms (default 0: just look; `null`/`-1`: no limit).
   *
   * @throws InvalidStateError (at the call) on a closed or send-only end; RangeError/
   * TypeError for a bad timeout.
   */
  poll(timeout: number | null = 0): Promise<boolean> {
    const channel = this._readable('poll');
    const ms = checkTimeout('Connection.poll() timeout', timeout);
    return channel.poll(ms).then(undefined, (error: unknown) => {
      if (error instanceof BrokenResourceError) return true; // recv would report EOF
      throw error;
    });
  }

  /** @internal `wait()`: a cancellable poll (true: something to receive, or EOF). */
  _pollCall(ms: number): PromiseLike<boolean> {
    return this._readable('poll')._pollCallOrEof(ms);
  }

  private _readable(what: string): PipeChannel {
    this._check(what);
    if (this._in === null) {
      throw new InvalidStateError(
        `Connection.${what}() was called on a send-only end (Pipe(false)[1])`,
      );
    }
    return this._in;
  }

  /**
   * Closes this end (idempotent): the other end receives what was already sent, then
   * `EOFError`.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    if (this._out === null) return;
    try {
      this._out.closeWriter();
    } catch (error) {
      // The owner is gone: the other end already sees the end of the stream.
      if (!(error instanceof BrokenResourceError)) throw error;
    }
  }

  /** `<Connection readable writable>`. */
  [inspectCustom](): string {
    const flags = [
      this.readable && 'readable',
      this.writable && 'writable',
      this._closed && 'closed',
    ];
    return `<Connection ${flags.filter(Boolean).join(' ')}>`;
  }

  /** @internal The shareable protocol. */
  [kShare](): SharedState {
    return {
      __concur: 'mp.Connection',
      state: { in: encodeShared(this._in), out: encodeShared(this._out) },
    };
  }

  static {
    registerShareable(
      'mp.Connection',
      (state: { in: unknown; out: unknown }) =>
        new Connection(
          decodeShared(state.in) as PipeChannel | null,
          decodeShared(state.out) as PipeChannel | null,
        ),
    );
  }
}

function eofIfOwnerGone(error: unknown): unknown {
  if (error instanceof BrokenResourceError) {
    return new EOFError('the process that created the pipe has exited', { cause: error });
  }
  return error;
}

/**
 * Makes a pipe: two connected {@link Connection}s. With `duplex` (default) both ends
 * send and receive; with `duplex: false` the first end only receives and the second
 * only sends.
 *
 * Python equivalent: `multiprocessing.Pipe(duplex=True)`.
 *
 * @throws TypeError if `duplex` is not a boolean.
 * @example
 * ```ts
 * const [reader, writer] = Pipe(false);
 * writer.send('hi');
 * console.log(await reader.recv()); // 'hi'
 * ```
 */
export function Pipe(duplex = true): [Connection, Connection] {
  if (typeof duplex !== 'boolean') {
    throw argTypeError(`Pipe(duplex) takes a boolean, got ${show(duplex)}`);
  }
  const ab = new PipeChannel();
  if (!duplex) return [new Connection(ab, null), new Connection(null, ab)];
  const ba = new PipeChannel();
  return [new Connection(ba, ab), new Connection(ab, ba)];
}

/**
 * Waits until at least one of `connections` has something to receive (or has reached
 * its end), or `timeout` ms pass; resolves to the ready ones, in the given order (empty
 * on timeout).
 *
 * Python equivalent: `multiprocessing.connection.wait(object_list, timeout=None)`, for
 * connections only (no sockets or process sentinels). A negative timeout other than -1
 * is refused with `RangeError` (Python returns at once).
 *
 * Cancellation: a cancelled `wait` stops every poll it started.
 *
 * @throws TypeError (at the call) for something that is not a readable, open
 * `Connection`; RangeError/TypeError for a bad timeout.
 * @example
 * ```ts
 * for (const conn of await wait([a, b], 1000)) console.log(await conn.recv());
 * ```
 */
export async function wait(
  connections: readonly Connection[],
  timeout: number | null = null,
): Promise<Connection[]> {
  const ms = checkTimeout('wait() timeout', timeout);
  for (const c of connections) {
    if (!(c instanceof Connection)) {
      throw argTypeError(`wait() takes Connections, got ${show(c)}`);
    }
  }
  const polls = connections.map((c) => c._pollCall(ms));
  // A concur future, so that a cancelled task stops here (and the polls end below).
  const first = new Future<void>();
  let left = polls.length;
  if (left === 0) first.setResult(undefined);
  for (const poll of polls) {
    poll.then(
      (ready) => {
        if ((ready || --left === 0) && !first.done()) first.setResult(undefined);
      },
      (error: unknown) => {
        if (!first.done()) first.setException(error);
      },
    );
  }
  try {
    await first;
  } finally {
    for (const p of polls) if (p instanceof Future && !p.done()) p.cancel();
  }
  const ready = await Promise.all(connections.map((c) => c.poll(0)));
  return connections.filter((_, i) => ready[i]);
}
