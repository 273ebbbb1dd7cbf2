/**
 * Masking of result columns. A RowDescription is turned into a plan once (which columns, by which
 * specs); DataRows are only decoded when the plan masks something. Columns masked by name become
 * `text` in the RowDescription so the replacement stays a valid value for the client.
 */
import type { MaskSpec } from '../policy/index.js';
import type { MaskColumn, PgHooks } from './hooks.js';
import { encodeDataRow, encodeRowDescription, parseDataRow, type ColumnDescription } from './protocol.js';
import { columnMatches } from '../mask/cells.js';

const TEXT_OID = 25;
/** Types whose text form a detector can scan: text, varchar, bpchar, name, json, jsonb, unknown, xml. */
const TEXTUAL = new Set([25, 1043, 1042, 19, 114, 3802, 705, 142]);

export interface MaskPlan {
  columns: MaskColumn[];
  rowDescription: Buffer;
}

/** The masking module's own rule for naming columns, so SQL results and JSON cells agree (an unknown table is masked). */
function specNames(spec: MaskSpec, col: ColumnDescription, table: string | null): boolean {
  return spec.columns !== undefined && spec.columns.some((c) => columnMatches(c.toLowerCase().split('.'), { name: col.name, table }));
}

/** Null when nothing in this result is masked (the common case: rows are forwarded untouched). */
export function planMask(cols: ColumnDescription[], specs: readonly MaskSpec[], tableName: (oid: number) => string | null): MaskPlan | null {
  if (specs.length === 0) return null;
  const out: MaskColumn[] = [];
  const described = cols.map((c) => ({ ...c }));
  cols.forEach((col, index) => {
    const table = col.tableOid ? tableName(col.tableOid) : null;
    const byColumn = specs.filter((s) => specNames(s, col, table));
    const scanning = col.format === 0 && TEXTUAL.has(col.typeOid) ? specs.filter((s) => !s.columns) : [];
    const applied = [...byColumn, ...scanning];
    if (applied.length === 0) return;
    if (byColumn.length) Object.assign(described[index]!, { typeOid: TEXT_OID, typeSize: -1, typeMod: -1 });
    out.push({ index, name: col.name, table, typeOid: described[index]!.typeOid, format: col.format, specs: applied });
  });
  return out.length ? { columns: out, rowDescription: encodeRowDescription(described) } : null;
}

/** A replacement for a column masked by name when no masking function is wired: the value is withheld. */
function withhold(columns: readonly MaskColumn[], values: Array<Buffer | null>) {
  const masked: Record<string, number> = {};
  const out = [...values];
  for (const c of columns) {
    const spec = c.specs.find((s) => s.columns);
    if (!spec || out[c.index] == null) continue;
    out[c.index] = Buffer.from('****');
    masked[spec.detector] = (masked[spec.detector] ?? 0) + 1;
  }
  return { values: out, masked };
}

export function maskDataRow(plan: MaskPlan, body: Buffer, hooks: Pick<PgHooks, 'maskRow'>, counts: Record<string, number>): Buffer {
  const values = parseDataRow(body);
  const result = hooks.maskRow ? hooks.maskRow(plan.columns, values) : withhold(plan.columns, values);
  if (result.values.length !== values.length) throw new Error('maskRow changed the number of columns');
  for (const [k, n] of Object.entries(result.masked)) counts[k] = (counts[k] ?? 0) + n;
  return encodeDataRow(result.values);
}
