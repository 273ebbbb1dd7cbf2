/**
 * Detectors whose search was rewritten for speed against their earlier form (reference copies in this folder),
 * on generated texts dense in near misses: the same spans, in the same order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTORS } from '../../gateway/mask/registry.js';
import { isAlnum, starAlnum } from '../../gateway/mask/shapes.js';
import { brokenPan, formatPan, nonLuhnDigits, validPan } from './generators.js';
import { ALNUM, Rng } from './random.js';
import { referenceCardFind } from './reference-card.js';

/** Digit groups of card-like lengths joined by separators that sometimes differ: the layouts' near misses. */
function groupedDigits(r: Rng): string {
  const groups = r.int(1, 7);
  let s = '';
  for (let g = 0; g < groups; g++) {
    const n = r.pick([1, 2, 3, 4, 4, 4, 4, 5, 6, 6, 13, 16, 19, 20]);
    s += r.pick([r.digits(n), '0'.repeat(n), nonLuhnDigits(r, Math.max(n, 2))]);
    if (g < groups - 1) s += r.pick([' ', ' ', '-', '-', '  ', ' - ', '.', '']);
  }
  return s;
}

function cardText(r: Rng): string {
  let s = '';
  const parts = r.int(1, 8);
  for (let k = 0; k < parts; k++) {
    const pan = validPan(r);
    s += r.pick([
      () => formatPan(r, pan),
      () => formatPan(r, brokenPan(r, pan)),
      () => formatPan(r, pan) + r.pick([' ', '-']) + r.digits(r.int(1, 4)),
      () => groupedDigits(r),
      () => r.chars(r.int(1, 30), '0123456789 -'),
      () => r.chars(r.int(0, 6), ALNUM + '_'),
      () => '0000 0000 0000 0000',
    ])();
    s += r.pick(['', ' ', '-', 'x', '_', ', ', ' and ', '\n']);
  }
  return s;
}

test('credit_card find equals its earlier form (layouts joined as strings) on 6,000 generated texts (seed 17)', () => {
  const card = DETECTORS.credit_card.create({});
  const r = new Rng(17);
  let found = 0;
  for (let i = 0; i < 6000; i++) {
    const text = cardText(r);
    const expected = referenceCardFind(text);
    found += expected.length;
    assert.deepEqual(card.find(text), expected, JSON.stringify(text));
  }
  // The texts exercise matches, not only misses.
  assert.ok(found > 3000, `only ${found} matches`);
});

/** starAlnum as it was: the masked value grown a character at a time. */
function referenceStarAlnum(value: string, keepFirst: number, keepLast: number): string {
  let total = 0;
  for (let i = 0; i < value.length; i++) if (isAlnum(value.charCodeAt(i))) total++;
  if (keepFirst + keepLast >= total) {
    keepFirst = 0;
    keepLast = 0;
  }
  let out = '';
  let seen = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (!isAlnum(value.charCodeAt(i))) {
      out += ch;
      continue;
    }
    out += seen < keepFirst || seen >= total - keepLast ? ch : '*';
    seen++;
  }
  return out;
}

test('starAlnum equals its earlier form on 20,000 generated values (seed 18)', () => {
  const r = new Rng(18);
  for (let i = 0; i < 20000; i++) {
    const value = r.chars(r.int(0, 40), r.pick([ALNUM, '0123456789 -', ALNUM + ' -.@+/_=\n', 'aé😀\ud800 1-']));
    const keepFirst = r.int(0, 6);
    const keepLast = r.int(0, 6);
    assert.equal(starAlnum(value, keepFirst, keepLast), referenceStarAlnum(value, keepFirst, keepLast), JSON.stringify([value, keepFirst, keepLast]));
  }
});
