/**
 * Fast paths against the precise forms they replace, on generated inputs: each hand-written scanner must give
 * exactly what the regular expression or parse it stands for gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextDigitStretch, digitWindows } from '../../gateway/mask/rules.js';
import { plainLiteralValue } from '../../gateway/mask/events.js';
import { compileMasker } from '../../gateway/mask/masker.js';
import { DETECTORS } from '../../gateway/mask/registry.js';
import { Rng } from './random.js';

/** The expression nextDigitStretch is written out from. */
const DIGIT_STRETCH = /\d+[ ()+.-]+\d[\d ()+.-]{3,}\d|\d{13,}|\+\d{7,}/g;

function stretchesByRegex(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  DIGIT_STRETCH.lastIndex = 0;
  for (let m = DIGIT_STRETCH.exec(text); m; m = DIGIT_STRETCH.exec(text)) out.push([m.index, m.index + m[0].length]);
  return out;
}

function stretchesByScanner(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let m = nextDigitStretch(text, 0); m; m = nextDigitStretch(text, m[1])) out.push(m);
  return out;
}

/** Texts dense in digits and separators, where the alternatives and their backtracking all come into play. */
function stretchyText(r: Rng): string {
  const alphabet = r.pick(['0123456789 -', '0123456789 ()+.-', '0123456789 ()+.-ab\n', '0123456789+', '01 .x', '9-']);
  let s = '';
  const parts = r.int(1, 12);
  for (let i = 0; i < parts; i++) {
    const kind = r.int(0, 4);
    if (kind === 0) s += r.digits(r.int(1, 20));
    else if (kind === 1) s += r.chars(r.int(1, 4), ' ()+.-');
    else if (kind === 2) s += r.chars(r.int(1, 30), alphabet);
    else if (kind === 3) s += `+${r.digits(r.int(5, 16))}`;
    else s += r.pick(['4111 1111 1111 1111', '123-45-6789', '(415) 555-2671', '+44 20 7946 0958', '2024-01-15', '1.2.3', 'word ', 'é']);
  }
  return s;
}

test('nextDigitStretch returns exactly the matches of the regular expression (seed 71, 5000 cases)', () => {
  const r = new Rng(71);
  for (let i = 0; i < 5000; i++) {
    const text = stretchyText(r);
    assert.deepEqual(stretchesByScanner(text), stretchesByRegex(text), JSON.stringify(text));
  }
});

/** The windows as they were computed with the expression over the whole text. */
function windowsByRegex(text: string): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  for (const [ms, me] of stretchesByRegex(text)) {
    const digits = text.slice(ms, me).replace(/[^0-9]/g, '').length;
    const afterPlus = text.charCodeAt(ms) === 43 || text.charCodeAt(ms - 1) === 43;
    if (digits < 8 || (digits === 8 && !afterPlus)) continue;
    if (digits === me - ms && digits < 13 && !afterPlus) continue;
    const start = Math.max(0, ms - 4);
    const end = Math.min(text.length, me + 4);
    const last = windows[windows.length - 1];
    if (last && start <= last[1]) last[1] = end;
    else windows.push([start, end]);
  }
  return windows;
}

test('digitWindows (sampled runs) equals the windows of the expression over the whole text (seed 72, 3000 cases)', () => {
  const r = new Rng(72);
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const size = r.pick([10, 100, 3000]);
    while (text.length < size) text += `${stretchyText(r)}${r.chars(r.int(0, 12), 'abc def\n')}`;
    assert.deepEqual(digitWindows(text), windowsByRegex(text), JSON.stringify(text));
  }
});

// Known gap, older than the stretch scanner (the same with the regular expression): the phone detector in a
// long text (windowed) and in a short one (scanned whole) disagree on these. "+3467671 12" is a phone number
// alone but not inside a long text (the stretch "+3467671" has 7 digits and no window); "+1841408990310-1.2.3"
// is the reverse (the window cuts the context the edge rule reads).
test('phone: a long text is masked as its parts are on their own', { todo: 'windowing misses or cuts phone numbers after "+"' }, () => {
  const masker = compileMasker([{ detector: 'phone', replace: 'partial' }]);
  const pad = 'word '.repeat(500);
  for (const value of ['+3467671 1.1', '+3467671 12', '+1841408990310-1.2.3']) {
    const alone = masker.maskText(value).text;
    const inLong = masker.maskText(`${pad}${value} ${pad}`).text.slice(pad.length, pad.length + value.length);
    assert.equal(inLong, alone, value);
  }
});

test('plainLiteralValue equals JSON.parse for literals without escapes, and declines the rest (seed 74, 5000 cases)', () => {
  const r = new Rng(74);
  for (let i = 0; i < 5000; i++) {
    const inner = r.chars(r.int(0, 12), 'ab 1\\"\n\t\u00e9\u2028\ud83d/');
    const literal = `"${inner}"`;
    let parsed: string | null;
    try {
      parsed = JSON.parse(literal) as string;
    } catch {
      parsed = null;
    }
    const fast = plainLiteralValue(literal);
    if (fast !== null) assert.equal(fast, parsed, JSON.stringify(literal));
    else assert.ok(/["\\\u0000-\u001f]/.test(inner), `declined only with an escape, quote or control character: ${JSON.stringify(literal)}`);
  }
});

test('needsDigit: masking digit-free text with the digit detectors skipped equals scanning it with each (seed 75, 2000 cases)', () => {
  const r = new Rng(75);
  const names = ['credit_card', 'us_ssn', 'iban', 'phone'] as const;
  const detectors = names.map((n) => DETECTORS[n].create({}));
  for (const d of detectors) assert.equal(d.needsDigit, true);
  for (let i = 0; i < 2000; i++) {
    const text = r.chars(r.int(1, 60), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ abcxyz-+()./@_=\n\u00e9');
    for (const d of detectors) assert.deepEqual(d.find(text), [], JSON.stringify(text));
  }
});
