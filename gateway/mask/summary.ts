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
  /** Separators of digit groups: space, '-', '.', '(' and ')' (SSNs and most phone numbers have some). */
  separators: number;
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
const SEPARATOR = 64;

/** Flags by ASCII code; every other character has none. */
const CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = DIGIT | KEY;
  for (let c = 65; c <= 90; c++) t[c] = UPPER | KEY;
  for (let c = 97; c <= 122; c++) t[c] = KEY;
  for (const ch of '_/') t[ch.charCodeAt(0)] = KEY;
  t[43] = KEY | PLUS;
  t[45] = KEY | DASH | SEPARATOR;
  t[64] = AT;
  for (const ch of ' .()') t[ch.charCodeAt(0)] = SEPARATOR;
  return t;
})();

/** Key characters, the run the secret detector looks for (exported so it reads the same set). */
export const isKeyChar = (c: number): boolean => c < 128 && (CLASS[c]! & KEY) !== 0;

export function summarize(text: string): PieceSummary {
  return appendSummary(emptySummary(), text);
}

/** Make `into` the summary of nothing, in place. */
export function clearSummary(into: PieceSummary): PieceSummary {
  into.length = into.digits = into.upper = into.at = into.plus = into.dashes = into.separators = 0;
  into.longestKeyRun = into.leadingKeyRun = into.trailingKeyRun = 0;
  return into;
}

export function emptySummary(): PieceSummary {
  return { length: 0, digits: 0, upper: 0, at: 0, plus: 0, dashes: 0, separators: 0, longestKeyRun: 0, leadingKeyRun: 0, trailingKeyRun: 0 };
}

/**
 * Make `into` the summary of (what it summarised) + text[from, to) (default: all of it), in place: exact, or an
 * upper bound of every count and run when `into` was one (its leading run then means nothing; only appending to
 * the right is bounded). In place, because a stream does this for every piece.
 */
export function appendSummary(into: PieceSummary, text: string, from = 0, to = text.length): PieceSummary {
  let { digits, upper, at, plus, dashes, separators, longestKeyRun: longest } = into;
  let run = into.trailingKeyRun;
  let leading = into.leadingKeyRun === into.length ? -1 : into.leadingKeyRun;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const f = c < 128 ? CLASS[c]! : 0;
    if ((f & KEY) === 0) {
      if (leading < 0) leading = into.length + i - from;
      run = 0;
      if (f === AT) at++;
      else if (f === SEPARATOR) separators++;
      continue;
    }
    if (++run > longest) longest = run;
    if ((f & DIGIT) !== 0) digits++;
    else if ((f & UPPER) !== 0) upper++;
    else if ((f & DASH) !== 0) {
      dashes++;
      separators++;
    }
    else if ((f & PLUS) !== 0) plus++;
  }
  into.length += to - from;
  into.digits = digits;
  into.upper = upper;
  into.at = at;
  into.plus = plus;
  into.dashes = dashes;
  into.separators = separators;
  into.longestKeyRun = longest;
  into.leadingKeyRun = leading < 0 ? into.length : leading;
  into.trailingKeyRun = run;
  return into;
}


/** Whether a summary (or a bound of one) meets one of a detector's needs. */
export function meets(s: TextSummary, needs: readonly TextSummary[]): boolean {
  for (let i = 0; i < needs.length; i++) {
    const n = needs[i]!;
    if (s.digits >= n.digits && s.upper >= n.upper && s.at >= n.at && s.plus >= n.plus && s.dashes >= n.dashes && s.separators >= n.separators && s.longestKeyRun >= n.longestKeyRun) return true;
  }
  return false;
}
