/** Mask entries compiled into rules, and the text-level core every target (body, JSON value, stream, cell) uses. */
import type { MaskSpec } from '../policy/types.js';
import { MaskError } from './errors.js';
import { compilePath, type CompiledPath } from './json-path.js';
import { DETECTORS } from './registry.js';
import { starAlnum } from './shapes.js';
import type { DetectorInstance, MaskCounts } from './types.js';

export interface CompiledRule {
  /** Position in the spec list: earlier entries win when two detectors claim the same characters. */
  order: number;
  /** The key in counts: the detector name, or the regex entry's own name. */
  countName: string;
  detector: DetectorInstance;
  isRegex: boolean;
  replace: 'partial' | 'token';
  /** null: the whole body. */
  paths: CompiledPath[] | null;
  /** null: every column. Each entry is lowercased "column", "table.column" or "schema.table.column" split on dots. */
  columns: string[][] | null;
}

export function compileRules(specs: readonly MaskSpec[]): CompiledRule[] {
  return specs.map((spec, order) => {
    const entry = DETECTORS[spec.detector];
    if (!entry) throw new MaskError('CW_MASK_SPEC_INVALID', `unknown detector "${String(spec.detector)}"`);
    if (spec.detector === 'regex' && (!spec.name || !spec.pattern)) throw new MaskError('CW_MASK_SPEC_INVALID', 'a regex entry needs "name" and "pattern"');
    let detector: DetectorInstance;
    let paths: CompiledPath[] | null = null;
    try {
      detector = entry.create({ name: spec.name, pattern: spec.pattern });
      if (spec.paths && spec.paths.length > 0) paths = spec.paths.map(compilePath);
    } catch (e) {
      throw new MaskError('CW_MASK_SPEC_INVALID', `entry ${order} (${spec.detector}): ${(e as Error).message}`);
    }
    return {
      order,
      countName: spec.detector === 'regex' ? spec.name! : spec.detector,
      detector,
      isRegex: spec.detector === 'regex',
      replace: spec.replace ?? 'partial',
      paths,
      columns: spec.columns && spec.columns.length > 0 ? spec.columns.map((c) => c.toLowerCase().split('.')) : null,
    };
  });
}

export interface Hit {
  start: number;
  end: number;
  rule: CompiledRule;
  /** The tail of a match that overlapped an earlier one: masked whole, since its shape is incomplete. */
  fragment?: boolean;
}

/**
 * Matches of all rules, overlaps resolved: earliest first, then longest, then the earlier entry. A match that
 * overlaps an earlier one still has its remaining characters masked (the union is masked), so a wrong guess
 * about which detector owns a character never leaves the rest of a value in clear.
 */
export function findHits(text: string, rules: readonly CompiledRule[]): Hit[] {
  return resolveOverlaps(findAll(text, rules));
}

/** Texts longer than this get the shared digit pre-scan; shorter ones are scanned by each detector directly. */
const WINDOWED_FROM = 2048;
/** Digit groups joined by separators, 13+ plain digits, or "+" and 7+ digits; a plain timestamp is not a stretch. */
const DIGIT_STRETCH = /\d+[ ()+.-]+\d[\d ()+.-]{3,}\d|\d{13,}|\+\d{7,}/g;
/** Characters of context around a stretch: edge rules look two characters beyond a match. */
const MARGIN = 4;

/**
 * Windows around digit stretches that could hold a match, merged where they touch. A stretch of plain digits
 * matters only from 13 digits (a card) or after a "+" (E.164); the other shapes all have separators.
 */
function digitWindows(text: string): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  DIGIT_STRETCH.lastIndex = 0;
  for (let m = DIGIT_STRETCH.exec(text); m; m = DIGIT_STRETCH.exec(text)) {
    // The shortest matches: an SSN has 9 digits, a phone number 10 (8 after a "+"), a card 13. A timestamp or a
    // date ("2024-01-15", 8 digits) is not worth a window.
    let digits = 0;
    const s = m[0];
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) digits++;
    const afterPlus = s.charCodeAt(0) === 43 || text.charCodeAt(m.index - 1) === 43;
    if (digits < 8 || (digits === 8 && !afterPlus)) continue;
    if (digits === s.length && digits < 13 && !afterPlus) continue;
    const start = Math.max(0, m.index - MARGIN);
    const end = Math.min(text.length, m.index + m[0].length + MARGIN);
    const last = windows[windows.length - 1];
    if (last && start <= last[1]) last[1] = end;
    else windows.push([start, end]);
  }
  return windows;
}

/** Every rule's matches (overlaps not yet resolved). */
export function findAll(text: string, rules: readonly CompiledRule[]): Hit[] {
  const all: Hit[] = [];
  const windowed: CompiledRule[] = [];
  for (const rule of rules) {
    const quick = rule.detector.quick;
    if (quick !== undefined && !quick.test(text)) continue;
    if (rule.detector.digitAnchored && text.length > WINDOWED_FROM) {
      windowed.push(rule);
      continue;
    }
    for (const s of rule.detector.find(text)) all.push({ start: s.start, end: s.end, rule });
  }
  if (windowed.length > 0) {
    for (const [ws, we] of digitWindows(text)) {
      const part = text.slice(ws, we);
      for (const rule of windowed) for (const s of rule.detector.find(part)) all.push({ start: ws + s.start, end: ws + s.end, rule });
    }
  }
  return all;
}

/** Sort matches and resolve overlaps (see findHits). */
export function resolveOverlaps(all: Hit[]): Hit[] {
  if (all.length < 2) return all;
  all.sort((a, b) => a.start - b.start || b.end - a.end || a.rule.order - b.rule.order);
  const kept: Hit[] = [];
  for (const h of all) {
    const last = kept[kept.length - 1];
    if (!last || h.start >= last.end) kept.push(h);
    else if (h.end > last.end) kept.push({ start: last.end, end: h.end, rule: h.rule, fragment: true });
  }
  return kept;
}

export function replacementOf(rule: CompiledRule, value: string, fragment = false): string {
  if (rule.replace === 'token') return `[MASKED:${rule.countName}]`;
  return fragment ? starAlnum(value, 0, 0) : rule.detector.partial(value);
}

export function addCount(counts: MaskCounts, name: string, n = 1): void {
  counts[name] = (counts[name] ?? 0) + n;
}

/** Replace hits within [from, to) of text; hits are sorted and inside the range. */
export function applyHits(text: string, hits: readonly Hit[], from: number, to: number, counts: MaskCounts): string {
  if (hits.length === 0) return from === 0 && to === text.length ? text : text.slice(from, to);
  let out = '';
  let at = from;
  for (const h of hits) {
    out += text.slice(at, h.start) + replacementOf(h.rule, text.slice(h.start, h.end), h.fragment);
    addCount(counts, h.rule.countName);
    at = h.end;
  }
  return out + text.slice(at, to);
}

export function maskTextWith(text: string, rules: readonly CompiledRule[], counts: MaskCounts): string {
  if (text.length === 0 || rules.length === 0) return text;
  return applyHits(text, findHits(text, rules), 0, text.length, counts);
}

/** How many trailing characters any rule could still extend into a match. */
export function holdBackOf(text: string, rules: readonly CompiledRule[]): number {
  let n = 0;
  for (const r of rules) n = Math.max(n, r.detector.holdBack(text));
  return n;
}
