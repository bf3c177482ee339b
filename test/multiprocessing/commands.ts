/**
 * Queue command sequences for the property tests: run against a multiprocessing Queue
 * (in the owner or in a child) and against a plain array model.
 */
import type { Queue } from 'concur-ts/multiprocessing';

export type Command =
  | { readonly op: 'put'; readonly value: number }
  | { readonly op: 'get' }
  | { readonly op: 'qsize' }
  | { readonly op: 'empty' }
  | { readonly op: 'full' };

/** What each command returned: a value, or the error code it failed with. */
export type Outcome = { readonly value: unknown } | { readonly code: string };

async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    return { value: (await promise) ?? null }; // null: IPC (JSON) drops undefined
  } catch (error) {
    return { code: String((error as { code?: unknown }).code) };
  }
}

export async function runQueueCommands(
  queue: Queue<number>,
  commands: readonly Command[],
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const c of commands) {
    if (c.op === 'put') out.push(await outcome(queue.putNowait(c.value)));
    else if (c.op === 'get') out.push(await outcome(queue.getNowait()));
    else out.push(await outcome(queue[c.op]()));
  }
  return out;
}

/** The same commands against an array with capacity `maxsize` (0: unbounded). */
export function runModel(maxsize: number, commands: readonly Command[]): Outcome[] {
  const items: number[] = [];
  const full = (): boolean => maxsize > 0 && items.length >= maxsize;
  return commands.map((c): Outcome => {
    switch (c.op) {
      case 'put':
        if (full()) return { code: 'ERR_CONCUR_QUEUE_FULL' };
        items.push(c.value);
        return { value: null };
      case 'get':
        return items.length === 0 ? { code: 'ERR_CONCUR_QUEUE_EMPTY' } : { value: items.shift() };
      case 'qsize':
        return { value: items.length };
      case 'empty':
        return { value: items.length === 0 };
      case 'full':
        return { value: full() };
    }
  });
}
