/**
 * Masking text that arrives in pieces. After each piece the text is scanned, and everything is released at
 * once except the shortest tail that a match could still extend into (each detector says how long that is).
 * The scan sees a little already-released text in front, so edge rules (no letter before a card number…)
 * judge the same characters as a scan of the whole text would, and a run that goes on before that is judged
 * with the text behind it: the output equals masking the concatenation. While the scan is long, releases wait
 * for a quarter of it (see waits), so each character is read a bounded number of times whatever the pieces.
 */
import { beyondRuns, crossingRunsEnd, crossingRunsStart, GrowingRuns, holdBackIn, holdBackPlan, runCrosses, type HoldBackPlan } from './hold-back.js';
import { allRulesDeclareNeeds, anyRuleMayMatch, applyHits, findHits, type CompiledRule, type Hit } from './rules.js';
import { appendSummary, clearSummary, emptySummary, type PieceSummary } from './summary.js';
import type { MaskCounts } from './types.js';

/**
 * Released characters kept as left context; longer than any detector's look-behind (a 4-digit group and its
 * separator). A run that goes on across it is judged with the released text behind it (see judgedHits).
 */
const CONTEXT = 16;
const NO_HITS: Hit[] = [];
/**
 * A scan from which what could be released waits until it is a quarter of the scan (see waits): the detectors
 * read the whole scan each time, and a hold this long (a secret's token run, up to 4 KB; a user regex's
 * 256-character window; a PEM block) was read again after every piece of a few characters: a stream of digits
 * or base64 in a model's reply cost 3 s of CPU per MB that way. From 32 characters: a stream dense with values
 * (each held while it is written) is looked at about a third as often; prose (a scan of its context and last
 * word) is not held back by it.
 */
const LOOK_EVERY_FROM = 32;

export class StreamingText {
  /** Released context followed by the characters not yet released: what the next scan reads, kept as one string. */
  private scan = '';
  /** Where the unreleased part of scan starts. */
  private base = 0;
  /**
   * An upper bound of summarize(scan), grown by the summary of each piece (a few characters) instead of
   * summarising the whole scan again: while no rule's needs are met, nothing can match and no detector runs.
   */
  private readonly bound: PieceSummary = emptySummary();
  private readonly gated: boolean;
  private readonly plan: HoldBackPlan | null;
  /** The hold-back runs at the end of the text, measured a piece at a time; null when a rule has no plan. */
  private readonly runs: GrowingRuns | null;
  /**
   * Released text before the scan: its last characters (at least the plan's longest run), kept as a rope of
   * what each release dropped and read only to judge a match in a run that crosses the scan's start.
   */
  private behind = '';
  /** The cut the last piece waited at (in the scan's positions; -1 after a release). */
  private waitedAt = -1;

  /** summaryGate: false scans after every piece (for tests that compare the two). */
  constructor(
    private readonly rules: readonly CompiledRule[],
    private readonly counts: MaskCounts,
    options: { summaryGate?: boolean } = {},
  ) {
    this.gated = options.summaryGate !== false && rules.length > 0 && allRulesDeclareNeeds(rules);
    this.plan = holdBackPlan(rules);
    this.runs = this.plan === null ? null : new GrowingRuns(this.plan);
  }

  /** Characters received but not yet released. */
  get held(): number {
    return this.scan.length - this.base;
  }

  /** Add a piece; returns the masked text that is now final (possibly empty). */
  push(piece: string): string {
    if (piece.length === 0) return '';
    this.scan += piece;
    if (this.gated) appendSummary(this.bound, piece);
    const cut = this.cutAfter(this.scan, 0, this.scan.length, this.base, piece);
    // Nothing to release now (it waits, or the hold-back covers all that is unreleased: an open PEM block, a
    // number still being written): neither the summary of the held text nor the detectors are needed, whatever
    // they found would be held, and the scan and its context stay as they are. Without this, every piece after
    // an unclosed "-----BEGIN … PRIVATE KEY-----" summarised and rescanned up to 16 KB of held text.
    if (cut < 0 || cut === this.base) return '';
    if (this.gated && !this.mayMatch(this.scan, 0, this.scan.length)) return this.release(cut, NO_HITS);
    const out = this.release(cut);
    // Detectors ran: start again from the exact summary of what is kept.
    if (this.gated) appendSummary(clearSummary(this.bound), this.scan);
    return out;
  }

  /**
   * Where the scan text[from, to), unreleased from base and just grown by piece, may be cut: to less its
   * hold-back, not before base; or -1 when what it could release waits for more (see waits). The runs are
   * measured on the piece alone, and when their hold-back's bound already makes the release wait, the scan is
   * not read at all (a string grown by += is flattened by the first read: a copy of the whole scan per piece).
   * The rest of the hold-back (an open PEM block, a regex window) is measured on the unreleased text and
   * CONTEXT before it.
   */
  private cutAfter(text: string, from: number, to: number, base: number, piece: string): number {
    const near = Math.max(from, base - CONTEXT);
    if (this.runs === null) return this.cutOrWait(from, to, base, to - holdBackIn(text, near, to, this.rules, null));
    this.runs.add(piece);
    // A short scan is read at once (as cheap as the bounds). A long one is not read when a run holds all that is
    // unreleased (a token being written: nothing to release), or when the release would wait even by the
    // runs' largest hold-back (the exact one is smaller or equal: its release would wait too).
    if (to - from >= LOOK_EVERY_FROM) {
      if (to - this.runs.atLeast(to - from) <= base) return base;
      if (this.cutOrWait(from, to, base, to - this.runs.atMost(to - from)) < 0) return -1;
    }
    return this.cutOrWait(from, to, base, to - Math.max(this.runs.holdBack(text, from, to), beyondRuns(text, near, to, this.plan!)));
  }

  /**
   * The cut at cutAt (not before base) of the scan [from, to), or -1 when it waits: only while each piece moves
   * the cut on (a run being written); when the cut stays (a hold that keeps all that follows, like a PEM block),
   * waiting would hold the text before it until the hold ends.
   */
  private cutOrWait(from: number, to: number, base: number, cutAt: number): number {
    const cut = Math.max(base, cutAt);
    if (cut <= this.waitedAt || cut === base || !waits(cut - base, to - from)) return cut;
    this.waitedAt = cut;
    return -1;
  }

  /**
   * Whether a rule could match the scan text[from, to), the bound just grown by its last piece. The bound sums
   * every piece since it was last made exact, so it is met long before the scan (a few dozen characters) meets
   * anything: then the scan itself is summarised and decides, and its summary is the new bound (what is kept
   * of it later is a part of it).
   */
  private mayMatch(text: string, from: number, to: number): boolean {
    if (!anyRuleMayMatch(this.bound, this.rules)) return false;
    return anyRuleMayMatch(appendSummary(clearSummary(this.bound), text, from, to), this.rules);
  }

  /**
   * push() of each piece in turn, returning what each released. The pieces of a chunk's events are joined into
   * one string once, and a piece whose scan no rule can match is measured on it by position: no string is built
   * per piece but the one it releases. Equal to calling push for each (batched.test.ts compares them).
   */
  pushAll(pieces: readonly string[]): string[] {
    const released: string[] = new Array<string>(pieces.length);
    // The scan is all[start, end); what it has not released starts at base (positions in all).
    const all = this.scan + pieces.join('');
    let start = 0;
    let end = this.scan.length;
    let base = this.base;
    // all[0, dropped) is in behind or was before it.
    let dropped = 0;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (piece.length === 0) {
        released[i] = '';
        continue;
      }
      end += piece.length;
      if (this.gated) appendSummary(this.bound, piece);
      const cut = this.cutAfter(all, start, end, base, piece);
      if (cut < 0 || cut === base) {
        released[i] = '';
        continue;
      }
      if (this.gated && !this.mayMatch(all, start, end)) {
        // release(cut, NO_HITS) on all[start, end) (push: nothing can match).
        released[i] = all.slice(base, cut);
        start = Math.max(start, cut - CONTEXT);
        base = cut;
        this.waitedAt = -1;
        continue;
      }
      this.drop(all, dropped, start);
      this.scan = all.slice(start, end);
      this.base = base - start;
      released[i] = this.release(cut - start);
      if (this.gated) appendSummary(clearSummary(this.bound), this.scan);
      start = end - this.scan.length;
      dropped = start;
      base = start + this.base;
    }
    this.drop(all, dropped, start);
    if (this.waitedAt >= 0) this.waitedAt -= start;
    this.scan = start === 0 && end === all.length ? all : all.slice(start, end);
    this.base = base - start;
    return released;
  }

  /** The end of the text: release everything. */
  flush(): string {
    return this.held === 0 ? '' : this.release(this.scan.length);
  }

  /**
   * Release scan up to the cut (the end of the scan, or where the hold-back allows), less any match that straddles
   * it. known: the matches in scan when already known (none, when no rule can match).
   */
  private release(cutAt: number, known: Hit[] | null = null): string {
    const scan = this.scan;
    const base = this.base;
    let cut = cutAt;
    const hits = known ?? this.judgedHits(scan, base);
    // A match that straddles the cut is held whole: more text may still change it.
    for (const h of hits) if (h.start < cut && h.end > cut) cut = Math.max(base, h.start);
    // A match reaching back into released text cannot happen while every detector's hold-back is right; if it
    // did, its unreleased rest is still masked whole.
    const inRange = hits.length === 0 ? hits : hits.filter((h) => h.end > base && h.start < cut).map((h) => (h.start < base ? { ...h, start: base, fragment: true } : h));
    const out = applyHits(scan, inRange, base, cut, this.counts);
    this.keep(cut);
    return out;
  }

  /**
   * The scan's matches. A detector judges a run by its whole length (twenty digits are no card number; a token
   * of 300 characters is no key): when a run that goes on before the scan reaches held text, or holds the start
   * of a match that does, the scan saw only the run's end, and it is judged again with the released text behind
   * it. Only then is behind read.
   */
  private judgedHits(scan: string, base: number): Hit[] {
    const hits = findHits(scan, this.rules);
    const behind = this.behind;
    if (behind.length === 0 || this.plan === null) return hits;
    const runEnd = crossingRunsEnd(scan, behind.charCodeAt(behind.length - 1), this.plan);
    if (runEnd < 0) return hits;
    // A run that goes on into unreleased text may hold a match the scan could not see as one (a card right after
    // a card that began before the scan). A run within the released context matters only for a match found in
    // it that reaches unreleased text.
    if (runEnd <= base) {
      let first = 0;
      while (first < hits.length && hits[first]!.end <= base) first++;
      if (first === hits.length || hits[first]!.start >= runEnd) return hits;
    }
    const from = crossingRunsStart(behind, scan.charCodeAt(0), this.plan);
    const shift = behind.length - from;
    const whole = findHits(behind.slice(from) + scan, this.rules);
    const judged: Hit[] = [];
    for (const h of whole) if (h.end > shift) judged.push({ ...h, start: h.start - shift, end: h.end - shift });
    return judged;
  }

  /** Keep the scan from CONTEXT characters before the cut. */
  private keep(cut: number): void {
    const keepFrom = Math.max(0, cut - CONTEXT);
    if (keepFrom > 0) {
      this.drop(this.scan, 0, keepFrom);
      this.scan = this.scan.slice(keepFrom);
    }
    this.base = cut - keepFrom;
    this.waitedAt = -1;
  }

  /**
   * Add text[from, to), released and leaving the scan, to behind; behind keeps twice the longest run at most,
   * and nothing when no run goes on across `to` (no later scan's run can reach back past it).
   */
  private drop(text: string, from: number, to: number): void {
    if (to <= from || this.plan === null) return;
    if (!runCrosses(text, to, this.plan)) {
      this.behind = '';
      return;
    }
    this.behind += text.slice(from, to);
    if (this.behind.length > 2 * this.plan.longestCap) this.behind = this.behind.slice(-this.plan.longestCap);
  }
}

/**
 * Whether what could be released (releasable characters of the scan: the held text and its context) waits for
 * more: while the scan is long, until it is a quarter of it, so each character is read by the detectors about
 * five times at most whatever the pieces' sizes.
 * A piece that ends the hold (the end of a long run) makes most of it releasable: that is released at once.
 * Holding more than the hold-back needs never changes the output, only when it is sent.
 */
function waits(releasable: number, scanLength: number): boolean {
  return scanLength >= LOOK_EVERY_FROM && releasable * 4 < scanLength;
}
