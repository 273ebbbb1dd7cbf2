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
 * The string token [from - 1, to + 1) of text with its hits replaced (applyHits, quoted). The text around the
 * hits is raw JSON without escapes, and most replacements keep characters or add '*'; but a PEM block written
 * on one line gets the line breaks of its partial form, which must be escaped (written raw they made the body
 * invalid JSON). Only the replacements are tested: testing the whole content cost ~4% of a 1 MB body.
 */
export function quotedWithHits(text: string, hits: readonly Hit[], from: number, to: number, counts: MaskCounts): string {
  let out = '';
  let at = from;
  let escape = false;
  for (const h of hits) {
    const replacement = replacementOf(h.rule, text.slice(h.start, h.end), h.fragment);
    escape ||= NEEDS_ESCAPE.test(replacement);
    out += text.slice(at, h.start) + replacement;
    addCount(counts, h.rule.countName);
    at = h.end;
  }
  out += text.slice(at, to);
  return escape ? JSON.stringify(out) : `"${out}"`;
}

