/**
 * `Manager`: a scope that makes shared containers (dict, list, namespace) and
 * synchronisation objects, and ends them all at `shutdown()`.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { BrokenResourceError, InvalidStateError } from '../errors.js';
import { liveBegin, liveEnd } from '../internal/base/liveObjects.js';
import type { DictKey } from '../internal/ipc/managerCores.js';
import type { Handle } from '../internal/ipc/handle.js';
import type { Core } from '../internal/ipc/resourceServer.js';
import { Barrier, type BarrierOptions } from './Barrier.js';
import { BoundedSemaphore } from './BoundedSemaphore.js';
import { Condition } from './Condition.js';
import { DictProxy } from './DictProxy.js';
import { Event } from './Event.js';
import { JoinableQueue } from './JoinableQueue.js';
import { ListProxy } from './ListProxy.js';
import { Lock } from './Lock.js';
import { NamespaceProxy } from './NamespaceProxy.js';
import { Queue } from './Queue.js';
import { RLock } from './RLock.js';
import { Semaphore } from './Semaphore.js';

/**
 * Makes shared objects — `dict()`, `list()`, `Namespace()`, `Lock()`, `Queue()`, … —
 * usable from any process they are passed to, and ends them together at `shutdown()`.
 *
 * Python equivalent: `multiprocessing.Manager()` (a started `SyncManager`) used as
 * `with Manager() as m:`; here `await using m = await Manager.start()`. The proxies'
 * methods are listed on {@link DictProxy}, {@link ListProxy} and {@link NamespaceProxy}.
 *
 * Differences:
 * - No server process: the objects are served by the process that started the manager
 *   (concur's per-process resource server, the same one that serves every
 *   `concur-ts/multiprocessing` primitive). If that process exits, other processes' calls
 *   reject with `BrokenResourceError`, as they would if Python's manager process died.
 * - Every proxy method is async.
 * - After `shutdown()`, calls on its objects (from any process) reject with
 *   `BrokenResourceError`, and making new objects throws `InvalidStateError`.
 * - No `register()`, `connect()` or remote address/authkey: managers are for the
 *   processes of one machine and user (the socket lives in a private directory).
 *
 * Cancellation: the methods are single round trips; waits (`Lock.acquire`,
 * `Queue.get`, …) cancel as documented on each class.
 *
 * @example
 * ```ts
 * await using manager = await Manager.start();
 * const results = manager.dict<number, number>();
 * await Promise.all([1, 2, 3].map((n) => run(square, n, results))); // children: results.set(n, n * n)
 * console.log(await results.items());
 * ```
 */
export class Manager implements AsyncDisposable {
  private _state: 'new' | 'started' | 'shutdown' = 'new';
  private readonly _cores: Core[] = [];

  /** Makes and starts a manager. Python: `multiprocessing.Manager()`. */
  static async start(): Promise<Manager> {
    const manager = new Manager();
    await manager.start();
    return manager;
  }

  /**
   * Starts the manager (nothing to spawn: it resolves at once).
   *
   * @throws InvalidStateError if it was already started or shut down.
   */
  async start(): Promise<void> {
    if (this._state !== 'new') {
      throw new InvalidStateError(`Manager.start() was called on a manager that is ${this._state}`);
    }
    this._state = 'started';
    liveBegin('managers', this);
  }

  private _track<H extends Handle>(handle: H): H {
    this._cores.push(handle._core!);
    return handle;
  }

  private _check(what: string): void {
    if (this._state !== 'started') {
      throw new InvalidStateError(
        `Manager.${what}() needs a started manager (this one is ${this._state}); use await Manager.start()`,
      );
    }
  }

  /** A shared dict, optionally filled from `entries`. Python: `manager.dict()`. */
  dict<K extends DictKey = DictKey, V = unknown>(
    entries?: Iterable<readonly [K, V]>,
  ): DictProxy<K, V> {
    this._check('dict');
    return this._track(new DictProxy<K, V>(entries));
  }

  /** A shared list, optionally filled from `items`. Python: `manager.list()`. */
  list<T = unknown>(items?: Iterable<T>): ListProxy<T> {
    this._check('list');
    return this._track(new ListProxy<T>(items));
  }

  /** A shared namespace. Python: `manager.Namespace()`. */
  Namespace(init?: Record<string, unknown>): NamespaceProxy {
    this._check('Namespace');
    return this._track(new NamespaceProxy(init));
  }

  /** A shared `Lock`. Python: `manager.Lock()`. */
  Lock(): Lock {
    this._check('Lock');
    return this._track(new Lock());
  }

  /** A shared `RLock`. */
  RLock(): RLock {
    this._check('RLock');
    return this._track(new RLock());
  }

  /** A shared `Semaphore`. */
  Semaphore(value = 1): Semaphore {
    this._check('Semaphore');
    return this._track(new Semaphore(value));
  }

  /** A shared `BoundedSemaphore`. */
  BoundedSemaphore(value = 1): BoundedSemaphore {
    this._check('BoundedSemaphore');
    return this._track(new BoundedSemaphore(value));
  }

  /** A shared `Condition` (over a new `RLock`, or `lock` made by this manager). */
  Condition(lock?: Lock | RLock): Condition {
    this._check('Condition');
    return this._track(new Condition(lock ?? this.RLock()));
  }

  /** A shared `Event`. */
  Event(): Event {
    this._check('Event');
    return this._track(new Event());
  }

  /** A shared `Barrier`. */
  Barrier(parties: number, options?: BarrierOptions): Barrier {
    this._check('Barrier');
    return this._track(new Barrier(parties, options));
  }

  /** A shared `Queue`. */
  Queue<T = unknown>(maxsize = 0): Queue<T> {
    this._check('Queue');
    return this._track(new Queue<T>(maxsize));
  }

  /** A shared `JoinableQueue`. */
  JoinableQueue<T = unknown>(maxsize = 0): JoinableQueue<T> {
    this._check('JoinableQueue');
    return this._track(new JoinableQueue<T>(maxsize));
  }

  /**
   * Ends every object this manager made: pending and later calls on them, in every
   * process, reject with `BrokenResourceError`. Idempotent.
   */
  async shutdown(): Promise<void> {
    if (this._state === 'shutdown') return;
    this._state = 'shutdown';
    liveEnd('managers', this);
    const error = new BrokenResourceError('the Manager that made this object was shut down');
    for (const core of this._cores.splice(0)) core.dispose(error);
  }

  /** `await using` support: `shutdown()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** `<Manager started objects=3>`. */
  [inspectCustom](): string {
    return `<Manager ${this._state} objects=${this._cores.length}>`;
  }
}
