/**
 * Masking PostgreSQL result cells. Entries without `columns` scan every text cell; entries with `columns`
 * apply to the named columns only, and there a cell in which the detector finds nothing is masked whole:
 * naming a column says what it holds (an SSN column stored as 123456789 has no dashes to find).
 */
import { starAlnum } from './shapes.js';
import { addCount, findHits, applyHits, replacementOf, type CompiledRule } from './rules.js';
import type { MaskCounts } from './types.js';

export interface ColumnInfo {
  name: string;
  /** "schema.table" or "table" when the proxy knows it; null for computed columns or unknown tables. */
  table?: string | null;
}

/** Whether a columns entry ("email", "users.email", "public.users.email") names this column. */
export function columnMatches(entry: readonly string[], column: ColumnInfo): boolean {
  if (entry[entry.length - 1] !== column.name.toLowerCase()) return false;
  if (entry.length === 1) return true;
  // A qualified entry for a column whose table is unknown is applied: unknown must not mean unmasked.
  if (!column.table) return true;
  const table = column.table.toLowerCase().split('.');
  const want = entry.slice(0, -1);
  if (want.length > table.length) return false;
  for (let i = 1; i <= want.length; i++) if (want[want.length - i] !== table[table.length - i]) return false;
  return true;
}

export interface CellPlan {
  /** Rules that scan the cell for matches. */
  scan: CompiledRule[];
  /** Of those, the rules that name this column: the whole cell is masked when they find nothing. */
  named: CompiledRule[];
}

export function planCell(rules: readonly CompiledRule[], column: ColumnInfo): CellPlan {
  const scan: CompiledRule[] = [];
  const named: CompiledRule[] = [];
  for (const r of rules) {
    if (r.columns === null) scan.push(r);
    else if (r.columns.some((e) => columnMatches(e, column))) {
      scan.push(r);
      named.push(r);
    }
  }
  return { scan, named };
}

export function maskCellWith(plan: CellPlan, value: string, counts: MaskCounts): string {
  if (plan.scan.length === 0 || value.length === 0) return value;
  const hits = findHits(value, plan.scan);
  if (hits.length > 0) return applyHits(value, hits, 0, value.length, counts);
  const rule = plan.named[0];
  if (!rule) return value;
  addCount(counts, rule.countName);
  return rule.replace === 'token' ? replacementOf(rule, value) : starAlnum(value, 0, 0);
}
