import { asciiSet, type HoldRun, holdRunLength, isDigit, starAlnum } from '../shapes.js';
import { docsUrl, type Detector, type Span } from '../types.js';
import { cleanEnd, cleanStart } from './boundaries.js';

/**
 * Three shapes, each with enough structure that plain long numbers, dates ("2024-01-15") and versions
 * ("1.2.3") do not match: international with "+" (E.164, optionally grouped), North American
 * ("(415) 555-2671", "415-555-2671", "415.555.2671", "415 555 2671") and national with a trunk 0
 * ("020 7946 0958", "07700 900123").
 */
const INTERNATIONAL = /\+[1-9](?:[ .-]?\(?\d{1,5}\)?){2,6}/g;
const NORTH_AMERICAN = /(?:\(([2-9]\d{2})\) ?|([2-9]\d{2})([-. ]))[2-9]\d{2}([-. ])\d{4}/g;
const NATIONAL = /0\d{2,4}([ -])\d{3,6}(?:\1\d{3,4})?/g;
const MAX_LENGTH = 24;
const HOLD_RUN = asciiSet((c) => isDigit(c) || c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 43);
const HOLD_START = asciiSet((c) => isDigit(c) || c === 43 || c === 40);
const HOLD: HoldRun = { run: HOLD_RUN, start: HOLD_START, cap: MAX_LENGTH + 2 };

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) n++;
  return n;
}

type Check = (m: RegExpExecArray) => { ok: boolean; sep: string };

function collect(text: string, re: RegExp, check: Check, out: Span[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const { ok, sep } = check(m);
    if (ok && cleanStart(text, start, sep) && text[start - 1] !== '+' && cleanEnd(text, end, sep) && text[end] !== ')') out.push({ start, end });
    else re.lastIndex = start + 1;
  }
}

const international: Check = (m) => {
  const digits = digitCount(m[0]);
  const parens = (m[0].match(/\(/g) ?? []).length;
  return { ok: digits >= 8 && digits <= 15 && parens === (m[0].match(/\)/g) ?? []).length && parens <= 1, sep: '' };
};
const northAmerican: Check = (m) => {
  const [, , , sep1, sep2] = m;
  // "415-555-2671" uses one separator twice; "(415) 555-2671" may mix.
  return { ok: sep1 === undefined || sep1 === sep2, sep: sep2 ?? '' };
};
const national: Check = (m) => {
  const digits = digitCount(m[0]);
  return { ok: digits >= 10 && digits <= 11, sep: m[1] ?? '' };
};

export const phone: Detector = {
  meta: {
    name: 'phone',
    description: 'Phone numbers: E.164 / international with "+", North American formats, national numbers with a trunk 0.',
    url: docsUrl('phone'),
  },
  create: () => ({
    needsDigit: true,
    digitAnchored: true,
    quick: /\d\d/,
    // International numbers have a "+" and 8–15 digits; North American 10 and a separator or parentheses,
    // national 10–11 and a separator.
    needs: [{ digits: 10, separators: 1 }, { digits: 8, plus: 1 }],
    find(text) {
      const all: Span[] = [];
      // Each shape starts with a literal ("+", or a trunk "0" for national numbers): cheaper to look for than
      // to run the expression on a text without it (most digit windows of a long body).
      if (text.indexOf('+') >= 0) collect(text, INTERNATIONAL, international, all);
      // The other two need a separator or a parenthesis: a bare number (a timestamp in JSON) has none.
      if (text.indexOf(' ') >= 0 || text.indexOf('-') >= 0 || text.indexOf('.') >= 0 || text.indexOf('(') >= 0) {
        collect(text, NORTH_AMERICAN, northAmerican, all);
        collect(text, NATIONAL, national, all);
      }
      if (all.length < 2) return all;
      // Different shapes may overlap; keep the earliest, then the longest.
      all.sort((a, b) => a.start - b.start || b.end - a.end);
      const spans: Span[] = [];
      for (const s of all) if (spans.length === 0 || s.start >= spans[spans.length - 1]!.end) spans.push(s);
      return spans;
    },
    partial: (value) => starAlnum(value, 0, 2),
    holdRun: HOLD,
    holdBack: (text) => holdRunLength(text, HOLD),
  }),
};
