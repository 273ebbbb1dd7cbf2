/**
 * The card detector's search as it was before its layouts were checked in place (gateway/mask/detectors/
 * credit-card.ts joined each layout's digits into a string): kept as the slow reference its find is compared
 * with (detector-equivalence.test.ts). Not used by the gateway.
 */
import { luhnValid } from '../../gateway/mask/checksums.js';
import { isDigit, isWord } from '../../gateway/mask/shapes.js';
import type { Span } from '../../gateway/mask/types.js';

const STRETCH = /\d[\d -]{11,}\d/g;
const LAYOUTS: number[][] = [
  [4, 4, 4, 4, 3], [4, 4, 4, 4, 2], [4, 4, 4, 4, 1], [4, 4, 4, 4], [4, 4, 4, 3], [4, 4, 4, 2], [4, 4, 4, 1], [4, 6, 5], [4, 6, 4],
];

function panValid(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && !/^0+$/.test(digits) && luhnValid(digits);
}

interface Group {
  start: number;
  end: number;
  sep: string;
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

function panAt(text: string, groups: Group[], g: number, afterCard: boolean): Span | null {
  const first = groups[g]!;
  const len0 = first.end - first.start;
  if (len0 >= 13 && len0 <= 19) return panValid(text.slice(first.start, first.end)) ? { start: first.start, end: first.end } : null;
  if (len0 !== 4 || first.sep === '') return null;
  const prev = groups[g - 1];
  if (!afterCard && prev && prev.end - prev.start === 4 && prev.sep === first.sep) return null;
  for (const layout of LAYOUTS) {
    if (g + layout.length > groups.length) continue;
    let ok = true;
    let digits = '';
    for (let k = 0; k < layout.length && ok; k++) {
      const grp = groups[g + k]!;
      if (grp.end - grp.start !== layout[k]) ok = false;
      else if (k < layout.length - 1 && grp.sep !== first.sep) ok = false;
      else digits += text.slice(grp.start, grp.end);
    }
    if (!ok) continue;
    if (panValid(digits)) return { start: first.start, end: groups[g + layout.length - 1]!.end };
  }
  return null;
}

function scanRun(text: string, start: number, end: number, spans: Span[]): void {
  const gluedStart = start > 0 && isWord(text.charCodeAt(start - 1));
  const gluedEnd = end < text.length && isWord(text.charCodeAt(end));
  const groups = groupsOf(text, start, end);
  let cardEnd = -1;
  for (let g = 0; g < groups.length; g++) {
    // A card may start right after another one (the rule added since: both searches hold it).
    const span = panAt(text, groups, g, groups[g - 1]?.end === cardEnd);
    if (!span || (gluedStart && span.start === start) || (gluedEnd && span.end === end)) continue;
    spans.push(span);
    cardEnd = span.end;
    while (g + 1 < groups.length && groups[g + 1]!.start < span.end) g++;
  }
}

export function referenceCardFind(text: string): Span[] {
  const spans: Span[] = [];
  STRETCH.lastIndex = 0;
  for (let m = STRETCH.exec(text); m; m = STRETCH.exec(text)) {
    const end = m.index + m[0].length;
    let runStart = m.index;
    for (let i = m.index; i <= end; i++) {
      if (i < end && (isDigit(text.charCodeAt(i)) || (isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))))) continue;
      if (i - runStart >= 13) scanRun(text, runStart, i, spans);
      runStart = i + 1;
    }
  }
  return spans;
}
