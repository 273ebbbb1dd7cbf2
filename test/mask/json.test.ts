import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import { compilePath } from '../../gateway/mask/json-path.js';
import { ALL_DETECTORS, PLANTED } from './bodies.js';

const all = compileMasker(ALL_DETECTORS);

test('whole-body JSON: strings and keys are masked, other bytes are kept exactly', () => {
  const body = `{ "id" : "x1",\n  "n": 1.50, "big": 12345678901234567890123,\n  "users": {"${PLANTED.email}": {"ssn": "${PLANTED.ssn}"}}, "ok": [true, false, null] }`;
  const r = all.maskJson(body);
  assert.equal(r.body, `{ "id" : "x1",\n  "n": 1.50, "big": 12345678901234567890123,\n  "users": {"j***@example.com": {"ssn": "***-**-6789"}}, "ok": [true, false, null] }`);
  assert.deepEqual(r.counts, { email: 1, us_ssn: 1 });
  assert.equal(r.wasJson, true);
});

test('a bare number that is a card number becomes a masked string (documented), even beyond 2^53', () => {
  const r = all.maskJson('{"pan":4111111111111111,"pan19":6011000990139424181,"neg":-4111111111111111,"float":4111111111111111.5,"small":4111}');
  const doc = JSON.parse(r.body) as Record<string, unknown>;
  assert.equal(doc.pan, '4111********1111');
  assert.equal(doc.pan19, '6011***********4181');
  assert.equal(doc.neg, '-4111********1111');
  // The digits before the point are a valid PAN: the float is masked too (the safe reading).
  assert.equal(doc.float, '4111********1111.5');
  assert.equal(doc.small, 4111);
  assert.equal(r.counts.credit_card, 4);
});

test('escaped strings are decoded before scanning and re-encoded after', () => {
  const body = JSON.stringify({ text: `line1\n"quoted" card\t${PLANTED.pan}\u2028 \\ end`, esc: '\u0034\u0031\u0031\u0031 1111 1111 1111' }).replace('4111 1111 1111 1111"}', '\\u0034111 1111 1111 1111"}');
  const r = all.maskJson(body);
  const doc = JSON.parse(r.body) as { text: string; esc: string };
  assert.equal(doc.text, 'line1\n"quoted" card\t4111 **** **** 1111\u2028 \\ end');
  assert.equal(doc.esc, '4111 **** **** 1111');
});

test('JSON paths limit an entry to the selected values', () => {
  const m = compileMasker([
    { detector: 'email', paths: ['$.data[*].email'], replace: 'token' },
    { detector: 'credit_card', paths: ['$..content'], replace: 'partial' },
    { detector: 'us_ssn', paths: ["$['meta']['owner']", '$.list[1]'], replace: 'token' },
  ]);
  const body = JSON.stringify({
    data: [{ email: 'a@b.com', note: 'c@d.com' }, { email: 'e@f.org' }],
    choices: [{ message: { content: `pay ${PLANTED.pan}` } }],
    other: PLANTED.pan,
    meta: { owner: { ssn: PLANTED.ssn }, ssn: PLANTED.ssn },
    list: [PLANTED.ssn, PLANTED.ssn],
  });
  const doc = JSON.parse(m.maskJson(body).body) as Record<string, any>;
  assert.deepEqual(doc.data, [{ email: '[MASKED:email]', note: 'c@d.com' }, { email: '[MASKED:email]' }]);
  assert.equal(doc.choices[0].message.content, 'pay 4111 **** **** 1111');
  assert.equal(doc.other, PLANTED.pan, 'outside every path');
  assert.deepEqual(doc.meta, { owner: { ssn: '[MASKED:us_ssn]' }, ssn: PLANTED.ssn });
  assert.deepEqual(doc.list, [PLANTED.ssn, '[MASKED:us_ssn]']);
});

test('maskJson(body, paths) applies the given paths to entries without their own', () => {
  const r = all.maskJson(JSON.stringify({ a: { content: PLANTED.email }, b: PLANTED.email }), ['$.a']);
  assert.deepEqual(JSON.parse(r.body), { a: { content: 'j***@example.com' }, b: PLANTED.email });
});

test('a body that is not JSON is masked as text with every entry (never passed through)', () => {
  const m = compileMasker([{ detector: 'email', paths: ['$.x'], replace: 'token' }]);
  for (const body of [`{"x": "a@b.com", "y": "c@d.com"`, `not json c@d.com`, `{"y": "c@d.com"} trailing`]) {
    const r = m.maskJson(body);
    assert.equal(r.wasJson, false, body);
    assert.ok(!r.body.includes('c@d.com'), body);
  }
  const fast = all.maskJson(`{"a": "unterminated ${PLANTED.ssn}`);
  assert.equal(fast.wasJson, false);
  assert.ok(!fast.body.includes(PLANTED.ssn));
});

test('deep nesting beyond the walker bound falls back to text masking', () => {
  const m = compileMasker([{ detector: 'email', paths: ['$..x'], replace: 'token' }]);
  const body = '['.repeat(600) + '"a@b.com"' + ']'.repeat(600);
  const r = m.maskJson(body);
  assert.equal(r.wasJson, false);
  assert.ok(!r.body.includes('a@b.com'));
});

test('JSON path syntax', () => {
  assert.deepEqual(compilePath('$.choices[*].message.content'), [
    { descendant: false, key: 'choices' },
    { descendant: false, key: '*' },
    { descendant: false, key: 'message' },
    { descendant: false, key: 'content' },
  ]);
  assert.deepEqual(compilePath('$..content'), [{ descendant: true, key: 'content' }]);
  assert.deepEqual(compilePath("$['a b'][2].*"), [
    { descendant: false, key: 'a b' },
    { descendant: false, key: 2 },
    { descendant: false, key: '*' },
  ]);
  assert.deepEqual(compilePath('$'), []);
  for (const bad of ['choices', '$.', '$[?(@.x)]', '$[1:2]', '$..']) assert.throws(() => compilePath(bad), bad);
});

test('counts never carry values', () => {
  const r = all.maskJson(JSON.stringify({ s: `${PLANTED.pan} ${PLANTED.email} ${PLANTED.openaiKey}` }));
  const serialized = JSON.stringify(r.counts);
  for (const v of Object.values(PLANTED)) assert.ok(!serialized.includes(v));
  assert.deepEqual(r.counts, { credit_card: 1, email: 1, secret: 1 });
});

test('the fast whole-body path and the path-tracking walk give the same output (generated documents)', async () => {
  const { Rng } = await import('./random.js');
  const gen = await import('./generators.js');
  const walk = compileMasker(ALL_DETECTORS.map((s) => ({ ...s, paths: ['$'] })));
  const r = new Rng(99);
  const value = (depth: number): unknown => {
    const k = r.int(0, depth > 3 ? 2 : 5);
    if (k === 0) return `${gen.prose(r, r.int(0, 6))}${r.int(0, 2) === 0 ? ` ${r.pick([gen.formatPan(r, gen.validPan(r)), gen.validSsn(r, '-'), gen.validEmail(r), gen.validIban(r, 'DE'), gen.validPhone(r), gen.validKey(r)])}` : ''}${r.int(0, 3) === 0 ? '\n"q"\t' : ''}`;
    if (k === 1) return r.int(0, 3) === 0 ? Number(gen.validPan(r).slice(0, 15)) : r.int(0, 1e6);
    if (k === 2) return r.pick([true, false, null]);
    if (k === 3) return Array.from({ length: r.int(0, 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: r.int(0, 4) }, (_, i) => [r.int(0, 5) === 0 ? gen.validEmail(r) : `k${i}`, value(depth + 1)]));
  };
  for (let i = 0; i < 300; i++) {
    const body = JSON.stringify(value(0), null, r.int(0, 1) === 0 ? undefined : 2);
    const fast = all.maskJson(body);
    const slow = walk.maskJson(body);
    assert.equal(fast.body, slow.body, body);
    assert.deepEqual(fast.counts, slow.counts, body);
    JSON.parse(fast.body);
  }
});
