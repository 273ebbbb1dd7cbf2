import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import { columnMatches } from '../../gateway/mask/cells.js';

const COLUMN_CASES: Array<[string, string, string | null, boolean]> = [
  ['email', 'email', 'public.customers', true],
  ['email', 'EMAIL', null, true],
  ['customers.email', 'email', 'public.customers', true],
  ['customers.email', 'email', 'customers', true],
  ['public.customers.email', 'email', 'public.customers', true],
  ['public.customers.email', 'email', 'crm.customers', false],
  ['customers.email', 'email', 'public.orders', false],
  ['customers.email', 'email', null, true], // unknown table: applied
  ['customers.email', 'mail', 'customers', false],
];

for (const [entry, name, table, expected] of COLUMN_CASES) {
  test(`column entry "${entry}" ${expected ? 'matches' : 'does not match'} ${table ?? '(unknown)'}.${name}`, () => {
    assert.equal(columnMatches(entry.toLowerCase().split('.'), { name, table }), expected);
  });
}

test('maskCell: named columns are masked, with a whole-cell fallback when the detector finds nothing', () => {
  const m = compileMasker([
    { detector: 'email', columns: ['customers.email'], replace: 'partial' },
    { detector: 'us_ssn', columns: ['ssn'], replace: 'token' },
  ]);
  assert.deepEqual(m.maskCell('email', 'public.customers', 'ann@example.com'), { value: 'a***@example.com', counts: { email: 1 } });
  assert.deepEqual(m.maskCell('email', 'public.customers', 'n/a'), { value: '*/*', counts: { email: 1 } });
  assert.deepEqual(m.maskCell('email', 'public.orders', 'ann@example.com'), { value: 'ann@example.com', counts: {} });
  assert.deepEqual(m.maskCell('ssn', 'hr.people', '123456789'), { value: '[MASKED:us_ssn]', counts: { us_ssn: 1 } });
  assert.deepEqual(m.maskCell('note', 'hr.people', 'ssn 123-45-6789'), { value: 'ssn 123-45-6789', counts: {} });
  assert.deepEqual(m.maskCell('ssn', 'hr.people', null), { value: null, counts: {} });
});

test('entries without columns scan every cell', () => {
  const m = compileMasker([{ detector: 'credit_card', replace: 'partial' }]);
  assert.deepEqual(m.maskCell('notes', 'public.tickets', 'paid with 4111 1111 1111 1111'), { value: 'paid with 4111 **** **** 1111', counts: { credit_card: 1 } });
  assert.deepEqual(m.maskCell('notes', null, 'nothing here'), { value: 'nothing here', counts: {} });
});

test('forColumns plans a result set once and accumulates counts', () => {
  const m = compileMasker([{ detector: 'email', columns: ['email'], replace: 'partial' }]);
  const rs = m.forColumns([{ name: 'id', table: 'public.users' }, { name: 'email', table: 'public.users' }]);
  assert.equal(rs.active, true);
  const rows = [['1', 'a@x.io'], ['2', 'b@y.io'], ['3', null]].map((row) => row.map((v, i) => rs.cell(i, v)));
  assert.deepEqual(rows, [['1', 'a***@x.io'], ['2', 'b***@y.io'], ['3', null]]);
  assert.deepEqual(rs.counts, { email: 2 });
  assert.equal(m.forColumns([{ name: 'id', table: 'public.users' }]).active, false);
});
