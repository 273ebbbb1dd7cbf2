/**
 * How much of a streamed text's end must be held back: the shortest tail that a match could still extend into.
 * Each detector says how long that is; when each says it as a run of characters (DetectorInstance.holdRun),
 * all are measured in one backward pass, and a stream measures only the piece it was just given.
 */
import type { CompiledRule } from './rules.js';
import { inAsciiSet, type HoldRun } from './shapes.js';

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
  const { lengths } = plan;
  const alive = measureRuns(text, to, Math.min(to - from, plan.longestCap), plan, lengths);
  for (let k = 0, a = alive; a !== 0; a >>>= 1, k++) if ((a & 1) !== 0) lengths[k] = Math.min(to - from, plan.longestCap);
  return Math.max(runsHoldBack(text, from, to, plan, lengths), beyondRuns(text, from, to, plan));
}

/**
 * The trailing runs of text[to - n, to), read backward: each run's length goes into lengths where it ends;
 * returns the bits of the runs that still go on at to - n (their lengths are left to the caller).
 */
function measureRuns(text: string, to: number, n: number, plan: HoldBackPlan, lengths: Int32Array): number {
  const { members } = plan;
  let alive = (1 << plan.runs.length) - 1;
  let i = 0;
  while (alive !== 0 && i < n) {
    const c = text.charCodeAt(to - 1 - i);
    const still = alive & (c < 128 ? members[c]! : 0);
    for (let ended = alive & ~still, k = 0; ended !== 0; ended >>>= 1, k++) if ((ended & 1) !== 0) lengths[k] = i;
    alive = still;
    i++;
  }
  return alive;
}

/** The hold-back of the runs from their lengths at to: each capped and trimmed to a start. */
function runsHoldBack(text: string, from: number, to: number, plan: HoldBackPlan, lengths: Int32Array): number {
  const { runs } = plan;
  let most = 0;
  for (let k = 0; k < runs.length; k++) {
    const h = runs[k]!;
    let r = Math.min(lengths[k]!, h.cap, to - from);
    if (h.start !== null) while (r > 0 && !inAsciiSet(h.start, text.charCodeAt(to - r))) r--;
    if (r > most) most = r;
  }
  return most;
}

/** What the rules hold besides their runs (DetectorInstance.holdBackBeyondRun) in text[from, to). */
export function beyondRuns(text: string, from: number, to: number, plan: HoldBackPlan): number {
  let most = 0;
  for (const f of plan.beyond) most = Math.max(most, f(text, from, to));
  return most;
}

/**
 * The lengths of a plan's runs at the end of a text that only grows (a stream's): after each piece only the
 * piece is read, and a run that covers it goes on from its length before. A run of digits or base64 is held up
 * to 4 KB (it may be a key): measuring it again after every piece of a few characters cost more than masking.
 */
export class GrowingRuns {
  private readonly lengths: Int32Array;
  constructor(private readonly plan: HoldBackPlan) {
    this.lengths = new Int32Array(plan.runs.length);
  }

  /** Measure a piece just added to the text's end (the piece itself: the text may be a rope that reading flattens). */
  add(piece: string): void {
    const { plan, lengths } = this;
    const n = piece.length;
    const alive = measureRuns(piece, n, n, plan, lengths);
    for (let k = 0, a = alive; a !== 0; a >>>= 1, k++) if ((a & 1) !== 0) lengths[k] = Math.min(lengths[k]! + n, plan.longestCap);
  }

  /**
   * Bounds of the runs' hold-back of a text of this length, read from the lengths alone. At most: every run
   * capped, not yet trimmed to a character it may start with.
   */
  atMost(length: number): number {
    return this.capped(length, true);
  }

  /** At least: the runs that need no trimming (any of their characters may start them), capped. */
  atLeast(length: number): number {
    return this.capped(length, false);
  }

  private capped(length: number, everyRun: boolean): number {
    const { plan, lengths } = this;
    let most = 0;
    for (let k = 0; k < lengths.length; k++) {
      const h = plan.runs[k]!;
      if (everyRun || h.start === null) most = Math.max(most, Math.min(lengths[k]!, h.cap));
    }
    return Math.min(most, length);
  }

  /** The runs' part of holdBackIn(text, from, to) (beyondRuns is the rest), text[from, to) measured by add. */
  holdBack(text: string, from: number, to: number): number {
    return runsHoldBack(text, from, to, this.plan, this.lengths);
  }
}

/**
 * Runs of the plan that go on across the boundary between two texts (before ends with the character `last`,
 * after starts with `first`): the bits of the runs both characters belong to.
 */
function crossing(last: number, first: number, plan: HoldBackPlan): number {
  return (last < 128 ? plan.members[last]! : 0) & (first < 128 ? plan.members[first]! : 0);
}

/** Whether a run of the plan goes on across position at of text (the characters before and at it are in it). */
export function runCrosses(text: string, at: number, plan: HoldBackPlan): boolean {
  return at > 0 && at < text.length && crossing(text.charCodeAt(at - 1), text.charCodeAt(at), plan) !== 0;
}

/**
 * Where in `after` the runs that cross into it from text ending with the character `last` end (the furthest),
 * or -1 when none crosses.
 */
export function crossingRunsEnd(after: string, last: number, plan: HoldBackPlan): number {
  let bits = after.length === 0 ? 0 : crossing(last, after.charCodeAt(0), plan);
  if (bits === 0) return -1;
  let end = 0;
  for (let k = 0; bits !== 0; bits >>>= 1, k++) {
    if ((bits & 1) === 0) continue;
    const run = plan.runs[k]!.run;
    let p = 1;
    while (p < after.length && inAsciiSet(run, after.charCodeAt(p))) p++;
    if (p > end) end = p;
  }
  return end;
}

/**
 * Where in `before` the runs that go on into text starting with the character `first` begin (the earliest; at
 * most each run's cap back), or before.length when none does.
 */
export function crossingRunsStart(before: string, first: number, plan: HoldBackPlan): number {
  let bits = before.length === 0 ? 0 : crossing(before.charCodeAt(before.length - 1), first, plan);
  let start = before.length;
  for (let k = 0; bits !== 0; bits >>>= 1, k++) {
    if ((bits & 1) === 0) continue;
    const run = plan.runs[k]!.run;
    const limit = Math.max(0, before.length - plan.runs[k]!.cap);
    let p = before.length - 1;
    while (p > limit && inAsciiSet(run, before.charCodeAt(p - 1))) p--;
    if (p < start) start = p;
  }
  return start;
}
