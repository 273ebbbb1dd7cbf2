/**
 * Masking inside a JSON document without re-serialising it: the raw text is scanned token by token and only
 * masked string values (and numbers that hold a match, which become strings) are rewritten, so untouched bytes,
 * key order, number spelling and integers beyond 2^53 stay exactly as the upstream sent them.
 */
import { holdsEscape, readBytes, readText, type Reading } from './json-escapes.js';
import { latin1Text } from './latin1.js';
import { NotJson, QuoteParityFinder, TokenFinder } from './json-tokens.js';
import { applyEdits, hitEdits, maskToken, type Edit } from './json-rewrite.js';
import { Walker } from './json-walk.js';
import { findAll, maskTextWith, resolveOverlaps, type CompiledRule, type Hit } from './rules.js';
import type { MaskCounts } from './types.js';

export { applyEdits, type Edit } from './json-rewrite.js';

export interface JsonMaskResult {
  text: string;
  /** false when the body was not JSON: it was then masked as plain text with every rule. */
  wasJson: boolean;
}

/**
 * What masking a JSON body changes: its tokens' edits (sorted, not overlapping), or, when the body was not
 * JSON, the whole text masked as plain text.
 */
export type JsonEdits = { wasJson: true; edits: Edit[] } | { wasJson: false; text: string };

const WHOLE_NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function maskJsonText(text: string, rules: readonly CompiledRule[], counts: MaskCounts): JsonMaskResult {
  const r = maskJsonEdits(text, rules, counts);
  return r.wasJson ? { text: applyEdits(text, r.edits), wasJson: true } : r;
}

/**
 * maskJsonText as edits, for a caller that writes the output itself (the masking Transform copies the body's
 * bytes around them instead of building a string of the whole body). bytes: the text's bytes when it is all
 * ASCII (one per character), read by the scans instead of a copy of their own.
 */
export function maskJsonEdits(text: string, rules: readonly CompiledRule[], counts: MaskCounts, bytes: Uint8Array | null = null): JsonEdits {
  // Word reads over the bytes need an offset that is a multiple of 4.
  if (bytes !== null && (bytes.byteOffset % 4 !== 0 || bytes.length < text.length)) bytes = null;
  const known = bytes;
  return editsOrText(
    (local) => (wholeBodyOnly(rules) ? fastMask(readText(text, known), rules, local) : new Walker(text, rules, local, known).run()),
    () => text,
    rules,
    counts,
  );
}

/**
 * maskJsonEdits of an ASCII body given as bytes [0, length) of a buffer the caller owns whole (the masking
 * Transform's; its bytes from length up may be overwritten): with whole-body entries only, no string of the raw
 * body is made (detectors read a text made off the bytes; the body's own characters are read off the bytes
 * where a string is decoded precisely).
 */
export function maskJsonBytes(owner: Uint8Array, length: number, rules: readonly CompiledRule[], counts: MaskCounts): JsonEdits {
  const text = (): string => latin1Text(owner, length, true);
  if (!wholeBodyOnly(rules) || owner.byteOffset % 4 !== 0) return maskJsonEdits(text(), rules, counts, owner.subarray(0, length));
  return editsOrText((local) => fastMask(readBytes(owner, length), rules, local), text, rules, counts);
}

const wholeBodyOnly = (rules: readonly CompiledRule[]): boolean => rules.every((r) => r.paths === null && !r.isRegex);

/** The edits of a masking pass, or (when the body is not JSON after all) the body masked as plain text. */
function editsOrText(pass: (counts: MaskCounts) => Edit[], text: () => string, rules: readonly CompiledRule[], counts: MaskCounts): JsonEdits {
  const local: MaskCounts = {};
  try {
    const edits = pass(local);
    for (const [k, v] of Object.entries(local)) counts[k] = (counts[k] ?? 0) + v;
    return { wasJson: true, edits };
  } catch (e) {
    if (!(e instanceof NotJson) && !(e instanceof SyntaxError)) throw e;
    // Not JSON after all: every rule over the raw text is the safe reading.
    return { wasJson: false, text: maskTextWith(text(), rules, counts) };
  }
}

/**
 * Every rule applies to the whole body and none is a user regex, so no structure needs tracking. The
 * detectors run once over the body as they read it (json-escapes.ts: escapes that decode to an edge character
 * stand in place as such; a body without escapes is read as it is): a quote is a boundary to every detector
 * like the end of a text, so a match inside a string is exactly the match a scan of the decoded string alone
 * gives, and is applied as found. Strings with other escapes, matches that hold an escape or reach across
 * tokens (a PEM block) and numbers are decoded and masked precisely. A match outside any string must be a
 * number, or the body is not JSON and is masked as text.
 */
function fastMask(read: Reading, rules: readonly CompiledRule[], counts: MaskCounts): Edit[] {
  const { seen, escaped } = read;
  const hits: Hit[] = findAll(seen, rules, read.bytes);
  // Escapes that decode to a character a match can hold: a zero-rule "hit" that only asks for a precise pass.
  const escapes = read.opaque;
  if (hits.length === 0 && escapes.length === 0) {
    if (/^\s*$/.test(seen)) throw new NotJson();
    return [];
  }
  hits.sort((a, b) => a.start - b.start);
  // What the detectors read has no backslash left: every quote in it opens or closes a string.
  const tokens = read.bytes !== null ? new QuoteParityFinder(seen, read.bytes) : new TokenFinder(seen, true);
  // Tokens with work, by start and in the order first met (which is text order but for a hit reaching back).
  const work = new Map<number, TokenWork>();
  const works: TokenWork[] = [];
  const workFor = (start: number, end: number, isString: boolean): TokenWork => {
    let w = work.get(start);
    if (!w) {
      work.set(start, (w = { start, end, isString, precise: !isString, hits: [] }));
      works.push(w);
    }
    return w;
  };
  let e = 0;
  for (let h = 0; h <= hits.length; h++) {
    const at = h < hits.length ? hits[h]!.start : Infinity;
    for (; e < escapes.length && escapes[e]! < at; e++) {
      const t = tokens.at(escapes[e]!);
      if (!t.isString) throw new NotJson();
      workFor(t.start, t.end, true).precise = true;
    }
    if (h === hits.length) break;
    const hit = hits[h]!;
    const t = tokens.at(hit.start);
    if (t.isString && hit.end < t.end && !(escaped && holdsEscape(seen, hit.start, hit.end))) {
      workFor(t.start, t.end, true).hits.push(hit);
      continue;
    }
    // Reaching across tokens, or outside strings: every token touched gets a precise pass.
    for (let p = hit.start; p < hit.end; ) {
      const u = tokens.at(p);
      if (u.isString) {
        workFor(u.start, u.end, true).precise = true;
        p = u.end < hit.end ? tokens.nextStringStart(u.end, hit.end) : hit.end;
      } else {
        const n = numberAround(seen, p);
        if (!n) throw new NotJson();
        workFor(n.start, n.end, false);
        p = hit.end;
      }
    }
  }
  const edits: Edit[] = [];
  let copied = 0;
  if (!inOrder(works)) works.sort((a, b) => a.start - b.start);
  for (const w of works) {
    if (w.start < copied) continue;
    if (!w.precise) {
      // The string's own characters around its matches stay as they are: each match is an edit of its own.
      hitEdits(seen, resolveOverlaps(w.hits), counts, edits);
      continue;
    }
    const replacement = maskToken(read.raw(w.start, w.end), w.isString, rules, counts);
    if (replacement === null) continue;
    edits.push({ start: w.start, end: w.end, replacement });
    copied = w.end;
  }
  return edits;
}

/** Whether the tokens are sorted by start already (nearly always: sorting ~1,000 of them cost more than the check). */
function inOrder(works: readonly TokenWork[]): boolean {
  for (let k = 1; k < works.length; k++) if (works[k]!.start < works[k - 1]!.start) return false;
  return true;
}

interface TokenWork {
  start: number;
  end: number;
  isString: boolean;
  /** Decode and scan with every rule (escapes, numbers, a match reaching across tokens). */
  precise: boolean;
  hits: Hit[];
}

function numberAround(text: string, p: number): { start: number; end: number } | null {
  const isNum = (c: number) => (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;
  let s = p;
  let e = p;
  while (s > 0 && isNum(text.charCodeAt(s - 1))) s--;
  while (e < text.length && isNum(text.charCodeAt(e))) e++;
  return e > s && WHOLE_NUMBER.test(text.slice(s, e)) ? { start: s, end: e } : null;
}

