/**
 * The shared run scan of long texts (run-scan.ts) against what it stands for: its runs against an expression
 * over the whole text, each detector's find on those runs against its find on the text, and findAll on long
 * texts against every rule's find.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules, findAll, type CompiledRule, type Hit } from '../../gateway/mask/rules.js';
import { asciiBytes, RUN_SCAN_FROM, scanRuns, STRETCH_MIN } from '../../gateway/mask/run-scan.js';
import { NotJson, QuoteParityFinder, quoteParity, TokenFinder } from '../../gateway/mask/json-tokens.js';
import { DETECTORS } from '../../gateway/mask/registry.js';
import { meetsAny, stretchNeeds } from '../../gateway/mask/windows.js';
import { compileMasker } from '../../gateway/mask/masker.js';
import { ALL_DETECTORS } from './bodies.js';
import { brokenIban, brokenPan, formatPan, IBAN_COUNTRIES, phoneNearMiss, printIban, validEmail, validIban, validKey, validPan, validPhone, validSsn } from './generators.js';
import { ALNUM, Rng } from './random.js';

/** Noise and planted values of every detector, near misses, and the edges the run scan must get right. */
function piece(r: Rng): string {
  const makers: Array<() => string> = [
    () => formatPan(r, validPan(r)),
    () => brokenPan(r, validPan(r)),
    () => printIban(validIban(r, r.pick(IBAN_COUNTRIES))),
    () => validIban(r, r.pick(IBAN_COUNTRIES)),
    () => brokenIban(r, validIban(r, r.pick(IBAN_COUNTRIES))),
    () => validSsn(r, r.pick(['-', ' '])),
    () => validEmail(r),
    () => validPhone(r),
    () => phoneNearMiss(r),
    () => validKey(r),
    // A key that crossed dots (a JWT) and runs on past its end, with a key behind it: the runs inside it.
    () => `eyJ${r.chars(r.int(12, 20), ALNUM)}.eyJ${r.chars(r.int(5, 20), ALNUM)}.${r.chars(r.int(0, 20), ALNUM)}${r.pick(['+', '/'])}${r.pick(['', validKey(r), r.chars(r.int(1, 30), ALNUM)])}`,
    () => `-----BEGIN ${r.pick(['', 'RSA '])}PRIVATE KEY-----\n${r.chars(r.int(0, 40), ALNUM + '+/=\n')}\n-----END ${r.pick(['', 'RSA '])}PRIVATE KEY-----`,
    () => r.chars(r.int(10, 70), ALNUM + '_-+/') + r.pick(['', '=', '==', '.x', '.']),
    () => r.chars(r.int(5, 40), '0123456789 ()+.-'),
    () => r.chars(r.int(5, 40), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '),
    () => r.pick(['the order shipped on 2024-01-15', 'version 1.2.3', 'chatcmpl-1000001AbCdEfGhIjKlMnOpQrStUv', '"content":"', '\\n']),
    () => r.chars(r.int(0, 20), 'ab Z9@.-+()_/\n:,"\u00e9'),
  ];
  return r.pick(makers)() + r.chars(r.int(0, 3), ' .,:\n"');
}

function longText(r: Rng, size: number): string {
  let s = '';
  while (s.length < size) s += piece(r);
  return s;
}

/** Maximal runs of the class at least min long, by an expression over the whole text. */
function runsByRegex(text: string, cls: string, min: number): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(new RegExp(`[${cls}]{${min},}`, 'g'))) out.push(m.index!, m.index! + m[0].length);
  return out;
}

const secret = DETECTORS.secret.create({});
const iban = DETECTORS.iban.create({});

test('scanRuns finds every maximal run of each class the expression finds, and declines non-ASCII text (seed 91, 600 texts)', () => {
  const r = new Rng(91);
  const classes = [secret.inRuns!, iban.inRuns!].map((a) => ({ chars: a.chars, min: a.min }));
  for (let i = 0; i < 600; i++) {
    const text = longText(r, r.pick([20, 300, 5000]));
    const scan = scanRuns(text, classes);
    if (/[^\x00-\x7f]/.test(text)) {
      assert.equal(scan, null);
      continue;
    }
    assert.ok(scan);
    assert.deepEqual(scan.stretches, runsByRegex(text, '0-9 ()+.\\-', STRETCH_MIN), JSON.stringify(text));
    const stretchTexts: string[] = [];
    for (let k = 0; k < scan.stretches.length; k += 2) stretchTexts.push(text.slice(scan.stretches[k]!, scan.stretches[k + 1]!));
    const countOf = (re: RegExp) => stretchTexts.map((t) => t.replace(re, '').length);
    assert.deepEqual(scan.stretchDigits, countOf(/[^0-9]/g));
    assert.deepEqual(scan.stretchPluses, countOf(/[^+]/g));
    assert.deepEqual(scan.stretchSeparators, countOf(/[^ ().-]/g));
    assert.deepEqual(scan.runs[0], runsByRegex(text, 'A-Za-z0-9_\\-+/', 15), JSON.stringify(text));
    assert.deepEqual(scan.runs[1], runsByRegex(text, 'A-Z0-9 ', 12), JSON.stringify(text));
  }
  // Non-ASCII at either end, and a lone surrogate.
  for (const text of ['é' + 'a'.repeat(40), 'a'.repeat(40) + 'é', 'a'.repeat(20) + '\ud800' + 'b'.repeat(20), '😀'.repeat(3)]) assert.equal(scanRuns(text, classes), null);
});

test('scanRuns with stretch needs keeps exactly the stretches (and counts) that meet one of them (seed 95, 300 texts)', () => {
  const r = new Rng(95);
  const classes = [secret.inRuns!, iban.inRuns!].map((a) => ({ chars: a.chars, min: a.min }));
  const windowed = compileRules(ALL_DETECTORS).filter((rule) => rule.detector.digitAnchored);
  for (const needs of [stretchNeeds(windowed), [], [8, 0, 0], [9, 0, 2, 8, 1, 0]]) {
    for (let i = 0; i < 100; i++) {
      const text = longText(r, r.pick([300, 5000])).replace(/[^\x00-\x7f]/g, '~');
      const all = scanRuns(text, classes)!;
      const kept = scanRuns(text, classes, null, needs)!;
      const expected: number[][] = [[], [], [], []];
      for (let k = 0; k < all.stretchDigits.length; k++) {
        if (!meetsAny(needs, all.stretchDigits[k]!, all.stretchPluses[k]!, all.stretchSeparators[k]!)) continue;
        expected[0]!.push(all.stretches[2 * k]!, all.stretches[2 * k + 1]!);
        expected[1]!.push(all.stretchDigits[k]!);
        expected[2]!.push(all.stretchPluses[k]!);
        expected[3]!.push(all.stretchSeparators[k]!);
      }
      assert.deepEqual([kept.stretches, kept.stretchDigits, kept.stretchPluses, kept.stretchSeparators], expected, JSON.stringify(text));
      assert.deepEqual(kept.runs, all.runs);
    }
  }
});

test('secret and iban on the scanned runs find exactly what they find in the whole text (seed 92, 1500 texts)', () => {
  const r = new Rng(92);
  let found = 0;
  for (let i = 0; i < 1500; i++) {
    const text = longText(r, r.pick([50, 500, 4000])).replace(/[^\x00-\x7f]/g, '~');
    const scan = scanRuns(text, [secret.inRuns!, iban.inRuns!])!;
    const expectedSecret = secret.find(text);
    const expectedIban = iban.find(text);
    found += expectedSecret.length + expectedIban.length;
    assert.deepEqual(secret.inRuns!.find(text, scan.runs[0]!, scan.bytes), expectedSecret, JSON.stringify(text));
    assert.deepEqual(iban.inRuns!.find(text, scan.runs[1]!, scan.bytes), expectedIban, JSON.stringify(text));
  }
  assert.ok(found > 3000, `${found} matches`);
});

function everyRule(text: string, rules: readonly CompiledRule[]): Hit[] {
  const all: Hit[] = [];
  for (const rule of rules) for (const s of rule.detector.find(text)) all.push({ start: s.start, end: s.end, rule });
  return all;
}
const sorted = (hits: Hit[]) => hits.map((h) => [h.start, h.end, h.rule.order]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);

test('findAll on long texts (shared run scan, ASCII or not) equals every rule\'s find over the whole text (seed 93, 300 texts)', () => {
  const r = new Rng(93);
  const rules = compileRules(ALL_DETECTORS);
  for (let i = 0; i < 300; i++) {
    // Two in three all ASCII (the scan), the rest with their 'é' (each detector's own scan).
    // Over 2 KB: the digit windows; from RUN_SCAN_FROM (16 KB) the shared scan.
    const mixed = longText(r, r.pick([2100, 6000, RUN_SCAN_FROM, 20000, 40000]));
    const text = r.int(0, 2) === 0 ? mixed : mixed.replace(/[^\x00-\x7f]/g, '~');
    assert.deepEqual(sorted(findAll(text, rules)), sorted(everyRule(text, rules)), JSON.stringify(text));
  }
});

test('maskJson of long JSON bodies equals masking each decoded string on its own (seed 94, 120 bodies)', () => {
  const r = new Rng(94);
  const masker = compileMasker(ALL_DETECTORS);
  for (let i = 0; i < 120; i++) {
    const values: string[] = [];
    // Most bodies past RUN_SCAN_FROM (the run scan's bytes and QuoteParityFinder), some below.
    // Half of them plain ASCII without anything JSON escapes: the quote-parity path needs no backslash.
    const plain = r.int(0, 1) === 0;
    for (let n = r.int(20, 700); n > 0; n--) {
      const v = longText(r, r.int(1, 80));
      values.push(plain ? v.replace(/["\\\n]/g, ' ').replace(/[^\x00-\x7f]/g, '~') : v);
    }
    const body = JSON.stringify({ data: values.map((v, k) => ({ id: k, content: v, n: r.pick([1727000000, 4111111111111111, 12]) })) });
    const expected = JSON.stringify({ data: values.map((v, k) => ({ id: k, content: masker.maskText(v).text, n: 0 })) });
    const got = JSON.parse(masker.maskJson(body).body) as { data: Array<{ id: number; content: string; n: unknown }> };
    for (const d of got.data) d.n = 0;
    assert.equal(JSON.stringify(got), expected, body.slice(0, 200));
  }
});

test('QuoteParityFinder places positions in string tokens as TokenFinder does, asked in order or behind (seed 95, 1500 texts)', () => {
  const r = new Rng(95);
  const outcome = (f: () => unknown): string => {
    try {
      return JSON.stringify(f());
    } catch (e) {
      assert.ok(e instanceof NotJson);
      return 'NotJson';
    }
  };
  for (let i = 0; i < 1500; i++) {
    const n = r.pick([1, 7, 40, 300, 2000]);
    const text = r.chars(n, 'ab "":,{}[]1 ');
    const bytes = asciiBytes(text)!;
    const parity = new QuoteParityFinder(text, new Uint8Array(bytes.subarray(0, text.length)));
    const hopping = new TokenFinder(text, true);
    let p = 0;
    for (let k = 0; k < 30 && p < text.length; k++) {
      // Mostly forward, sometimes a position already passed.
      const q = r.int(0, 4) === 0 ? r.int(0, p) : p;
      const expected = outcome(() => hopping.at(q));
      assert.equal(outcome(() => parity.at(q)), expected, `${JSON.stringify(text)} at ${q}`);
      // Not JSON ends the masker's fast path (TokenFinder's state after it means nothing).
      if (expected === 'NotJson') break;
      p += r.int(0, Math.max(1, n >> 3));
    }
    const a = r.int(0, n);
    const b = r.int(a, n);
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n >> 2);
    assert.equal(quoteParity(bytes, words, a, b), (text.slice(a, b).split('"').length - 1) & 1);
  }
});

test('a PEM block on one line inside a JSON string without escapes is masked into valid JSON (whole body and JSON path)', () => {
  const pem = '-----BEGIN RSA PRIVATE KEY----- MIIEow abc -----END RSA PRIVATE KEY-----';
  const body = JSON.stringify({ a: { b: `key ${pem} end` }, c: 1 });
  for (const masker of [compileMasker([{ detector: 'secret', replace: 'partial' }]), compileMasker([{ detector: 'secret', replace: 'partial', paths: ['$.a.b'] }])]) {
    const out = JSON.parse(masker.maskJson(body).body) as { a: { b: string } };
    assert.equal(out.a.b, masker.maskText(`key ${pem} end`).text);
    assert.ok(!out.a.b.includes('MIIEow'));
  }
});
