import { asciiSet, type HoldRun, holdRunLength, isDigit, isWord, starAlnum } from '../shapes.js';
import { docsUrl, type Detector, type Span } from '../types.js';

/**
 * Stretches of digits, spaces and dashes long enough to hold a card number: short digit runs (most numbers in
 * text and JSON) never become a match object. Each stretch is cut into runs of digit groups joined by single
 * separators, and card numbers are looked for inside each run.
 */
const STRETCH = /\d[\d -]{11,}\d/g;
/** The longest formatted PAN: 19 digits and 4 separators. */
const MAX_LENGTH = 23;
const HOLD_RUN = asciiSet((c) => isDigit(c) || c === 32 || c === 45);
const HOLD_START = asciiSet(isDigit);
const HOLD: HoldRun = { run: HOLD_RUN, start: HOLD_START, cap: MAX_LENGTH + 2 };

/** Group-length layouts of formatted PANs (4-4-4-4, 4-4-4-4-3, 4-4-4-1 … , Amex 4-6-5, Diners 4-6-4). */
const LAYOUTS: number[][] = [
  [4, 4, 4, 4, 3], [4, 4, 4, 4, 2], [4, 4, 4, 4, 1], [4, 4, 4, 4], [4, 4, 4, 3], [4, 4, 4, 2], [4, 4, 4, 1], [4, 6, 5], [4, 6, 4],
];

/**
 * Whether the digits of groups [g, g + count), joined, are a PAN: 13–19 digits, not all zeros, passing Luhn.
 * Read in place: a window of a long body tries up to nine layouts at each group, and joining their digits into
 * strings cost more than the rest of the search.
 */
function groupsValid(text: string, groups: Group[], g: number, count: number): boolean {
  let length = 0;
  for (let k = g; k < g + count; k++) length += groups[k]!.end - groups[k]!.start;
  if (length < 13 || length > 19) return false;
  // Luhn from the last digit; every digit 0 means all zeros.
  let sum = 0;
  let double = false;
  let nonZero = false;
  for (let k = g + count - 1; k >= g; k--) {
    const grp = groups[k]!;
    for (let i = grp.end - 1; i >= grp.start; i--) {
      let d = text.charCodeAt(i) - 48;
      if (d !== 0) nonZero = true;
      if (double) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      double = !double;
    }
  }
  return nonZero && sum % 10 === 0;
}

interface Group {
  start: number;
  end: number;
  sep: string; // the separator after this group ('' for the last)
}

function groupsOf(text: string, start: number, end: number): Group[] {
  const groups: Group[] = [];
  let i = start;
  while (i < end) {
    let j = i;
    while (j < end && isDigit(text.charCodeAt(j))) j++;
    groups.push({ start: i, end: j, sep: j < end ? text[j]! : '' });
    i = j + 1;
  }
  return groups;
}

/**
 * The longest PAN starting at group g (as one plain group or a known layout with one separator), or null.
 * afterCard: group g follows a card just found (two cards written one after the other).
 */
function panAt(text: string, groups: Group[], g: number, afterCard: boolean): Span | null {
  const first = groups[g]!;
  const len0 = first.end - first.start;
  if (len0 >= 13 && len0 <= 19) return groupsValid(text, groups, g, 1) ? { start: first.start, end: first.end } : null;
  if (len0 !== 4 || first.sep === '') return null;
  // Inside a longer sequence of 4-digit groups ("6454-8671-4991-9179-00") a card starts at its first group only,
  // or right after another card ("4111 1111 1111 1111 5555 5555 5555 4444": both are cards).
  const prev = groups[g - 1];
  if (!afterCard && prev && prev.end - prev.start === 4 && prev.sep === first.sep) return null;
  for (const layout of LAYOUTS) {
    if (g + layout.length > groups.length) continue;
    let ok = true;
    for (let k = 0; k < layout.length && ok; k++) {
      const grp = groups[g + k]!;
      if (grp.end - grp.start !== layout[k]) ok = false;
      else if (k < layout.length - 1 && grp.sep !== first.sep) ok = false;
    }
    if (!ok) continue;
    // A card may be followed by more digits (a CVV, an expiry): the longest valid layout wins, and masking a
    // little too much is the safe error.
    if (groupsValid(text, groups, g, layout.length)) return { start: first.start, end: groups[g + layout.length - 1]!.end };
  }
  return null;
}

function scanRun(text: string, start: number, end: number, spans: Span[]): void {
  // Glued to a word ("x4111…", "4111…px"): the digits are part of an identifier.
  const gluedStart = start > 0 && isWord(text.charCodeAt(start - 1));
  const gluedEnd = end < text.length && isWord(text.charCodeAt(end));
  const groups = groupsOf(text, start, end);
  let cardEnd = -1;
  for (let g = 0; g < groups.length; g++) {
    const span = panAt(text, groups, g, groups[g - 1]?.end === cardEnd);
    if (!span || (gluedStart && span.start === start) || (gluedEnd && span.end === end)) continue;
    spans.push(span);
    cardEnd = span.end;
    while (g + 1 < groups.length && groups[g + 1]!.start < span.end) g++;
  }
}

export const creditCard: Detector = {
  meta: {
    name: 'credit_card',
    description: 'Payment card numbers (PAN): 13–19 digits passing the Luhn check, plain or in groups (4-4-4-4, Amex 4-6-5).',
    url: docsUrl('credit_card'),
  },
  create: () => ({
    needsDigit: true,
    digitAnchored: true,
    quick: /\d{4}/,
    // A PAN has at least 13 digits.
    needs: { digits: 13 },
    find(text) {
      const spans: Span[] = [];
      STRETCH.lastIndex = 0;
      for (let m = STRETCH.exec(text); m; m = STRETCH.exec(text)) {
        const end = m.index + m[0].length;
        let runStart = m.index;
        for (let i = m.index; i <= end; i++) {
          // A separator ends the run unless it sits between two digits.
          if (i < end && (isDigit(text.charCodeAt(i)) || (isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))))) continue;
          if (i - runStart >= 13) scanRun(text, runStart, i, spans);
          runStart = i + 1;
        }
      }
      return spans;
    },
    partial: (value) => starAlnum(value, 4, 4),
    holdRun: HOLD,
    holdBack: (text) => holdRunLength(text, HOLD),
  }),
};
