/**
 * One pass over a short text that counts what detectors need before they can match (digits, capitals, '@',
 * the longest run of key characters). A streamed piece is mostly letters and spaces: with the summary, most
 * detectors are skipped without running their expressions (see DetectorInstance.needs).
 */

export interface TextSummary {
  /** ASCII digits. */
  digits: number;
  /** ASCII capital letters. */
  upper: number;
  /** '@' characters. */
  at: number;
  /** '+' characters. */
  plus: number;
  /** '-' characters. */
  dashes: number;
  /** The longest run of key characters (A-Z a-z 0-9 _ - + /): keys, tokens, base64 and PEM armour lines. */
  longestKeyRun: number;
}

/** A summary with the runs at both ends, so summaries of pieces combine into one of their concatenation. */
export interface PieceSummary extends TextSummary {
  length: number;
  /** Key characters the text starts with. */
  leadingKeyRun: number;
  /** Key characters the text ends with. */
  trailingKeyRun: number;
}

const DIGIT = 1;
const UPPER = 2;
const AT = 4;
const KEY = 8;
const PLUS = 16;
const DASH = 32;

/** Flags by ASCII code; every other character has none. */
const CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = DIGIT | KEY;
  for (let c = 65; c <= 90; c++) t[c] = UPPER | KEY;
  for (let c = 97; c <= 122; c++) t[c] = KEY;
  for (const ch of '_/') t[ch.charCodeAt(0)] = KEY;
  t[43] = KEY | PLUS;
  t[45] = KEY | DASH;
  t[64] = AT;
  return t;
})();

/** Key characters, the run the secret detector looks for (exported so it reads the same set). */
export const isKeyChar = (c: number): boolean => c < 128 && (CLASS[c]! & KEY) !== 0;

export function summarize(text: string): PieceSummary {
  let digits = 0;
  let upper = 0;
  let at = 0;
  let plus = 0;
  let dashes = 0;
  let run = 0;
  let longest = 0;
  let leading = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const f = c < 128 ? CLASS[c]! : 0;
    if ((f & KEY) === 0) {
      if (leading < 0) leading = i;
      run = 0;
      if (f === AT) at++;
      continue;
    }
    if (++run > longest) longest = run;
    if ((f & DIGIT) !== 0) digits++;
    else if ((f & UPPER) !== 0) upper++;
    else if ((f & DASH) !== 0) dashes++;
    else if ((f & PLUS) !== 0) plus++;
  }
  return { length: text.length, digits, upper, at, plus, dashes, longestKeyRun: longest, leadingKeyRun: leading < 0 ? text.length : leading, trailingKeyRun: run };
}

/**
 * The summary of a + b from the summaries of a and b: exact, or an upper bound of every count and run when a's
 * is one (its leading run then means nothing; only appending to the right is bounded).
 */
export function concatSummary(a: PieceSummary, b: PieceSummary): PieceSummary {
  const across = a.trailingKeyRun + b.leadingKeyRun;
  return {
    length: a.length + b.length,
    digits: a.digits + b.digits,
    upper: a.upper + b.upper,
    at: a.at + b.at,
    plus: a.plus + b.plus,
    dashes: a.dashes + b.dashes,
    longestKeyRun: Math.max(a.longestKeyRun, b.longestKeyRun, across),
    leadingKeyRun: a.leadingKeyRun === a.length ? a.length + b.leadingKeyRun : a.leadingKeyRun,
    trailingKeyRun: b.trailingKeyRun === b.length ? a.trailingKeyRun + b.length : b.trailingKeyRun,
  };
}

export const EMPTY_SUMMARY: PieceSummary = { length: 0, digits: 0, upper: 0, at: 0, plus: 0, dashes: 0, longestKeyRun: 0, leadingKeyRun: 0, trailingKeyRun: 0 };
