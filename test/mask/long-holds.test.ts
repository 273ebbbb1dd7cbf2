/**
 * Streamed text whose hold-back is long: runs of digits, base64, hex or letters with no break (a secret's token
 * run is held up to 4 KB), PEM armour, and a user regex's 256-character window. Pieces added to such a hold
 * are looked at once per quarter of it, not after every piece; the output must not change, the work must stay
 * bounded per character, and text behind a run that ends must be released at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import { findHits, type CompiledRule } from '../../gateway/mask/rules.js';
import { StreamingText } from '../../gateway/mask/text-stream.js';
import { ALL_DETECTORS, pieces } from './bodies.js';
import * as gen from './generators.js';
import { ALNUM, Rng } from './random.js';

const WITH_REGEX = [...ALL_DETECTORS, { detector: 'regex' as const, name: 'order_id', pattern: 'ORD-\\d{6}', replace: 'token' as const }];
const B64 = `${ALNUM}+/`;

/** A long run of one kind, sometimes with a value or a key at its start, inside or at its end. */
function longRun(r: Rng): string {
  const n = r.int(200, 6000);
  const run = r.pick([
    () => r.digits(n),
    () => r.chars(n, B64),
    () => r.chars(n, '0123456789abcdef'),
    () => 'a'.repeat(n),
    () => 'ab.'.repeat(n / 3),
    () => '-'.repeat(n),
    () => r.chars(n, '0123456789 '),
    () => r.chars(n, '0123456789 -.()+'),
  ])();
  const at = r.int(0, run.length);
  const planted = r.pick(['', gen.validKey(r), gen.formatPan(r, gen.validPan(r)), gen.validEmail(r), 'ORD-123456', `sk-proj-${r.chars(30, ALNUM)}`, '-----BEGIN PRIVATE KEY-----\n']);
  return run.slice(0, at) + planted + run.slice(at);
}

function text(r: Rng): string {
  let s = '';
  for (let k = r.int(1, 3); k > 0; k--) s += `${gen.prose(r, r.int(0, 5))} ${longRun(r)}${r.pick(['', ' ', '\n', '. ', ', '])}${r.pick(['', gen.validSsn(r, '-'), gen.validPhone(r), gen.validEmail(r)])} `;
  return s;
}

function streamed(rules: readonly CompiledRule[], parts: readonly string[]): { text: string; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const s = new StreamingText(rules, counts);
  let out = '';
  for (const p of parts) out += s.push(p);
  return { text: out + s.flush(), counts };
}

test('long holds streamed in small pieces mask exactly like the whole text (seed 301, 240 texts, two rule sets)', () => {
  const r = new Rng(301);
  const maskers = [compileMasker(ALL_DETECTORS), compileMasker(WITH_REGEX)];
  for (let i = 0; i < 240; i++) {
    const masker = maskers[i % 2]!;
    const t = text(r);
    const whole = masker.maskText(t);
    const got = streamed(masker.rules, pieces(t, r, r.pick([1, 4, 8])));
    assert.equal(got.text, whole.text, `text ${i}`);
    assert.deepEqual(got.counts, whole.counts, `counts ${i}`);
  }
});

test('pushAll releases what push releases for each piece on long holds (seed 302, 120 texts)', () => {
  const r = new Rng(302);
  const rules = compileMasker(WITH_REGEX).rules;
  for (let i = 0; i < 120; i++) {
    const t = text(r);
    const one = new StreamingText(rules, {});
    const all = new StreamingText(rules, {});
    const parts = pieces(t, r, 4);
    for (let k = 0; k < parts.length; ) {
      const batch = parts.slice(k, (k += r.int(1, 12)));
      assert.deepEqual(all.pushAll(batch), batch.map((p) => one.push(p)), `text ${i}`);
      assert.equal(all.held, one.held);
    }
    assert.equal(all.flush(), one.flush());
  }
});

/** The rules with every detector run counted. */
function counted(rules: readonly CompiledRule[]): { rules: CompiledRule[]; finds: () => number } {
  let finds = 0;
  return {
    rules: rules.map((rule) => ({ ...rule, detector: { ...rule.detector, find: (t: string) => (finds++, rule.detector.find(t)) } })),
    finds: () => finds,
  };
}

test('a 60,000-digit run in 3-character pieces is looked at once per 256 characters or less often, not per piece', () => {
  const c = counted(compileMasker(ALL_DETECTORS).rules);
  const s = new StreamingText(c.rules, {});
  const r = new Rng(303);
  const digits = r.digits(60_000);
  let out = '';
  for (let i = 0; i < digits.length; i += 3) out += s.push(digits.slice(i, i + 3));
  // Each look runs the six detectors (fewer when the gate rules some out).
  assert.ok(c.finds() <= (digits.length / 256) * 6, `${c.finds()} detector runs`);
  assert.equal(out + s.flush(), digits, 'a bare digit run is not a value of any detector');
});

test('a user regex window does not make every piece rescan 256 characters of prose', () => {
  const c = counted(compileMasker(WITH_REGEX).rules);
  const s = new StreamingText(c.rules, {});
  const prose = gen.prose(new Rng(304), 4000);
  const parts = pieces(prose, new Rng(305), 6);
  for (const p of parts) s.push(p);
  // Once per 64 characters at most (a quarter of the window), seven detectors each.
  assert.ok(c.finds() <= (prose.length / 64) * 7, `${c.finds()} detector runs for ${parts.length} pieces`);
});

test('a piece that ends a long run releases the run at once', () => {
  const masker = compileMasker(ALL_DETECTORS);
  const s = new StreamingText(masker.rules, {});
  const digits = new Rng(306).digits(5000);
  let out = '';
  for (let i = 0; i < digits.length; i += 4) out += s.push(digits.slice(i, i + 4));
  assert.ok(out.length < digits.length - 4096, 'the run is held while it may be a key');
  out += s.push(' and');
  assert.equal(out, `${digits} `, 'everything before the last word is out');
  assert.equal(out + s.flush(), `${digits} and`);
});

test('a card right after a card is masked in a stream, whatever the pieces (the first card begins before the scan\'s context)', () => {
  // The dashes of a PEM header being written continue the run of digit groups into held text: the scan that
  // releases the second card starts inside the first one.
  const masker = compileMasker(ALL_DETECTORS);
  const text = 'cards on file: 4012 8888 8888 1881 5105 1051 0510 5100 -----BEGIN and 4111 1111 1111 1111 5555 5555 5555 4444 ok';
  const whole = masker.maskText(text).text;
  assert.equal(whole, 'cards on file: 4012 **** **** 1881 5105 **** **** 5100 -----BEGIN and 4111 **** **** 1111 5555 **** **** 4444 ok');
  for (let size = 1; size <= 8; size++) {
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
    assert.equal(streamed(masker.rules, parts).text, whole, `pieces of ${size}`);
  }
});

test('no value the whole text masks is released in clear by a stream (seed 311, 4000 texts of values, runs and prose, three rule sets)', () => {
  const r = new Rng(311);
  const maskers = [
    compileMasker(ALL_DETECTORS),
    compileMasker(WITH_REGEX),
    compileMasker([{ detector: 'secret', replace: 'partial' }, { detector: 'credit_card', replace: 'token' }]),
  ];
  const makers: Array<() => string> = [
    () => gen.prose(r, r.int(1, 8)),
    () => gen.formatPan(r, gen.validPan(r)),
    () => gen.printIban(gen.validIban(r, r.pick(gen.IBAN_COUNTRIES))),
    () => gen.validSsn(r, r.pick(['-', ' '])),
    () => gen.validEmail(r),
    () => gen.validPhone(r),
    () => gen.validKey(r),
    () => r.digits(r.int(1, 600)),
    () => r.chars(r.int(1, 600), B64),
    () => r.chars(r.int(1, 300), '0123456789 -'),
    () => `-----BEGIN PRIVATE KEY-----\n${r.chars(r.int(0, 200), ALNUM)}${r.pick(['\n-----END PRIVATE KEY-----', ''])}`,
    () => `ORD-${r.digits(6)}`,
  ];
  for (let i = 0; i < 4000; i++) {
    const masker = maskers[i % 3]!;
    let text = '';
    for (let k = r.int(1, 12); k > 0; k--) text += r.pick(makers)() + r.pick(['', ' ', ' ', '\n', ', ', '. ']);
    const out = streamed(masker.rules, pieces(text, r, r.pick([1, 3, 8, 40]))).text;
    for (const h of findHits(text, masker.rules)) {
      const value = text.slice(h.start, h.end);
      if (value.length >= 8) assert.ok(!out.includes(value), `text ${i}: ${JSON.stringify(value)} in clear`);
    }
  }
});
