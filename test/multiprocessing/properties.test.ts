import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { Queue } from 'concur-ts/multiprocessing';

import { runModel, runQueueCommands, type Command, type Outcome } from './commands.js';
import { Children } from './harness.js';

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.integer().map((value): Command => ({ op: 'put', value })) },
  { weight: 4, arbitrary: fc.constant<Command>({ op: 'get' }) },
  fc.constant<Command>({ op: 'qsize' }),
  fc.constant<Command>({ op: 'empty' }),
  fc.constant<Command>({ op: 'full' }),
);

describe('multiprocessing Queue against a model', () => {
  test('in the owner, any sequence of nowait operations matches an array model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(4),
        fc.array(command, { maxLength: 60 }),
        async (maxsize, commands) => {
          const queue = new Queue<number>(maxsize);
          assert.deepEqual(await runQueueCommands(queue, commands), runModel(maxsize, commands));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('from a child process, the same sequences match the model (prefetch included)', async () => {
    await using children = new Children();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 0, 3),
        fc.array(fc.integer(), { maxLength: 40 }),
        fc.array(command, { maxLength: 60 }),
        async (maxsize, preload, commands) => {
          // Preloaded items (put here, in the owner) make the child prefetch real batches.
          const queue = new Queue<number>(maxsize);
          const loaded = maxsize === 0 ? preload : preload.slice(0, maxsize);
          for (const value of loaded) await queue.put(value);
          const all: Command[] = [
            ...loaded.map((value): Command => ({ op: 'put', value })),
            ...commands,
          ];
          const expected = runModel(maxsize, all).slice(loaded.length);
          const got = await children.start<Outcome[]>('runCommands', { queue, commands }).result;
          assert.deepEqual(got, expected);
        },
      ),
      { numRuns: 8 },
    );
  });
});
