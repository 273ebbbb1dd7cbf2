import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob } from '../../gateway/policy/glob.js';

const table: Array<[glob: string, sep: string, value: string, matches: boolean]> = [
  ['/v1/chat/completions', '/', '/v1/chat/completions', true],
  ['/v1/chat/completions', '/', '/v1/chat/completions/', false],
  ['/v1/models/*', '/', '/v1/models/gpt-4o', true],
  ['/v1/models/*', '/', '/v1/models/a/b', false],
  ['/v1/models/*', '/', '/v1/models/', true],
  ['/v1/**', '/', '/v1/a/b/c', true],
  ['/v1/**', '/', '/v1', true],
  ['/v1/**', '/', '/v10/a', false],
  ['/v1/**/jobs', '/', '/v1/jobs', true],
  ['/v1/**/jobs', '/', '/v1/fine_tuning/x/jobs', true],
  ['/v1/**/jobs', '/', '/v1/fine_tuning/x/jobsx', false],
  ['/v?/x', '/', '/v2/x', true],
  ['/v?/x', '/', '/v22/x', false],
  ['/a.b/(c)', '/', '/a.b/(c)', true],
  ['/a.b/(c)', '/', '/axb/(c)', false],
  ['sales.*', '.', 'sales.orders', true],
  ['sales.*', '.', 'sales.orders.x', false],
  ['public.order*', '.', 'public.orders', true],
  ['public.order*', '.', 'public.customers', false],
  ['*', '/', 'anything/at/all', true],
  ['billing-*', '/', 'billing-bot', true],
  ['billing-*', '/', 'support-bot', false],
];

for (const [glob, sep, value, expected] of table) {
  test(`glob ${glob} ${expected ? 'matches' : 'does not match'} ${value}`, () => {
    assert.equal(compileGlob(glob, sep).test(value), expected);
  });
}

test('case-insensitive globs for SQL identifiers', () => {
  assert.ok(compileGlob('Sales.*', '.', true).test('sales.ORDERS'));
  assert.ok(!compileGlob('Sales.*', '.', false).test('sales.orders'));
});
