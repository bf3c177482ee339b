/**
 * The base of every `concur/multiprocessing` primitive handle: where its calls go.
 *
 *   in the owner process:   handle ──invoke(core, op, args, LOCAL_SESSION)──► Core
 *   in any other process:   handle ──ResourceClient.call(id, op, args)──► owner's server
 *
 * A handle crosses to another process as `{ __concur: 'mp.<Type>', state: { address,
 * id, pid, …extra } }` (the shareable protocol of shareable.ts); the reviver there builds
 * a remote handle. A state that comes back to its owner process rebuilds a local handle.
 *
 * @module
 */
import { Future } from '../loop/Future.js';
import { taskContext } from '../runtime/taskContext.js';
import { checkCloneable } from '../worker/codec.js';
import { ResourceClient, type LateHandler } from './resourceClient.js';
import { LOCAL_SESSION, invoke, server, type Core, type ResourceRef } from './resourceServer.js';
import { decodeShared, encodeShared, kShare, type SharedState } from '../shm/shareable.js';

const lifetimes = new FinalizationRegistry<Core>((core) => {
  core.localRefs--;
  server.release(core.id);
});

/** The shared state of a handle: where it is served, plus per-type extras. */
export interface HandleState extends ResourceRef {
  readonly [extra: string]: unknown;
}

let reviving: HandleState | null = null;

/**
 * Rebuilds a handle of class `cls` on the resource `state` describes (the reviver of the
 * shareable protocol). The constructor sees `_revived` set and skips creating a core.
 */
export function reviveHandle<T extends Handle>(cls: new () => T, state: HandleState): T {
  reviving = state;
  try {
    return new cls();
  } finally {
    reviving = null;
  }
}

export abstract class Handle {
  /** @internal The core, in its owner process; `null` elsewhere. */
  _core: Core | null = null;
  private _client: ResourceClient | null = null;
  private _id = 0;
  private _pid = process.pid;
  private _address: string | null = null;
  /** The state this handle was revived from (in a constructor: skip creating a core). */
  protected readonly _revived: HandleState | null;

  constructor() {
    this._revived = reviving;
    reviving = null;
    if (this._revived !== null) this._attach(this._revived);
  }

  /** The registered shareable type name, e.g. `'mp.Lock'`. */
  protected abstract get _typeName(): string;

  /** Per-type additions to the shared state (e.g. a Barrier's `parties`). */
  protected _extraState(): Record<string, unknown> {
    return {};
  }

  /** Serves `core` from this process and binds this handle to it. */
  protected _serve(core: Core): void {
    if (core.id === 0) server.add(core);
    this._bindLocal(core);
  }

  private _bindLocal(core: Core): void {
    this._core = core;
    this._id = core.id;
    core.localRefs++;
    lifetimes.register(this, core);
  }

  private _attach(state: HandleState): void {
    if (state.pid === process.pid && state.address === server.currentAddress()) {
      const core = server.get(state.id);
      if (core !== undefined) {
        this._bindLocal(core);
        return;
      }
    }
    this._id = state.id;
    this._pid = state.pid;
    this._address = state.address;
    this._client = ResourceClient.for(state.address, state.pid);
  }

  /** True in the process that created (and serves) the primitive. */
  protected get _local(): boolean {
    return this._core !== null;
  }

  /** The pid of the process that owns (serves) the primitive. */
  get ownerPid(): number {
    return this._pid;
  }

  /**
   * Runs `op` on the primitive: a concur `Future` (or settled promise) of its result.
   * `onLate` receives a remote result that arrived after the call was cancelled.
   */
  protected _call(op: string, args: readonly unknown[], onLate?: LateHandler): PromiseLike<any> {
    if (this._client !== null) return this._client.call(this._id, op, args, onLate);
    try {
      const result = invoke(this._core!, op, args, LOCAL_SESSION);
      return result instanceof Future ? result : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `_call` as a native promise (what the public async methods return). */
  protected async _request(op: string, args: readonly unknown[]): Promise<any> {
    return await this._call(op, args);
  }

  /** Runs `op` without waiting for an answer; a local failure throws. */
  protected _post(op: string, args: readonly unknown[]): void {
    if (this._client !== null) this._client.post(this._id, op, args);
    else invoke(this._core!, op, args, LOCAL_SESSION);
  }

  /**
   * Remote handles: the descriptor of the ack file at `path` (a queue's lease names it),
   * opened once per connection. Throws `BrokenResourceError` once the owner is gone.
   */
  protected _ackFd(path: string): number {
    return this._client!.ackFd(path);
  }

  /** @internal The shareable protocol. */
  [kShare](): SharedState {
    const address = this._address ?? server.address();
    if (this._core !== null) this._core.shared = true;
    const state: HandleState = { address, id: this._id, pid: this._pid, ...this._extraState() };
    return { __concur: this._typeName, state };
  }
}

/**
 * Prepares a value for the primitive's owner: refuses what cannot cross (at the call,
 * with `SerializationError`), replaces concur primitives by their shared state, and, in
 * the owner itself, copies objects (so later changes by the caller do not leak in, as
 * with a pickled copy in Python).
 */
export function outgoing(value: unknown, what: string, local: boolean): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') {
      throw checkCloneable(value, what)!;
    }
    return value;
  }
  const encoded = encodeShared(value);
  const problem = checkCloneable(encoded, what);
  if (problem !== null) throw problem;
  return local ? structuredClone(encoded) : encoded;
}

/** The inverse of `outgoing` for a value received from the owner. */
export function incoming(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return decodeShared(value);
}

const tokens = new WeakMap<object, number>();
let nextToken = 1;

/**
 * Who is calling within this process, for reentrant ownership (RLock): the current
 * task, or 0 outside any task. Python's RLock owner is a thread; here it is a task.
 */
export function callerToken(): number {
  const task = taskContext.getStore();
  if (task === undefined || task.done()) return 0;
  let token = tokens.get(task);
  if (token === undefined) {
    token = nextToken++;
    tokens.set(task, token);
  }
  return token;
}
