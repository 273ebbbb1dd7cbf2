/** Rewriting single JSON tokens: the edits the JSON masker gives, and the replacement of one string or number token. */
import { addCount, maskTextWith, replacementOf, type CompiledRule, type Hit } from './rules.js';
import type { MaskCounts } from './types.js';

/** One token rewritten: text [start, end) becomes replacement. */
export interface Edit {
  start: number;
  end: number;
  replacement: string;
}

/** The text with its edits applied. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const e of edits) {
    out += text.slice(copied, e.start) + e.replacement;
    copied = e.end;
  }
  return out + text.slice(copied);
}

function decodeString(raw: string): string {
  return raw.indexOf('\\') < 0 ? raw.slice(1, -1) : (JSON.parse(raw) as string);
}

/** The replacement token for a string or number token, or null when nothing in it matched. */
export function maskToken(raw: string, isString: boolean, rules: readonly CompiledRule[], counts: MaskCounts): string | null {
  const value = isString ? decodeString(raw) : raw;
  const masked = maskTextWith(value, rules, counts);
  return masked === value ? null : JSON.stringify(masked);
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/**
 * The edits that replace the hits inside one string. A replacement is escaped where it needs it (most keep
 * characters or add '*'; a PEM block written on one line gets the line breaks of its partial form, which
 * written raw made the body invalid JSON); the raw text around it, escapes and all, is kept as sent.
 */
export function hitEdits(text: string, hits: readonly Hit[], counts: MaskCounts, edits: Edit[]): void {
  for (const h of hits) {
    const replacement = replacementOf(h.rule, text.slice(h.start, h.end), h.fragment);
    edits.push({ start: h.start, end: h.end, replacement: NEEDS_ESCAPE.test(replacement) ? JSON.stringify(replacement).slice(1, -1) : replacement });
    addCount(counts, h.rule.countName);
  }
}

/** The string token [from - 1, to + 1) of text with its hits replaced (hitEdits, applied and quoted). */
export function quotedWithHits(text: string, hits: readonly Hit[], from: number, to: number, counts: MaskCounts): string {
  const edits: Edit[] = [];
  hitEdits(text, hits, counts, edits);
  let out = '"';
  let at = from;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.replacement;
    at = e.end;
  }
  return out + text.slice(at, to) + '"';
}
