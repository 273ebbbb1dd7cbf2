import { IBAN_LENGTHS, ibanMod97 } from '../checksums.js';
import { asciiSet, type HoldRun, holdRunLength, isAlnum, starAlnum } from '../shapes.js';
import { docsUrl, type Detector, type Span } from '../types.js';

/** A country code, two check digits, then alphanumerics, optionally in groups of four separated by one space. */
const CANDIDATE = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]){8,32}/g;
/** 34 characters and 8 spaces. */
const MAX_LENGTH = 42;
const HOLD_RUN = asciiSet((c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 32);
const HOLD_START = asciiSet((c) => c >= 65 && c <= 90);
const HOLD: HoldRun = { run: HOLD_RUN, start: HOLD_START, cap: MAX_LENGTH + 2 };

/** Where an IBAN of `len` characters starting at start ends, if its spacing is compact or print format (groups of 4). */
function endOf(text: string, start: number, len: number): number {
  let i = start;
  let count = 0;
  const spaced = text[start + 4] === ' ';
  while (count < len) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (!spaced || count % 4 !== 0) return -1;
      i++;
      continue;
    }
    if (!(isAlnum(c) && !(c >= 97 && c <= 122))) return -1;
    count++;
    i++;
  }
  return i;
}

const CANDIDATE_AT = new RegExp(CANDIDATE.source, 'y');

/** The end of a valid IBAN at a candidate's start (right length, spacing, edges and checksum), or -1. */
function ibanEnd(text: string, start: number): number {
  const len = IBAN_LENGTHS[text.slice(start, start + 2)];
  const end = len === undefined || (start > 0 && isAlnum(text.charCodeAt(start - 1))) ? -1 : endOf(text, start, len);
  return end > 0 && (end === text.length || !isAlnum(text.charCodeAt(end))) && ibanMod97(text.slice(start, end).replace(/ /g, '')) === 1 ? end : -1;
}

export const iban: Detector = {
  meta: {
    name: 'iban',
    description: 'International bank account numbers: right length for the country and a valid mod-97 checksum, compact or in groups of four.',
    url: docsUrl('iban'),
  },
  create: () => ({
    needsDigit: true,
    quick: /[A-Z]{2}\d\d/,
    // A country code and two check digits.
    needs: { upper: 2, digits: 2 },
    find(text) {
      const spans: Span[] = [];
      CANDIDATE.lastIndex = 0;
      for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
        const end = ibanEnd(text, m.index);
        CANDIDATE.lastIndex = end > 0 ? end : m.index + 1;
        if (end > 0) spans.push({ start: m.index, end });
      }
      return spans;
    },
    // A candidate is capitals, digits and spaces only, so it lies in one run of them of 12 or more.
    inRuns: {
      chars: HOLD_RUN,
      min: 12,
      find(text, runs, bytes) {
        const spans: Span[] = [];
        for (let r = 0; r < runs.length; r += 2) {
          const runEnd = runs[r + 1]!;
          for (let p = runs[r]!; p < runEnd; p++) {
            const c = bytes[p]!;
            if (c < 65 || c > 90) continue;
            CANDIDATE_AT.lastIndex = p;
            if (!CANDIDATE_AT.test(text)) continue;
            const end = ibanEnd(text, p);
            if (end < 0) continue;
            spans.push({ start: p, end });
            p = end - 1;
          }
        }
        return spans;
      },
    },
    partial: (value) => starAlnum(value, 2, 4),
    holdRun: HOLD,
    holdBack: (text) => holdRunLength(text, HOLD),
  }),
};
