/** Mask entries compiled into rules, and the text-level core every target (body, JSON value, stream, cell) uses. */
import type { MaskSpec } from '../policy/types.js';
import { MaskError } from './errors.js';
import { compilePath, type CompiledPath } from './json-path.js';
import { DETECTORS } from './registry.js';
import { RUN_SCAN_FROM, scanRuns, type RunClass } from './run-scan.js';
import { starAlnum } from './shapes.js';
import { meets, summarize, type TextSummary } from './summary.js';
import { findInWindows, stretchNeeds, WINDOWED_FROM } from './windows.js';
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
  /** The detector declares needs (see DetectorInstance.needs); without them it runs on every text. */
  declaresNeeds: boolean;
}

export function compileRules(specs: readonly MaskSpec[]): CompiledRule[] {
  return specs.map((spec, order) => {
    const entry = DETECTORS[spec.detector];
    if (!entry) throw new MaskError('CW_MASK_SPEC_INVALID', `unknown detector "${String(spec.detector)}"`);
    if (spec.detector === 'regex' && (!spec.name || !spec.pattern)) throw new MaskError('CW_MASK_SPEC_INVALID', 'a regex entry needs "name" and "pattern"');
    let created: DetectorInstance;
    let paths: CompiledPath[] | null = null;
    try {
      created = entry.create({ name: spec.name, pattern: spec.pattern });
      if (spec.paths && spec.paths.length > 0) paths = spec.paths.map(compilePath);
    } catch (e) {
      throw new MaskError('CW_MASK_SPEC_INVALID', `entry ${order} (${spec.detector}): ${(e as Error).message}`);
    }
    return {
      order,
      countName: spec.detector === 'regex' ? spec.name! : spec.detector,
      detector: uniform(created),
      isRegex: spec.detector === 'regex',
      replace: spec.replace ?? 'partial',
      paths,
      columns: spec.columns && spec.columns.length > 0 ? spec.columns.map((c) => c.toLowerCase().split('.')) : null,
      declaresNeeds: created.needs !== undefined,
    };
  });
}

/**
 * The instance with every optional member present, in one order: all rules' detectors then share one object
 * shape, and reading their members in the per-piece loops stays a monomorphic load instead of a megamorphic one.
 */
function uniform(d: DetectorInstance): DetectorInstance {
  return {
    quick: d.quick,
    needsDigit: d.needsDigit === true,
    digitAnchored: d.digitAnchored === true,
    needs: needsList(d.needs),
    inRuns: d.inRuns,
    find: d.find,
    partial: d.partial,
    holdBack: d.holdBack,
    holdRun: d.holdRun,
    holdBackBeyondRun: d.holdBackBeyondRun,
  };
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

const ANY_DIGIT = /\d/;
/** Texts up to this long are summarised for needs; longer ones use the detectors' quick tests only. */
const SUMMARISED_UP_TO = 512;

/** A detector's needs as a list of complete summaries (absent counts 0; no needs: one that every text meets). */
function needsList(needs: DetectorInstance['needs']): TextSummary[] {
  const list: ReadonlyArray<Partial<TextSummary>> = needs === undefined ? [{}] : Array.isArray(needs) ? needs : [needs as Partial<TextSummary>];
  return list.map((n) => ({ digits: n.digits ?? 0, upper: n.upper ?? 0, at: n.at ?? 0, plus: n.plus ?? 0, dashes: n.dashes ?? 0, separators: n.separators ?? 0, longestKeyRun: n.longestKeyRun ?? 0 }));
}

/** Whether any rule could match a text with this summary (or an upper bound of it). */
export function anyRuleMayMatch(s: TextSummary, rules: readonly CompiledRule[]): boolean {
  for (let i = 0; i < rules.length; i++) if (meets(s, rules[i]!.detector.needs as TextSummary[])) return true;
  return false;
}

/** Whether every rule declares what its matches need (a user regex does not): then a text can be gated. */
export function allRulesDeclareNeeds(rules: readonly CompiledRule[]): boolean {
  return rules.every((r) => r.declaresNeeds);
}


/** Every rule's matches (overlaps not yet resolved). bytes: the text's bytes when known to be all ASCII. */
export function findAll(text: string, rules: readonly CompiledRule[], bytes: Uint8Array | null = null): Hit[] {
  const all: Hit[] = [];
  let windowed: CompiledRule[] | null = null;
  let anchored: CompiledRule[] | null = null;
  let hasDigit: boolean | null = null;
  const long = text.length > WINDOWED_FROM;
  const scanned = text.length >= RUN_SCAN_FROM;
  const summary = text.length <= SUMMARISED_UP_TO ? summarize(text) : null;
  for (const rule of rules) {
    if (summary !== null && !meets(summary, rule.detector.needs as TextSummary[])) continue;
    if (rule.detector.needsDigit === true && !(hasDigit ??= ANY_DIGIT.test(text))) continue;
    // A long text's run-anchored rules wait for the shared scan: no quick test, which costs a pass of its own.
    if (scanned && rule.detector.inRuns !== undefined) {
      (anchored ??= []).push(rule);
      continue;
    }
    const quick = rule.detector.quick;
    if (quick !== undefined && !quick.test(text)) continue;
    if (rule.detector.digitAnchored && long) {
      (windowed ??= []).push(rule);
      continue;
    }
    for (const s of rule.detector.find(text)) all.push({ start: s.start, end: s.end, rule });
  }
  if (windowed === null && anchored === null) return all;
  const scan = scanned ? scanRuns(text, runClassesOf(anchored), bytes, stretchNeeds(windowed ?? [])) : null;
  if (anchored !== null) {
    for (const rule of anchored) {
      const anchor = rule.detector.inRuns!;
      const k = scan === null ? -1 : scan.classes.findIndex((c) => c.chars === anchor.chars && c.min === anchor.min);
      const spans = k < 0 ? rule.detector.find(text) : anchor.find(text, scan!.runs[k]!, scan!.bytes);
      for (const s of spans) all.push({ start: s.start, end: s.end, rule });
    }
  }
  if (windowed !== null) findInWindows(text, windowed, scan, all);
  return all;
}

/** The distinct run classes of the rules. */
function runClassesOf(rules: readonly CompiledRule[] | null): RunClass[] {
  const classes: RunClass[] = [];
  for (const r of rules ?? []) {
    const a = r.detector.inRuns!;
    if (!classes.some((c) => c.chars === a.chars && c.min === a.min)) classes.push({ chars: a.chars, min: a.min });
  }
  return classes;
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
