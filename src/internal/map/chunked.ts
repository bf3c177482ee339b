/**
 * Chunks for `map(…, { chunksize })` on executors whose unit of work is a message (a
 * distributed job): the zipped argument lists `size` at a time, and the results flattened
 * back in order — CPython's `_get_chunks` / `_chain_from_iterable_of_lists`.
 *
 * @module
 */

/** True for a (sync or async) iterable. */
export function isIterable(value: unknown): boolean {
  return (
    value !== null &&
    value !== undefined &&
    (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}

/** The zipped argument lists of `iterables`, `size` at a time (sync when every input is). */
export function batched(
  iterables: (Iterable<unknown> | AsyncIterable<unknown>)[],
  size: number,
): Iterable<unknown[][]> | AsyncIterable<unknown[][]> {
  if (iterables.every((it) => typeof (it as Iterable<unknown>)[Symbol.iterator] === 'function')) {
    return (function* () {
      const its = (iterables as Iterable<unknown>[]).map((it) => it[Symbol.iterator]());
      try {
        for (;;) {
          const chunk: unknown[][] = [];
          while (chunk.length < size) {
            const args: unknown[] = [];
            for (const it of its) {
              const item = it.next();
              if (item.done === true) {
                if (chunk.length > 0) yield chunk;
                return;
              }
              args.push(item.value);
            }
            chunk.push(args);
          }
          yield chunk;
        }
      } finally {
        for (const it of its) it.return?.();
      }
    })();
  }
  return (async function* () {
    const its = iterables.map((it) =>
      typeof (it as Iterable<unknown>)[Symbol.iterator] === 'function'
        ? (it as Iterable<unknown>)[Symbol.iterator]()
        : (it as AsyncIterable<unknown>)[Symbol.asyncIterator](),
    );
    try {
      for (;;) {
        const chunk: unknown[][] = [];
        while (chunk.length < size) {
          const args: unknown[] = [];
          for (const it of its) {
            const item = await it.next();
            if (item.done === true) {
              if (chunk.length > 0) yield chunk;
              return;
            }
            args.push(item.value);
          }
          chunk.push(args);
        }
        yield chunk;
      }
    } finally {
      for (const it of its) await it.return?.();
    }
  })();
}

export async function* flatten(
  chunks: AsyncGenerator<unknown[], void, undefined>,
): AsyncGenerator<unknown, void, undefined> {
  try {
    for await (const chunk of chunks) yield* chunk;
  } finally {
    await chunks.return();
  }
}
