/**
 * `transfer(value, list)`: hand buffers to the other side instead of copying them.
 *
 * The marker lives in the engine room (`internal/base/transfer.ts`), where the worker
 * transports read it; this is its public name.
 *
 * @module
 */
export {
  transfer,
  Transfer,
  type Transferable,
  type Untransfer,
} from '../internal/base/transfer.js';
