/** Helpers shared by detectors: character classes, trailing runs, shape-keeping replacements. */

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const isWord = (c: number): boolean => isAlnum(c) || c === 95;

/**
 * A set of ASCII characters as a lookup table (1 = in the set). Hold-back runs are measured after every streamed
 * piece: a table read costs less than calling a predicate, and keeps the shared loops below monomorphic.
 */
export type AsciiSet = Uint8Array;

export function asciiSet(has: (c: number) => boolean): AsciiSet {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = has(c) ? 1 : 0;
  return t;
}

export const inAsciiSet = (set: AsciiSet, c: number): boolean => c < 128 && set[c] === 1;

/** Length of the run of characters of inRun at the end of text, capped at cap. */
export function trailingRun(text: string, inRun: AsciiSet, cap: number): number {
  let n = 0;
  for (let i = text.length - 1; i >= 0 && n < cap; i--, n++) if (!inAsciiSet(inRun, text.charCodeAt(i))) break;
  return n;
}

/**
 * A hold-back that is a trailing run, as data: characters of `run`, beginning with one of `start` (null: any
 * of run), at most `cap`. Declared this way, the runs of all detectors are measured in one backward pass.
 */
export interface HoldRun {
  run: AsciiSet;
  start: AsciiSet | null;
  cap: number;
}

export function holdRunLength(text: string, h: HoldRun): number {
  return h.start === null ? trailingRun(text, h.run, h.cap) : trailingRunFrom(text, h.run, h.start, h.cap);
}

/**
 * Like trailingRun, but the run must begin with a character a match can begin with: a tail of separators
 * alone (". ", " - ") cannot grow into a match and is not held.
 */
export function trailingRunFrom(text: string, inRun: AsciiSet, canStart: AsciiSet, cap: number): number {
  let n = trailingRun(text, inRun, cap);
  while (n > 0 && !inAsciiSet(canStart, text.charCodeAt(text.length - n))) n--;
  return n;
}

/**
 * Replace letters and digits with '*' and keep everything else (separators keep the shape), except the
 * first `keepFirst` and the last `keepLast` letters/digits.
 */
export function starAlnum(value: string, keepFirst: number, keepLast: number): string {
  let total = 0;
  for (let i = 0; i < value.length; i++) if (isAlnum(value.charCodeAt(i))) total++;
  if (keepFirst + keepLast >= total) {
    // Too short to keep anything safely: hide every letter and digit.
    keepFirst = 0;
    keepLast = 0;
  }
  // Built from runs (kept characters sliced, stars repeated), not a character at a time: every match of a
  // body is masked through here, and a string grown one character at a time is a chain of small strings.
  let out = '';
  let seen = 0;
  let from = 0;
  let stars = 0;
  for (let i = 0; i < value.length; i++) {
    if (isAlnum(value.charCodeAt(i)) && !(seen++ < keepFirst || seen > total - keepLast)) {
      if (stars === 0 && i > from) out += value.slice(from, i);
      stars++;
      from = i + 1;
    } else if (stars > 0) {
      out += '*'.repeat(stars);
      stars = 0;
    }
  }
  if (stars > 0) out += '*'.repeat(stars);
  return out + value.slice(from);
}
