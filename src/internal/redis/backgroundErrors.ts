/**
 * The errors of a `DistributedExecutor` or `DistributedWorker` that belong to no call —
 * Redis lost or unreachable, a bad event, BullMQ's loop failing: kept as the last one, and
 * reported to `'error'` listeners. A retry's repeat of the same error is reported once,
 * until `reset()` (Redis was ready again). Unlike Node's `EventEmitter`, an `'error'`
 * nobody listens to is never thrown.
 *
 * @module
 */
import { EventEmitter } from 'node:events';

import { argTypeError, show } from '../base/validate.js';

type Listener = (error: unknown) => void;

export class BackgroundErrors {
  /** The last error reported (or `null`). */
  last: unknown = null;
  private readonly emitter = new EventEmitter();
  /** The message last reported since `reset()`. */
  private reported: string | null = null;

  /** @param owner Names the emitter in the message for an unknown event ("a DistributedWorker"). */
  constructor(private readonly owner: string) {}

  /** Adds, adds for once, or removes an `'error'` listener; other events throw TypeError. */
  listen(how: 'on' | 'once' | 'off', event: unknown, listener: Listener): void {
    if (event !== 'error') {
      throw argTypeError(`${this.owner} emits only 'error' events, got ${show(event)}`);
    }
    this.emitter[how]('error', listener);
  }

  /** Keeps `error` as the last and reports it to the listeners, unless it repeats. */
  report(error: unknown): void {
    this.last = error;
    const message = String(error);
    if (message === this.reported) return;
    this.reported = message;
    if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', error);
  }

  /** Redis is ready again: the next error is reported even if it repeats the last. */
  reset(): void {
    this.reported = null;
  }
}
