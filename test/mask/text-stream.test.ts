import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import { StreamingText } from '../../gateway/mask/text-stream.js';
import { ALL_DETECTORS, ASSISTANT_TEXT, MUST_NOT_APPEAR, pieces } from './bodies.js';
import { Rng } from './random.js';
import * as gen from './generators.js';

const masker = compileMasker([...ALL_DETECTORS, { detector: 'regex', name: 'order_id', pattern: 'ORD-\\d{6}', replace: 'token' }]);

function streamed(parts: string[]): { text: string; counts: Record<string, number>; maxHeld: number } {
  const counts: Record<string, number> = {};
  const s = new StreamingText(masker.rules, counts);
  let text = '';
  let maxHeld = 0;
  for (const p of parts) {
    text += s.push(p);
    maxHeld = Math.max(maxHeld, s.held);
  }
  return { text: text + s.flush(), counts, maxHeld };
}

test('text split in two at every offset masks exactly like the whole text', () => {
  const whole = masker.maskText(ASSISTANT_TEXT + ' ref ORD-123456.');
  for (const v of MUST_NOT_APPEAR) assert.ok(!whole.text.includes(v), v);
  const full = ASSISTANT_TEXT + ' ref ORD-123456.';
  for (let k = 0; k <= full.length; k++) {
    const r = streamed([full.slice(0, k), full.slice(k)]);
    assert.equal(r.text, whole.text, `split at ${k}`);
    assert.deepEqual(r.counts, whole.counts, `counts at ${k}`);
  }
});

test('text in random token-sized pieces masks exactly like the whole text (seeded)', () => {
  const r = new Rng(5);
  for (let i = 0; i < 200; i++) {
    const text = `${gen.prose(r, 4)} ${gen.formatPan(r, gen.validPan(r))} ${gen.prose(r, 2)} ${gen.validSsn(r, '-')} ${gen.validEmail(r)}, ${gen.validIban(r, r.pick(gen.IBAN_COUNTRIES))} ${gen.validPhone(r)} ${gen.validKey(r)} ${gen.prose(r, 3)}`;
    const whole = masker.maskText(text);
    assert.equal(streamed(pieces(text, r, 8)).text, whole.text, text);
  }
});

test('text is released at once except a short tail', () => {
  const r = streamed(pieces('hello there, this is plain prose without anything sensitive in it at all. '.repeat(20), new Rng(9), 5));
  // The longest tail held is a user regex window (256) and what waits behind it to be released in steps of a
  // quarter of the held text (under 86 characters; see waits in text-stream.ts), with the last piece (5 at most).
  assert.ok(r.maxHeld <= 256 + 86 + 5, `held ${r.maxHeld}`);
  const plain = compileMasker(ALL_DETECTORS.filter((s) => s.detector !== 'secret'));
  const counts = {};
  const s = new StreamingText(plain.rules, counts);
  assert.equal(s.push('the order shipped yesterday. '), 'the order shipped yesterday. ');
  assert.equal(s.push('card 4111 1111'), 'card ');
  assert.equal(s.push(' 1111 1111 ok.'), '4111 **** **** 1111 ');
  // "ok." could still begin an email address (ok.name@…): it waits for the next piece or the end.
  assert.equal(s.flush(), 'ok.');
});

test('while an unclosed PEM private key is held, later pieces run no detector; the block is masked when its footer arrives', () => {
  const masker = compileMasker(ALL_DETECTORS);
  let finds = 0;
  // Count every detector run (the rules' detectors are shared by the StreamingText made from them).
  const rules = masker.rules.map((r) => ({ ...r, detector: { ...r.detector, find: (t: string) => (finds++, r.detector.find(t)) } }));
  const s = new StreamingText(rules, {});
  let out = s.push('key: -----BEGIN RSA PRIVATE KEY-----\n');
  const body = 'MIIEowIBAAKCAQEA7x9Qk2 call 415-555-2671 card 4111 1111 1111 1111 ';
  const before = finds;
  for (let i = 0; i < 400; i++) out += s.push(body.slice((i * 3) % body.length, ((i * 3) % body.length) + 3));
  assert.equal(finds, before, 'no detector ran while the block was open');
  assert.equal(out, 'key: ');
  out += s.push('\n-----END RSA PRIVATE KEY----- done');
  out += s.flush();
  assert.match(out, /^key: -----BEGIN RSA PRIVATE KEY-----\n\*+\n-----END RSA PRIVATE KEY----- done$/);
});
