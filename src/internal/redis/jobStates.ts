/**
 * The stored state of BullMQ jobs, read straight from their hashes in pipelined batches:
 * what reconciliation compares a distributed executor's pending futures with.
 *
 * @module
 */
import type { Redis as IORedis } from 'ioredis';

/** What Redis holds about one job (`null`: the read failed; try again later). */
export type StoredState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'waiting' }
  | { readonly kind: 'active' }
  | { readonly kind: 'completed'; readonly returnvalue: unknown }
  | { readonly kind: 'failed'; readonly failedReason: string | null }
  | null;

const BATCH = 500;
const FIELDS = ['timestamp', 'finishedOn', 'returnvalue', 'failedReason', 'processedOn'];

/** The state of each job hash in `keys` (BullMQ's `<prefix>:<queue>:<id>`), in order. */
export async function readJobStates(
  redis: IORedis,
  keys: readonly string[],
): Promise<StoredState[]> {
  const states: StoredState[] = [];
  for (let start = 0; start < keys.length; start += BATCH) {
    const pipeline = redis.pipeline();
    for (const key of keys.slice(start, start + BATCH)) pipeline.hmget(key, ...FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    for (const reply of replies) states.push(stateOf(reply));
  }
  return states;
}

function stateOf(reply: [Error | null, unknown]): StoredState {
  if (reply[0] !== null) return null;
  const [timestamp, finishedOn, returnvalue, failedReason, processedOn] = reply[1] as (
    string | null
  )[];
  // Every stored job has a timestamp; an absent hash reads as all nulls.
  if (timestamp === null || timestamp === undefined) return { kind: 'missing' };
  if (finishedOn !== null && finishedOn !== undefined) {
    if (returnvalue === null || returnvalue === undefined) {
      return { kind: 'failed', failedReason: failedReason ?? null };
    }
    try {
      return { kind: 'completed', returnvalue: JSON.parse(returnvalue) };
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      return { kind: 'completed', returnvalue }; // not concur's format: reported as such
    }
  }
  return processedOn !== null && processedOn !== undefined
    ? { kind: 'active' }
    : { kind: 'waiting' };
}
