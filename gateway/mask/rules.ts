/** Mask entries compiled into rules, and the text-level core every target (body, JSON value, stream, cell) uses. */
import type { MaskSpec } from '../policy/types.js';
import { MaskError } from './errors.js';
import { compilePath, type CompiledPath } from './json-path.js';
import { DETECTORS } from './registry.js';
import { RUN_SCAN_FROM, scanRuns, type RunClass, type RunScan } from './run-scan.js';
import { starAlnum, type AsciiSet, type HoldRun } from './shapes.js';
import { summarize, type TextSummary } from './summary.js';
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

/** Texts longer than this get the shared digit pre-scan; shorter ones are scanned by each detector directly. */
const WINDOWED_FROM = 2048;
/** Characters of context around a run: edge rules look two characters beyond a match. */
const MARGIN = 4;

/** Classes of the run scanner by UTF-16 code unit: 1 a digit, 2 a separator ( ()+.-), 0 anything else. */
const STRETCH_CLASS = (() => {
  const t = new Uint8Array(65536);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (const c of ' ()+.-') t[c.charCodeAt(0)] = 2;
  return t;
})();
const classOf = (c: number): number => STRETCH_CLASS[c]!;
/** The shortest run that gets a window (8 digits); also the sampling step of digitWindows. */
const RUN_STRIDE = 8;

/**
 * Windows around the runs of digits and separators that could hold a match (8+ digits), merged where they
 * touch. Every match of a digit-anchored detector lies inside such a run.
 */
export function digitWindows(text: string, digits?: number[], pluses?: number[]): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  // A run worth a window has 8+ digits, so it is 8+ characters long and holds a multiple of RUN_STRIDE: only
  // those positions are looked at, and each run found is measured whole.
  const n = text.length;
  for (let i = RUN_STRIDE - 1; i < n; i += RUN_STRIDE) {
    if (classOf(text.charCodeAt(i)) === 0) continue;
    let start = i;
    let end = i + 1;
    while (start > 0 && classOf(text.charCodeAt(start - 1)) !== 0) start--;
    while (end < n && classOf(text.charCodeAt(end)) !== 0) end++;
    i = end;
    if (end - start >= RUN_STRIDE) windowsInRun(text, start, end, windows, digits, pluses);
  }
  return windows;
}

/**
 * One window for the whole run when it holds 8 or more digits (the fewest any digit-anchored detector needs:
 * 8 after a "+"). The whole run, not only the stretch inside it, so a detector sees the same context it would
 * see in the full text: a phone number whose digits continue past a separator ("+3467671 12"), or an edge
 * rule that reads what follows ("+1841408990310-1.2.3"), decide alike in a long text and a short one.
 */
function windowsInRun(text: string, from: number, to: number, windows: Array<[number, number]>, digitsOut?: number[], plusesOut?: number[]): void {
  let digits = 0;
  let pluses = 0;
  // Counted whole when the caller asks for it (a window then says how many digits its longest run has, and
  // how many '+' its runs have).
  const enough = digitsOut === undefined ? 8 : Infinity;
  for (let i = from; i < to && digits < enough; i++) {
    const c = text.charCodeAt(i);
    if (classOf(c) === 1) digits++;
    else if (c === 43) pluses++;
  }
  if (digits < 8) return;
  const start = Math.max(0, from - MARGIN);
  const end = Math.min(text.length, to + MARGIN);
  const last = windows[windows.length - 1];
  if (last && start <= last[1]) {
    last[1] = end;
    const w = windows.length - 1;
    if (digitsOut !== undefined && digits > digitsOut[w]!) digitsOut[w] = digits;
    if (plusesOut !== undefined) plusesOut[w]! += pluses;
  } else {
    windows.push([start, end]);
    digitsOut?.push(digits);
    plusesOut?.push(pluses);
  }
}

const ANY_DIGIT = /\d/;
/** Texts up to this long are summarised for needs; longer ones use the detectors' quick tests only. */
const SUMMARISED_UP_TO = 512;

/** A detector's needs as a list of complete summaries (absent counts 0; no needs: one that every text meets). */
function needsList(needs: DetectorInstance['needs']): TextSummary[] {
  const list: ReadonlyArray<Partial<TextSummary>> = needs === undefined ? [{}] : Array.isArray(needs) ? needs : [needs as Partial<TextSummary>];
  return list.map((n) => ({ digits: n.digits ?? 0, upper: n.upper ?? 0, at: n.at ?? 0, plus: n.plus ?? 0, dashes: n.dashes ?? 0, longestKeyRun: n.longestKeyRun ?? 0 }));
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

function meets(s: TextSummary, needs: readonly TextSummary[]): boolean {
  for (let i = 0; i < needs.length; i++) {
    const n = needs[i]!;
    if (s.digits >= n.digits && s.upper >= n.upper && s.at >= n.at && s.plus >= n.plus && s.dashes >= n.dashes && s.longestKeyRun >= n.longestKeyRun) return true;
  }
  return false;
}

/** Every rule's matches (overlaps not yet resolved). */
export function findAll(text: string, rules: readonly CompiledRule[]): Hit[] {
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
  const scan = scanned ? scanRuns(text, runClassesOf(anchored)) : null;
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

/** Digit-anchored rules on the windows of the text's digit stretches (from the shared scan when there is one). */
function findInWindows(text: string, windowed: readonly CompiledRule[], scan: RunScan | null, all: Hit[]): void {
  const digits: number[] = [];
  const pluses: number[] = [];
  let windows: Array<[number, number]>;
  if (scan === null) windows = digitWindows(text, digits, pluses);
  else {
    windows = [];
    // windowsInRun with the counts the scan made on the bytes.
    const runs = scan.stretches;
    for (let r = 0, k = 0; r < runs.length; r += 2, k++) {
      if (scan.stretchDigits[k]! < 8) continue;
      const start = Math.max(0, runs[r]! - MARGIN);
      const end = Math.min(text.length, runs[r + 1]! + MARGIN);
      const w = windows.length - 1;
      if (w >= 0 && start <= windows[w]![1]) {
        windows[w]![1] = end;
        if (scan.stretchDigits[k]! > digits[w]!) digits[w] = scan.stretchDigits[k]!;
        pluses[w]! += scan.stretchPluses[k]!;
      } else {
        windows.push([start, end]);
        digits.push(scan.stretchDigits[k]!);
        pluses.push(scan.stretchPluses[k]!);
      }
    }
  }
  // A match lies inside one run, so it has no more digits than the window's longest run and no more '+' than
  // its runs together; what a window does not count is taken as enough.
  const bound: TextSummary = { digits: 0, upper: Infinity, at: Infinity, plus: 0, dashes: Infinity, longestKeyRun: Infinity };
  for (let w = 0; w < windows.length; w++) {
    const [ws, we] = windows[w]!;
    bound.digits = digits[w]!;
    bound.plus = pluses[w]!;
    let part: string | null = null;
    for (const rule of windowed) {
      if (!meets(bound, rule.detector.needs as TextSummary[])) continue;
      part ??= text.slice(ws, we);
      for (const s of rule.detector.find(part)) all.push({ start: ws + s.start, end: ws + s.end, rule });
    }
  }
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
export function holdBackOf(text: string, rules: readonly CompiledRule[], plan: HoldBackPlan | null = null): number {
  return holdBackIn(text, 0, text.length, rules, plan);
}

/** holdBackOf(text.slice(from, to)), without slicing when the plan measures every hold-back on the range. */
export function holdBackIn(text: string, from: number, to: number, rules: readonly CompiledRule[], plan: HoldBackPlan | null): number {
  if (plan !== null) return plannedHoldBack(text, from, to, plan);
  const part = from === 0 && to === text.length ? text : text.slice(from, to);
  let n = 0;
  for (const r of rules) n = Math.max(n, r.detector.holdBack(part));
  return n;
}

/** The hold-back runs of a rule set, measured together (see DetectorInstance.holdRun). */
export interface HoldBackPlan {
  /** By ASCII code: bit k set when the character belongs to run k. */
  members: Uint32Array;
  runs: HoldRun[];
  longestCap: number;
  beyond: Array<(text: string, from: number, to: number) => number>;
  /** Scratch: the length of each run (one pass at a time: the masker is synchronous). */
  lengths: Int32Array;
}

const PLANS = new WeakMap<readonly CompiledRule[], HoldBackPlan | null>();

/**
 * A plan when every rule declares its hold-back run (and there are few enough for a bit each), else null. Made
 * once per rule list: a stream makes a StreamingText per channel, and a response may be a few events long.
 */
export function holdBackPlan(rules: readonly CompiledRule[]): HoldBackPlan | null {
  let plan = PLANS.get(rules);
  if (plan === undefined) PLANS.set(rules, (plan = makeHoldBackPlan(rules)));
  return plan;
}

function makeHoldBackPlan(rules: readonly CompiledRule[]): HoldBackPlan | null {
  if (rules.length === 0 || rules.length > 30 || !rules.every((r) => r.detector.holdRun !== undefined)) return null;
  const runs = rules.map((r) => r.detector.holdRun!);
  const members = new Uint32Array(128);
  for (let c = 0; c < 128; c++) for (let k = 0; k < runs.length; k++) if (runs[k]!.run[c] === 1) members[c]! |= 1 << k;
  return {
    members,
    runs,
    longestCap: Math.max(...runs.map((h) => h.cap)),
    beyond: rules.flatMap((r) => (r.detector.holdBackBeyondRun ? [r.detector.holdBackBeyondRun] : [])),
    lengths: new Int32Array(runs.length),
  };
}

/**
 * Every rule's holdRunLength in one backward pass: each character is read once for all runs (a bit per run
 * still going), then each run is capped and trimmed to a character it may start with.
 */
function plannedHoldBack(text: string, from: number, to: number, plan: HoldBackPlan): number {
  const { members, runs, lengths } = plan;
  const len = to - from;
  const all = (1 << runs.length) - 1;
  let alive = all;
  let n = 0;
  while (alive !== 0 && n < len && n < plan.longestCap) {
    const c = text.charCodeAt(to - 1 - n);
    const still = alive & (c < 128 ? members[c]! : 0);
    for (let ended = alive & ~still, k = 0; ended !== 0; ended >>>= 1, k++) if ((ended & 1) !== 0) lengths[k] = n;
    alive = still;
    n++;
  }
  for (let k = 0; alive !== 0; alive >>>= 1, k++) if ((alive & 1) !== 0) lengths[k] = n;
  let most = 0;
  for (let k = 0; k < runs.length; k++) {
    const h = runs[k]!;
    let r = Math.min(lengths[k]!, h.cap);
    if (h.start !== null) while (r > 0 && !inAsciiSet(h.start, text.charCodeAt(to - r))) r--;
    if (r > most) most = r;
  }
  for (const f of plan.beyond) most = Math.max(most, f(text, from, to));
  return most;
}

const inAsciiSet = (set: AsciiSet, c: number): boolean => c < 128 && set[c] === 1;
