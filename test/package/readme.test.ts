/**
 * The README's Python → concur tables name every public runtime export, and the README
 * starts with the two commands a new user needs (install + the main job, then the tests).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import * as root from 'concur-ts';
import * as asyncio from 'concur-ts/asyncio';
import * as distributed from 'concur-ts/distributed';
import * as futures from 'concur-ts/futures';
import * as multiprocessing from 'concur-ts/multiprocessing';
import * as testing from 'concur-ts/testing';
import * as threading from 'concur-ts/threading';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
/** The text of every `code span` in the README. */
const spans = [...README.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

/** The subpaths the README documents; a new subpath joins once its section is written. */
const SUBPATHS: Record<string, object> = {
  'concur-ts': root,
  'concur-ts/asyncio': asyncio,
  'concur-ts/distributed': distributed,
  'concur-ts/futures': futures,
  'concur-ts/multiprocessing': multiprocessing,
  'concur-ts/threading': threading,
  'concur-ts/testing': testing,
};

describe('README', () => {
  test('starts with the install-and-compare command, then the test command', () => {
    const commands = /```sh\n([^]*?)```/.exec(README)?.[1]?.split('\n') ?? [];
    assert.match(commands[0] ?? '', /^npm ci && npm run compare\s+#/);
    assert.match(commands[1] ?? '', /^npm test\s+#/);
  });

  for (const [subpath, module] of Object.entries(SUBPATHS)) {
    test(`names every export of ${subpath} in a code span`, () => {
      const missing = Object.keys(module).filter(
        (name) => !spans.some((span) => new RegExp(`(^|[^\\w$])${name}([^\\w$]|$)`).test(span)),
      );
      assert.deepEqual(missing, [], `add these to the README's Python → concur tables`);
    });
  }
});
