/**
 * Masking text that arrives in pieces. After each piece the text is scanned, and everything is released at
 * once except the shortest tail that a match could still extend into (each detector says how long that is).
 * The scan sees a little already-released text in front, so edge rules (no letter before a card number…)
 * judge the same characters as a scan of the whole text would: the output equals masking the concatenation.
 */
import { applyHits, findHits, holdBackOf, type CompiledRule } from './rules.js';
import type { MaskCounts } from './types.js';

/** Released characters kept as left context; longer than any detector's look-behind (a 4-digit group and its separator). */
const CONTEXT = 16;

export class StreamingText {
  /** Released context followed by the characters not yet released: what the next scan reads, kept as one string. */
  private scan = '';
  /** Where the unreleased part of scan starts. */
  private base = 0;

  constructor(
    private readonly rules: readonly CompiledRule[],
    private readonly counts: MaskCounts,
  ) {}

  /** Characters received but not yet released. */
  get held(): number {
    return this.scan.length - this.base;
  }

  /** Add a piece; returns the masked text that is now final (possibly empty). */
  push(piece: string): string {
    if (piece.length === 0) return '';
    this.scan += piece;
    return this.release(false);
  }

  /** The end of the text: release everything. */
  flush(): string {
    return this.held === 0 ? '' : this.release(true);
  }

  private release(final: boolean): string {
    const scan = this.scan;
    const base = this.base;
    const hits = findHits(scan, this.rules);
    let cut = final ? scan.length : Math.max(base, scan.length - holdBackOf(scan, this.rules));
    // A match that straddles the cut is held whole: more text may still change it.
    for (const h of hits) if (h.start < cut && h.end > cut) cut = Math.max(base, h.start);
    // A match reaching back into released text cannot happen while every detector's hold-back is right; if it
    // did, its unreleased rest is still masked whole.
    const inRange = hits.length === 0 ? hits : hits.filter((h) => h.end > base && h.start < cut).map((h) => (h.start < base ? { ...h, start: base, fragment: true } : h));
    const out = applyHits(scan, inRange, base, cut, this.counts);
    const keepFrom = Math.max(0, cut - CONTEXT);
    this.scan = keepFrom === 0 ? scan : scan.slice(keepFrom);
    this.base = cut - keepFrom;
    return out;
  }
}
