import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ExceptionGroup, RemoteError } from 'concur-ts';

import { runScript } from '../fixtures/children.js';

describe('ExceptionGroup', () => {
  test('an ExceptionGroup is an AggregateError whose exceptions are its errors', () => {
    const a = new TypeError('a');
    const group = new ExceptionGroup('two failures', [a, new RangeError('b')]);
    assert.ok(group instanceof AggregateError);
    assert.equal(group.exceptions, group.errors);
    assert.equal(group.exceptions[0], a);
    assert.match(group.message, /two failures \(2 sub-exceptions\)/);
  });

  test('an empty ExceptionGroup is refused with a TypeError', () => {
    assert.throws(() => new ExceptionGroup('none', []), TypeError);
  });

  test('split keeps nesting and returns null for an empty side', () => {
    const inner = new ExceptionGroup('inner', [new TypeError('t1'), new RangeError('r1')]);
    const outer = new ExceptionGroup('outer', [new TypeError('t2'), inner]);
    const [types, rest] = outer.split((e) => e instanceof TypeError);
    assert.ok(types !== null && rest !== null);
    assert.equal(types.exceptions.length, 2);
    assert.ok(types.exceptions[1] instanceof ExceptionGroup);
    assert.equal((rest.exceptions[0] as ExceptionGroup).exceptions.length, 1);
    assert.equal(
      outer.subgroup((e) => e instanceof SyntaxError),
      null,
    );
    assert.equal(
      outer.subgroup(() => true),
      outer,
    );
  });
});

describe('RemoteError', () => {
  test('a RemoteError keeps the remote name, stack, cause chain and own properties', () => {
    const remote = new RemoteError({
      name: 'TypeError',
      message: 'bad thing',
      stack: 'TypeError: bad thing\n    at work (worker.js:1:1)',
      code: 'E_BAD',
      cause: { name: 'Error', message: 'root cause' },
      props: { detail: 42 },
    });
    assert.equal(remote.remoteName, 'TypeError');
    assert.equal(remote.message, 'bad thing');
    assert.match(remote.stack ?? '', /at work \(worker\.js:1:1\)/);
    assert.ok(remote.cause instanceof RemoteError);
    assert.equal(remote.cause.message, 'root cause');
    assert.equal((remote as unknown as { detail: number }).detail, 42);
    assert.equal(remote.code, 'E_BAD');
  });

  test('a RemoteError whose remote error had no code (or one that is not a string or number) has code ERR_CONCUR_REMOTE', () => {
    assert.equal(new RemoteError({ name: 'Error', message: 'x' }).code, 'ERR_CONCUR_REMOTE');
    assert.equal(
      new RemoteError({ name: 'Error', message: 'x', code: {} }).code,
      'ERR_CONCUR_REMOTE',
    );
    assert.equal(new RemoteError({ name: 'Error', message: 'x', code: 7 }).code, 7);
  });
});

describe('an error concur throws that nothing catches', () => {
  // Node prints the source line an uncaught error was thrown from, whole: the shipped
  // chunks have no layout, so their lines must still be short enough to read there.
  test('Node shows it with a short line of concur’s code, not a whole chunk', async () => {
    const program = "import { defineTask } from 'concur-ts/task'; defineTask(() => 1);";
    const failure = await runScript(program).then(
      () => assert.fail('the program should have failed'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /defineTask needs the module's URL/);
    const lines = failure.stderr.split('\n');
    assert.match(lines[0]!, /internal\/chunks\/base-.*\.js:\d+$/);
    const longest = Math.max(...lines.map((line) => line.length));
    assert.ok(longest <= 300, `a line of ${longest} characters:\n${failure.stderr.slice(0, 2000)}`);
  });
});
