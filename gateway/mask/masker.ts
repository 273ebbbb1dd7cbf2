/** The masking API the gateway and the PostgreSQL proxy call. */
import type { MaskSpec } from '../policy/types.js';
import { maskCellWith, planCell, type CellPlan, type ColumnInfo } from './cells.js';
import { MaskError } from './errors.js';
import { compilePath } from './json-path.js';
import { maskJsonText } from './json-mask.js';
import { compileRules, maskTextWith, type CompiledRule } from './rules.js';
import { createMaskingStreamFor, type MaskingStreamOptions, type MaskingStreamResult } from './stream.js';
import type { MaskCounts } from './types.js';

export interface MaskTextResult {
  text: string;
  counts: MaskCounts;
}

export interface MaskJsonResult {
  body: string;
  counts: MaskCounts;
  /** false when the body was not valid JSON and was masked as plain text with every entry. */
  wasJson: boolean;
}

/** Masks the cells of one result set; plans each column once (from a RowDescription). */
export interface ResultMasker {
  readonly counts: MaskCounts;
  /** Whether any entry applies to this result set at all (if not, rows can be forwarded untouched). */
  readonly active: boolean;
  cell(columnIndex: number, value: string | null): string | null;
}

/** How many lists of `paths` given to maskJson a Masker keeps compiled. */
const KEPT_PATH_LISTS = 16;

export class Masker {
  readonly rules: readonly CompiledRule[];
  private readonly withPaths = new Map<string, readonly CompiledRule[]>();

  constructor(specs: readonly MaskSpec[]) {
    this.rules = compileRules(specs);
  }

  /** No entries: callers may skip masking altogether. */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Every entry over a whole text (JSON paths and columns do not apply to plain text). */
  maskText(text: string): MaskTextResult {
    const counts: MaskCounts = {};
    return { text: maskTextWith(text, this.rules, counts), counts };
  }

  /**
   * Mask a complete JSON body. Entries with `paths` apply under those paths only; `paths` given here apply
   * to the entries that have none of their own.
   */
  maskJson(body: Buffer | string, paths?: readonly string[]): MaskJsonResult {
    let text: string;
    if (typeof body === 'string') text = body;
    else {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      } catch {
        throw new MaskError('CW_MASK_INVALID_UTF8');
      }
    }
    const rules = paths && paths.length > 0 ? this.rulesWithPaths(paths) : this.rules;
    const counts: MaskCounts = {};
    const r = maskJsonText(text, rules, counts);
    return { body: r.text, counts, wasJson: r.wasJson };
  }

  /**
   * The entries with `paths` given to those that have none, kept for the next call with the same paths: the
   * JSON walk keeps what it learns about a rule list (json-frames.ts) for as long as the list lives.
   */
  private rulesWithPaths(paths: readonly string[]): readonly CompiledRule[] {
    const key = JSON.stringify(paths);
    let rules = this.withPaths.get(key);
    if (rules !== undefined) return rules;
    let compiled;
    try {
      compiled = paths.map(compilePath);
    } catch (e) {
      throw new MaskError('CW_MASK_SPEC_INVALID', (e as Error).message);
    }
    rules = this.rules.map((r) => (r.paths === null ? { ...r, paths: compiled } : r));
    if (this.withPaths.size >= KEPT_PATH_LISTS) this.withPaths.clear();
    this.withPaths.set(key, rules);
    return rules;
  }

  /**
   * A Transform for a response body, or why it cannot be scanned. The output is decoded (no content-encoding)
   * and its length is unknown: the caller drops content-length and content-encoding from the response headers.
   */
  createMaskingStream(options: MaskingStreamOptions): MaskingStreamResult {
    return createMaskingStreamFor(this.rules, options);
  }

  /** Mask one PostgreSQL text cell (for one-off use; per result set, use forColumns). */
  maskCell(columnName: string, tableName: string | null | undefined, value: string | null): { value: string | null; counts: MaskCounts } {
    const counts: MaskCounts = {};
    if (value === null) return { value, counts };
    return { value: maskCellWith(planCell(this.rules, { name: columnName, table: tableName }), value, counts), counts };
  }

  forColumns(columns: readonly ColumnInfo[]): ResultMasker {
    const plans: CellPlan[] = columns.map((c) => planCell(this.rules, c));
    const counts: MaskCounts = {};
    return {
      counts,
      active: plans.some((p) => p.scan.length > 0),
      cell: (i, value) => (value === null || !plans[i] ? value : maskCellWith(plans[i]!, value, counts)),
    };
  }
}

/** Compile the mask entries that apply to one call (Decision.mask plus the connection's own). Throws MaskError on a bad entry. */
export function compileMasker(specs: readonly MaskSpec[]): Masker {
  return new Masker(specs);
}
