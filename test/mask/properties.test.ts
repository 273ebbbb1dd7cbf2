import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import { DETECTORS } from '../../gateway/mask/registry.js';
import type { DetectorName } from '../../gateway/mask/names.js';
import { Rng } from './random.js';
import * as gen from './generators.js';

const RUNS = 300;

function found(name: DetectorName, text: string): string[] {
  const d = DETECTORS[name].create({});
  return d.find(text).map((s) => text.slice(s.start, s.end));
}

function property(title: string, seed: number, body: (r: Rng) => void): void {
  test(`${title} (seed ${seed}, ${RUNS} cases)`, () => {
    const r = new Rng(seed);
    for (let i = 0; i < RUNS; i++) body(r);
  });
}

property('credit_card: valid PANs in any common format are found and keep only first and last 4', 11, (r) => {
  const pan = gen.formatPan(r, gen.validPan(r));
  const text = `${gen.prose(r, 3)} ${pan}. ${gen.prose(r, 2)}`;
  assert.deepEqual(found('credit_card', text), [pan], text);
  const masked = compileMasker([{ detector: 'credit_card', replace: 'partial' }]).maskText(text).text;
  const digits = pan.replace(/\D/g, '');
  assert.ok(!masked.includes(pan));
  assert.ok(masked.replace(/[ -]/g, '').includes(digits.slice(-4)));
  assert.equal(masked.length, text.length, 'the shape is kept');
});

property('credit_card: a PAN with one digit changed (Luhn fails) is left alone', 12, (r) => {
  // 17–19 digit numbers in 4-groups also read as a 16-digit card plus a short group; those stay plain here.
  const bad = gen.brokenPan(r, gen.validPan(r));
  const text = `ref ${bad.length > 16 ? bad : gen.formatPan(r, bad)} ok`;
  assert.deepEqual(found('credit_card', text), [], text);
});

property('credit_card: 15 random digits failing Luhn are left alone', 13, (r) => {
  assert.deepEqual(found('credit_card', `n=${gen.nonLuhnDigits(r, 15)}`), []);
});

property('iban: valid IBANs of 12 countries, compact and print format, are found', 21, (r) => {
  const iban = gen.validIban(r, r.pick(gen.IBAN_COUNTRIES));
  const written = r.int(0, 1) === 0 ? iban : gen.printIban(iban);
  const text = `pay to ${written}, thanks`;
  assert.deepEqual(found('iban', text), [written], text);
  const masked = compileMasker([{ detector: 'iban', replace: 'partial' }]).maskText(text).text;
  assert.ok(masked.startsWith(`pay to ${iban.slice(0, 2)}**`), masked);
  assert.ok(masked.replace(/ /g, '').includes(iban.slice(-4) + ','), masked);
});

property('iban: one substituted character (wrong checksum) is left alone', 22, (r) => {
  const bad = gen.brokenIban(r, gen.validIban(r, r.pick(gen.IBAN_COUNTRIES)));
  assert.deepEqual(found('iban', `pay to ${bad} now`), [], bad);
});

property('us_ssn: issued numbers are found as ***-**-NNNN', 31, (r) => {
  const ssn = gen.validSsn(r, r.pick(['-', ' ']));
  const text = `SSN ${ssn}.`;
  assert.deepEqual(found('us_ssn', text), [ssn]);
  const masked = compileMasker([{ detector: 'us_ssn', replace: 'partial' }]).maskText(text).text;
  assert.equal(masked, `SSN ***${ssn[3]}**${ssn[6]}${ssn.slice(-4)}.`);
});

property('us_ssn: area 000/666/9xx, group 00 and serial 0000 are left alone', 32, (r) => {
  assert.deepEqual(found('us_ssn', `SSN ${gen.invalidSsn(r)}`), []);
});

property('email: addresses are found and keep the first letter and the domain', 41, (r) => {
  const e = gen.validEmail(r);
  const text = `write to ${e} today`;
  assert.deepEqual(found('email', text), [e], text);
  const masked = compileMasker([{ detector: 'email', replace: 'partial' }]).maskText(text).text;
  assert.equal(masked, `write to ${e[0]}***${e.slice(e.indexOf('@'))} today`);
});

property('phone: North American and international numbers are found', 51, (r) => {
  const p = gen.validPhone(r);
  assert.deepEqual(found('phone', `call ${p} now`), [p]);
});

property('phone: plain long numbers, dates and versions are left alone', 52, (r) => {
  const s = gen.phoneNearMiss(r);
  assert.deepEqual(found('phone', `value ${s} here`), [], s);
});

property('secret: keys with known prefixes are found and keep only their prefix', 61, (r) => {
  const k = gen.validKey(r);
  const text = `key: ${k} end`;
  assert.deepEqual(found('secret', text), [k], text);
  const masked = compileMasker([{ detector: 'secret', replace: 'token' }]).maskText(text).text;
  assert.equal(masked, 'key: [MASKED:secret] end');
});

property('secret: ordinary prose is left alone', 62, (r) => {
  assert.deepEqual(found('secret', gen.prose(r, 30)), []);
});

property('every detector: masking is stable (masked output has nothing left to mask)', 71, (r) => {
  const text = `${gen.formatPan(r, gen.validPan(r))} ${gen.validSsn(r, '-')} ${gen.validIban(r, r.pick(gen.IBAN_COUNTRIES))} ${gen.validEmail(r)} ${gen.validPhone(r)} ${gen.validKey(r)}`;
  const m = compileMasker((['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret'] as const).map((detector) => ({ detector, replace: 'partial' as const })));
  const once = m.maskText(text);
  assert.equal(Object.values(once.counts).reduce((a, b) => a + b, 0), 6, `${text} → ${once.text}`);
  assert.deepEqual(m.maskText(once.text).counts, {});
});

test('long texts: the shared digit pre-scan finds exactly what each detector finds on the whole text (seed 81)', async () => {
  const { resolveOverlaps, applyHits } = await import('../../gateway/mask/rules.js');
  const r = new Rng(81);
  const m = compileMasker((['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret'] as const).map((detector) => ({ detector, replace: 'partial' as const })));
  for (let n = 0; n < 20; n++) {
    const parts: string[] = [];
    while (parts.join(' ').length < 6000) {
      parts.push(gen.prose(r, r.int(1, 8)));
      parts.push(
        r.pick([
          () => gen.formatPan(r, gen.validPan(r)),
          () => gen.brokenPan(r, gen.validPan(r)),
          () => gen.validSsn(r, r.pick(['-', ' '])),
          () => gen.invalidSsn(r),
          () => gen.validPhone(r),
          () => gen.phoneNearMiss(r),
          () => `${r.int(1000000000, 1999999999)}`,
          () => `(${r.int(200, 999)}) ${r.int(200, 999)}-${r.int(1000, 9999)}`,
          () => `+${r.int(1, 9)}${r.digits(r.int(7, 14))}`,
          () => gen.nonLuhnDigits(r, r.int(9, 19)),
        ])(),
      );
    }
    const text = parts.join(r.pick([' ', ', ', '\n', ' - ']));
    const direct = resolveOverlaps(m.rules.flatMap((rule) => rule.detector.find(text).map((s) => ({ ...s, rule }))));
    const counts = {};
    assert.equal(m.maskText(text).text, applyHits(text, direct, 0, text.length, counts), text);
  }
});
