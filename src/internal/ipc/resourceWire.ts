/**
 * The messages of the resource server's wire and how errors cross it.
 *
 *   client ──{ t:'q', r, id, op, a }──► server   request (r = 0: no reply wanted)
 *   client ──{ t:'c', r }─────────────► server   cancel request r
 *   client ◄─{ t:'r', r, v }─────────── server   result of request r
 *   client ◄─{ t:'e', r, e }─────────── server   error of request r
 *
 * concur's own errors (QueueEmpty, BrokenResourceError, …) are rebuilt as the same class
 * from their stable `code`, through the fixed table below (never by a name the peer
 * chose); `RangeError`/`TypeError` (Python's ValueError) keep their built-in class; any
 * other error arrives as a `RemoteError`.
 *
 * @module
 */
import {
  BrokenBarrierError,
  BrokenResourceError,
  CancelledError,
  ConcurError,
  EOFError,
  InvalidStateError,
  QueueEmpty,
  QueueFull,
  RemoteError,
  SerializationError,
  TimeoutError,
  type SerializedError,
} from '../../errors.js';
import { deserializeError, serializeError } from '../worker/codec.js';
import { argRangeError, argTypeError } from '../base/validate.js';

export interface Request {
  readonly t: 'q';
  readonly r: number;
  readonly id: number;
  readonly op: string;
  readonly a: readonly unknown[];
}
export interface Cancel {
  readonly t: 'c';
  readonly r: number;
}
export interface Reply {
  readonly t: 'r';
  readonly r: number;
  readonly v: unknown;
}
export interface ErrorReply {
  readonly t: 'e';
  readonly r: number;
  readonly e: WireError;
}
export type ClientMessage = Request | Cancel;
export type ServerMessage = Reply | ErrorReply;

/** An error on the wire: one of ours by code, a built-in by name, or anything else. */
export type WireError =
  | { readonly kind: 'concur'; readonly code: string; readonly message: string }
  | { readonly kind: 'builtin'; readonly name: string; readonly message: string }
  | { readonly kind: 'remote'; readonly error: SerializedError };

type ErrorClass = new (message: string) => Error;

const OURS: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ['ERR_CONCUR_QUEUE_EMPTY', QueueEmpty],
  ['ERR_CONCUR_QUEUE_FULL', QueueFull],
  ['ERR_CONCUR_BROKEN_RESOURCE', BrokenResourceError],
  ['ERR_CONCUR_BROKEN_BARRIER', BrokenBarrierError],
  ['ERR_CONCUR_INVALID_STATE', InvalidStateError],
  ['ERR_CONCUR_EOF', EOFError],
  ['ERR_CONCUR_TIMEOUT', TimeoutError],
  ['ERR_CONCUR_SERIALIZATION', SerializationError],
  ['ERR_CONCUR_CANCELLED', CancelledError],
]);

/** How `error` crosses to a client. */
export function toWireError(error: unknown): WireError {
  // A RemoteError carries its task's code, which may be one of ours: it still crosses
  // as the remote error it is.
  if (error instanceof ConcurError && !(error instanceof RemoteError) && OURS.has(error.code)) {
    return { kind: 'concur', code: error.code, message: error.message };
  }
  if (error instanceof RangeError || error instanceof TypeError) {
    return { kind: 'builtin', name: error.name, message: error.message };
  }
  return { kind: 'remote', error: serializeError(error) };
}

/** Rebuilds an error that crossed from the server. */
export function fromWireError(wire: WireError): Error {
  if (wire.kind === 'concur') {
    const Class = OURS.get(wire.code);
    if (Class !== undefined) return new Class(wire.message);
  } else if (wire.kind === 'builtin') {
    return wire.name === 'RangeError' ? argRangeError(wire.message) : argTypeError(wire.message);
  } else {
    return deserializeError(wire.error);
  }
  return new BrokenResourceError(wire.message);
}
