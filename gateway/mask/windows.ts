/**
 * Digit windows: the digit-anchored detectors (card, SSN, phone) run only on small windows around the stretches
 * of digits and separators ( ()+.-) that could hold a match, not over a whole long text. A stretch worth a window
 * holds 8 or more digits (the fewest any of them needs: 8 after a "+").
 */
import type { CompiledRule, Hit } from './rules.js';
import type { RunScan } from './run-scan.js';
import { meets, type TextSummary } from './summary.js';

/** Texts longer than this get the windows; shorter ones are scanned by each detector directly. */
export const WINDOWED_FROM = 2048;
/** Characters of context around a stretch: edge rules look two characters beyond a match. */
const MARGIN = 4;
/** The fewest digits of a stretch that gets a window; also the sampling step (a stretch is at least this long). */
const LEAST_DIGITS = 8;

/** Classes by UTF-16 code unit: 1 a digit, 2 '+', 3 another separator ( ().-), 0 anything else. */
export const STRETCH_CLASS = (() => {
  const t = new Uint8Array(65536);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  t[43] = 2;
  for (const c of ' ().-') t[c.charCodeAt(0)] = 3;
  return t;
})();

/**
 * What each window's stretches hold, as bounds of any one match inside it (a match lies inside one stretch):
 * the most digits and the most separators of one stretch, and the '+' of all of them.
 */
export interface WindowCounts {
  digits: number[];
  pluses: number[];
  separators: number[];
}

/**
 * The windows of a text as [start, end) pairs, merged where they touch; counts, when given, receive each
 * window's bounds. Each window is a whole stretch and MARGIN around it, not only the digits inside it, so a
 * detector sees the same context it would see in the full text: a phone number whose digits continue past a
 * separator ("+3467671 12"), or an edge rule that reads what follows ("+1841408990310-1.2.3"), decide alike.
 */
export function digitWindows(text: string, counts?: WindowCounts): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  const into = counts ?? { digits: [], pluses: [], separators: [] };
  const n = text.length;
  // A stretch worth a window is at least LEAST_DIGITS long, so it holds a multiple of it: only those positions
  // are looked at, and each stretch found there is measured whole.
  for (let i = LEAST_DIGITS - 1; i < n; i += LEAST_DIGITS) {
    if (STRETCH_CLASS[text.charCodeAt(i)] === 0) continue;
    let start = i;
    let end = i + 1;
    while (start > 0 && STRETCH_CLASS[text.charCodeAt(start - 1)] !== 0) start--;
    while (end < n && STRETCH_CLASS[text.charCodeAt(end)] !== 0) end++;
    i = end;
    if (end - start < LEAST_DIGITS) continue;
    let digits = 0;
    let pluses = 0;
    let separators = 0;
    for (let j = start; j < end; j++) {
      const k = STRETCH_CLASS[text.charCodeAt(j)];
      if (k === 1) digits++;
      else if (k === 2) pluses++;
      else separators++;
    }
    addStretch(windows, into, n, start, end, digits, pluses, separators);
  }
  return windows;
}

/** The window of one stretch, merged into the last one when they touch (stretches come in text order). */
function addStretch(windows: Array<[number, number]>, counts: WindowCounts, textLength: number, from: number, to: number, digits: number, pluses: number, separators: number): void {
  if (digits < LEAST_DIGITS) return;
  const start = Math.max(0, from - MARGIN);
  const end = Math.min(textLength, to + MARGIN);
  const w = windows.length - 1;
  if (w >= 0 && start <= windows[w]![1]) {
    windows[w]![1] = end;
    if (digits > counts.digits[w]!) counts.digits[w] = digits;
    if (separators > counts.separators[w]!) counts.separators[w] = separators;
    counts.pluses[w]! += pluses;
  } else {
    windows.push([start, end]);
    counts.digits.push(digits);
    counts.pluses.push(pluses);
    counts.separators.push(separators);
  }
}

/** Digit-anchored rules on the windows of the text's stretches (found by the shared scan when there is one). */
export function findInWindows(text: string, windowed: readonly CompiledRule[], scan: RunScan | null, all: Hit[]): void {
  const counts: WindowCounts = { digits: [], pluses: [], separators: [] };
  // What a window does not count is taken as enough.
  const bound: TextSummary = { digits: 0, upper: Infinity, at: Infinity, plus: 0, dashes: Infinity, separators: 0, longestKeyRun: Infinity };
  let windows: Array<[number, number]>;
  if (scan === null) windows = digitWindows(text, counts);
  else {
    windows = [];
    const runs = scan.stretches;
    // The scan kept only the stretches that meet one of these rules' needs (findAll gives it stretchNeeds): one
    // that meets none holds no match, nor does any part of it, and gets no window (a timestamp, a date).
    for (let r = 0, k = 0; r < runs.length; r += 2, k++) {
      addStretch(windows, counts, text.length, runs[r]!, runs[r + 1]!, scan.stretchDigits[k]!, scan.stretchPluses[k]!, scan.stretchSeparators[k]!);
    }
  }
  for (let w = 0; w < windows.length; w++) {
    const ws = windows[w]![0];
    const we = windows[w]![1];
    bound.digits = counts.digits[w]!;
    bound.plus = counts.pluses[w]!;
    bound.separators = counts.separators[w]!;
    let part: string | null = null;
    for (const rule of windowed) {
      if (!meets(bound, rule.detector.needs as TextSummary[])) continue;
      part ??= text.slice(ws, we);
      for (const s of rule.detector.find(part)) all.push({ start: ws + s.start, end: ws + s.end, rule });
    }
  }
}

/**
 * The rules' needs in what a stretch counts (digits, '+', separators), as triples: a stretch counts nothing else,
 * so it meets a need (meets() with every other count unbounded) exactly when it meets its triple. Checked for
 * every stretch of a long body (a date, a timestamp: thousands per megabyte), where meets() on a summary object
 * cost more than the windows' detectors.
 */
export function stretchNeeds(windowed: readonly CompiledRule[]): number[] {
  const triples: number[] = [];
  for (const rule of windowed) for (const n of rule.detector.needs as TextSummary[]) triples.push(n.digits, n.plus, n.separators);
  return triples;
}

export function meetsAny(needs: readonly number[], digits: number, pluses: number, separators: number): boolean {
  for (let i = 0; i < needs.length; i += 3) if (digits >= needs[i]! && pluses >= needs[i + 1]! && separators >= needs[i + 2]!) return true;
  return false;
}
