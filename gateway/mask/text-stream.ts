/**
 * Masking text that arrives in pieces. After each piece the text is scanned, and everything is released at
 * once except the shortest tail that a match could still extend into (each detector says how long that is).
 * The scan sees a little already-released text in front, so edge rules (no letter before a card number…)
 * judge the same characters as a scan of the whole text would: the output equals masking the concatenation.
 */
import { allRulesDeclareNeeds, anyRuleMayMatch, applyHits, findHits, holdBackIn, holdBackOf, holdBackPlan, type CompiledRule, type HoldBackPlan, type Hit } from './rules.js';
import { appendSummary, clearSummary, emptySummary, type PieceSummary } from './summary.js';
import type { MaskCounts } from './types.js';

/** Released characters kept as left context; longer than any detector's look-behind (a 4-digit group and its separator). */
const CONTEXT = 16;
const NO_HITS: Hit[] = [];

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
  private readonly holdPlan: HoldBackPlan | null;

  /** summaryGate: false scans after every piece (for tests that compare the two). */
  constructor(
    private readonly rules: readonly CompiledRule[],
    private readonly counts: MaskCounts,
    options: { summaryGate?: boolean } = {},
  ) {
    this.gated = options.summaryGate !== false && rules.length > 0 && allRulesDeclareNeeds(rules);
    this.holdPlan = holdBackPlan(rules);
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
    const cut = Math.max(this.base, this.scan.length - holdBackOf(this.scan, this.rules, this.holdPlan));
    // Nothing can be released (the hold-back covers all that is unreleased: an open PEM block, a number still
    // being written): neither the summary of the held text nor the detectors are needed, whatever they found
    // would be held. Without this, every piece after an unclosed "-----BEGIN … PRIVATE KEY-----" summarised
    // and rescanned up to 16 KB of held text.
    if (cut === this.base) return this.keep(cut);
    if (this.gated && !this.mayMatch(this.scan, 0, this.scan.length)) return this.release(cut, NO_HITS);
    const out = this.release(cut);
    // Detectors ran: start again from the exact summary of what is kept.
    if (this.gated) appendSummary(clearSummary(this.bound), this.scan);
    return out;
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
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (piece.length === 0) {
        released[i] = '';
        continue;
      }
      end += piece.length;
      if (this.gated) appendSummary(this.bound, piece);
      const cut = Math.max(base, end - holdBackIn(all, start, end, this.rules, this.holdPlan));
      if (cut === base || (this.gated && !this.mayMatch(all, start, end))) {
        // release(cut, NO_HITS) on all[start, end) (push: nothing releasable, or nothing can match).
        released[i] = all.slice(base, cut);
        start = Math.max(start, cut - CONTEXT);
        base = cut;
        continue;
      }
      this.scan = all.slice(start, end);
      this.base = base - start;
      released[i] = this.release(cut - start);
      if (this.gated) appendSummary(clearSummary(this.bound), this.scan);
      start = end - this.scan.length;
      base = start + this.base;
    }
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
    const hits = known ?? findHits(scan, this.rules);
    // A match that straddles the cut is held whole: more text may still change it.
    for (const h of hits) if (h.start < cut && h.end > cut) cut = Math.max(base, h.start);
    // A match reaching back into released text cannot happen while every detector's hold-back is right; if it
    // did, its unreleased rest is still masked whole.
    const inRange = hits.length === 0 ? hits : hits.filter((h) => h.end > base && h.start < cut).map((h) => (h.start < base ? { ...h, start: base, fragment: true } : h));
    const out = applyHits(scan, inRange, base, cut, this.counts);
    this.keep(cut);
    return out;
  }

  /** Keep the scan from CONTEXT characters before the cut; returns '' (what a release with nothing final gives). */
  private keep(cut: number): string {
    const keepFrom = Math.max(0, cut - CONTEXT);
    if (keepFrom > 0) this.scan = this.scan.slice(keepFrom);
    this.base = cut - keepFrom;
    return '';
  }
}
