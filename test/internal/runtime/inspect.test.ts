/**
 * Where the runtime has no `util.inspect` (a browser), values in messages and reprs are shown
 * by a plain formatter: short, one line, reprs of concur's own classes included.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

const { inspect, inspectCustom, plainInspect } = (await import(
  new URL('dist/internal/runtime/inspect.js', new URL('../../../../', import.meta.url)).href
)) as {
  inspect: (value: unknown, options?: object) => string;
  inspectCustom: symbol;
  plainInspect: (value: unknown, options?: object) => string;
};

describe('inspect without util.inspect', () => {
  test('Node gets its own util.inspect', async () => {
    const util = await import('node:util');
    assert.equal(inspect, util.inspect);
    assert.equal(inspectCustom, util.inspect.custom);
  });

  test('the plain formatter shows primitives, objects, arrays, maps, cycles and reprs on one line', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle['self'] = cycle;
    const repr = { [inspectCustom]: () => '<Lock unlocked>' };
    assert.equal(plainInspect("it's"), "'it\\'s'");
    assert.equal(plainInspect(10n), '10n');
    assert.equal(plainInspect([1, 'a', null, undefined]), "[ 1, 'a', null, undefined ]");
    assert.equal(plainInspect(new Map([['k', 1]])), "Map(1) { 'k' => 1 }");
    assert.equal(plainInspect(cycle), "{ name: 'loop', self: [Circular] }");
    assert.equal(plainInspect(repr), '<Lock unlocked>');
    assert.equal(plainInspect({ a: { b: { c: {} } } }, { depth: 1 }), '{ a: { b: [Object] } }');
    assert.equal(plainInspect('x'.repeat(50), { maxStringLength: 3 }), "'xxx…'");
    assert.equal(
      plainInspect(function named() {}),
      '[Function: named]',
    );
  });
});
