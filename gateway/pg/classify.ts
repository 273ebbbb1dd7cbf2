/**
 * Classifies SQL with PostgreSQL's own parser (libpg-query): each statement becomes one or more
 * operations (class + schema-qualified tables) for the decision engine, plus the facts conditions need.
 */
import { loadModule, normalizeSync, parseSync } from 'libpg-query';
import { qualifyTable, type SqlClass } from '../policy/index.js';
import { ADMIN_SETTINGS, CLASS_RANK, EXPLAINABLE, FUNCTION_CLASS, STATEMENT_CLASS } from './sql-registry.js';

export interface SqlOp {
  class: SqlClass;
  tables: string[];
}

export interface StatementInfo {
  /** The statement as sent (one of possibly several in a simple query). */
  text: string;
  /** Literals replaced by $n: safe for audit records and approval summaries. */
  normalized: string;
  /** The strictest class among ops. */
  class: SqlClass;
  tables: string[];
  ops: SqlOp[];
  /** UPDATE or DELETE without WHERE somewhere in the statement. */
  unfiltered: boolean;
  explainable: boolean;
  prepare?: { name: string; inner: StatementInfo };
  execute?: string;
  /** DEALLOCATE name, or "*" for DEALLOCATE ALL / DISCARD ALL. */
  deallocate?: string;
  /** COPY FROM STDIN ('in') or COPY TO STDOUT ('out'): data that bypasses row messages. */
  copy?: 'in' | 'out';
  /** Functions called that the registry does not classify ("name" or "schema.name"). */
  functions: string[];
}

export type Analysis = { ok: true; statements: StatementInfo[] } | { ok: false; error: string };

let ready: Promise<void> | undefined;
/** Loads the WASM parser once; call before the first classify. */
export function loadParser(): Promise<void> {
  return (ready ??= loadModule());
}

type Node = Record<string, unknown>;

class Collector {
  readonly ops = new Map<SqlClass, Set<string>>();
  readonly unqualified = new Set<string>();
  readonly cteNames = new Set<string>();
  /** Functions called that the registry does not know (user-defined or built-in), as written. */
  readonly functions = new Set<string>();
  unfiltered = false;
  add(cls: SqlClass, table?: string): void {
    let set = this.ops.get(cls);
    if (!set) this.ops.set(cls, (set = new Set()));
    if (table) set.add(table);
  }
}

function rangeName(rv: Node): string | null {
  if (typeof rv.relname !== 'string') return null;
  return typeof rv.schemaname === 'string' ? `${rv.schemaname}.${rv.relname}` : rv.relname;
}

function addRange(rv: Node, c: Collector, cls: SqlClass): void {
  const name = rangeName(rv);
  if (!name) return;
  if (!name.includes('.')) c.unqualified.add(name.toLowerCase());
  c.add(cls, qualifyTable(name));
}

function funcName(fc: Node): string {
  const names = (fc.funcname as Node[] | undefined) ?? [];
  const last = names[names.length - 1] as { String?: { sval?: string } } | undefined;
  return (last?.String?.sval ?? '').toLowerCase();
}

function qualifiedFuncName(fc: Node): string {
  const names = ((fc.funcname as Array<{ String?: { sval?: string } }> | undefined) ?? []).map((x) => (x.String?.sval ?? '').toLowerCase());
  return names.slice(-2).join('.');
}

/** Handlers for nodes that change how their contents count; everything else is walked generically. */
const NESTED: Record<string, (n: Node, c: Collector, cls: SqlClass) => void> = {
  InsertStmt: (n, c) => writeTarget(n, c),
  UpdateStmt: (n, c) => {
    if (!n.whereClause) c.unfiltered = true;
    writeTarget(n, c);
  },
  DeleteStmt: (n, c) => {
    if (!n.whereClause) c.unfiltered = true;
    writeTarget(n, c);
  },
  MergeStmt: (n, c) => writeTarget(n, c),
  SelectStmt: (n, c, cls) => {
    const into = n.intoClause as Node | undefined;
    if (into?.rel) {
      addRange(into.rel as Node, c, 'ddl');
      addRange(into.rel as Node, c, 'write');
    }
    // FOR UPDATE/SHARE takes row locks, which needs UPDATE privilege: a write to the locked tables.
    const rowLocks = Array.isArray(n.lockingClause) && n.lockingClause.length > 0;
    walk({ ...n, intoClause: undefined }, c, rowLocks ? 'write' : cls);
  },
  CommonTableExpr: (n, c, cls) => {
    if (typeof n.ctename === 'string') c.cteNames.add(n.ctename.toLowerCase());
    walk(n, c, cls);
  },
  FuncCall: (n, c, cls) => {
    const fcls = FUNCTION_CLASS[funcName(n)];
    if (fcls) c.add(fcls);
    else c.functions.add(qualifiedFuncName(n));
    walk(n, c, cls);
  },
  RangeVar: (n, c, cls) => addRange(n, c, cls),
};

function writeTarget(n: Node, c: Collector): void {
  if (n.relation) addRange(n.relation as Node, c, 'write');
  walk({ ...n, relation: undefined }, c, 'read');
}

function walk(v: unknown, c: Collector, cls: SqlClass): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, c, cls);
    return;
  }
  if (!v || typeof v !== 'object') return;
  const node = v as Node;
  if (typeof node.relname === 'string') addRange(node, c, cls);
  for (const key in node) {
    const val = node[key];
    const handler = NESTED[key];
    if (handler && val && typeof val === 'object' && !Array.isArray(val)) handler(val as Node, c, cls);
    else walk(val, c, cls);
  }
}

function dropNames(objects: unknown, c: Collector): void {
  for (const o of (objects as Node[] | undefined) ?? []) {
    const items = ((o as { List?: { items?: Node[] } }).List?.items ?? []) as Array<{ String?: { sval?: string } }>;
    const parts = items.map((i) => i.String?.sval).filter((s): s is string => !!s);
    if (parts.length) {
      if (parts.length === 1) c.unqualified.add(parts[0]!.toLowerCase());
      c.add('ddl', qualifyTable(parts.slice(-2).join('.')));
    }
  }
}

interface Extra {
  prepare?: { name: string; inner: Node };
  execute?: string;
  deallocate?: string;
  copy?: 'in' | 'out';
}

function classifyNode(type: string, body: Node, c: Collector): Extra {
  switch (type) {
    case 'VariableSetStmt': {
      const name = typeof body.name === 'string' ? body.name.toLowerCase() : '';
      c.add(ADMIN_SETTINGS.has(name) ? 'admin' : 'read');
      walk(body.args, c, 'read');
      return {};
    }
    case 'CopyStmt': {
      // Server-side files and programs run as the database server: admin. STDIN/STDOUT copy data.
      const cls: SqlClass = body.is_program || body.filename ? 'admin' : body.is_from ? 'write' : 'read';
      if (body.relation) addRange(body.relation as Node, c, cls);
      else c.add(cls);
      walk(body.query, c, 'read');
      return cls === 'admin' ? {} : { copy: body.is_from ? 'in' : 'out' };
    }
    case 'ExplainStmt': {
      const analyze = ((body.options as Node[] | undefined) ?? []).some((o) => {
        const d = (o as { DefElem?: { defname?: string; arg?: { Boolean?: { boolval?: boolean }; String?: { sval?: string } } } }).DefElem;
        if (d?.defname !== 'analyze') return false;
        if (!d.arg) return true;
        if (d.arg.Boolean) return d.arg.Boolean.boolval === true;
        return !['false', 'off', '0', 'no'].includes(String(d.arg.String?.sval ?? 'true').toLowerCase());
      });
      if (analyze) return classifyNode(Object.keys(body.query as Node)[0]!, Object.values(body.query as Node)[0] as Node, c);
      const inner = new Collector();
      walk(body.query, inner, 'read');
      // Without ANALYZE nothing runs: every table is only read (planned).
      for (const set of inner.ops.values()) for (const t of set) c.add('read', t);
      c.add('read');
      for (const u of inner.unqualified) c.unqualified.add(u);
      for (const n of inner.cteNames) c.cteNames.add(n);
      return {};
    }
    case 'CreateTableAsStmt': {
      const into = body.into as Node | undefined;
      if (into?.rel) {
        addRange(into.rel as Node, c, 'ddl');
        addRange(into.rel as Node, c, 'write');
      }
      walk(body.query, c, 'read');
      return {};
    }
    case 'DropStmt': {
      if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_INDEX'].includes(String(body.removeType))) {
        dropNames(body.objects, c);
      }
      c.add('ddl');
      return {};
    }
    case 'PrepareStmt':
      c.add('read');
      return { prepare: { name: String(body.name ?? ''), inner: body.query as Node } };
    case 'ExecuteStmt':
      walk(body.params, c, 'read');
      c.add('read');
      return { execute: String(body.name ?? '') };
    case 'DeallocateStmt':
      c.add('read');
      return { deallocate: body.name ? String(body.name) : '*' };
    case 'DiscardStmt':
      c.add('read');
      return body.target === 'DISCARD_ALL' || body.target === 'DISCARD_PLANS' ? { deallocate: '*' } : {};
    case 'SelectStmt': case 'InsertStmt': case 'UpdateStmt': case 'DeleteStmt': case 'MergeStmt':
      c.add('read');
      NESTED[type]!(body, c, 'read');
      return {};
    default: {
      // A statement type not in the registry is treated as the most privileged class.
      const cls = STATEMENT_CLASS[type] ?? 'admin';
      c.add(cls);
      walk(body, c, cls === 'read' ? 'read' : cls);
      return {};
    }
  }
}

function finish(c: Collector, text: string, normalized: string, type: string, extra: Extra): StatementInfo {
  const ops: SqlOp[] = [];
  for (const [cls, set] of c.ops) {
    const tables = [...set].filter((t) => !(t.startsWith('public.') && c.unqualified.has(t.slice(7)) && c.cteNames.has(t.slice(7))));
    ops.push({ class: cls, tables });
  }
  // An op class that only holds tables also read elsewhere stays; an empty 'read' beside others is noise.
  const useful = ops.filter((o) => o.tables.length > 0 || !(o.class === 'read' && ops.length > 1));
  const strictest = useful.reduce<SqlClass>((m, o) => (CLASS_RANK[o.class] > CLASS_RANK[m] ? o.class : m), 'read');
  const tables = [...new Set(useful.flatMap((o) => o.tables))];
  const info: StatementInfo = { text, normalized, class: strictest, tables, ops: useful, unfiltered: c.unfiltered, explainable: EXPLAINABLE.has(type), functions: [...c.functions] };
  if (extra.execute !== undefined) info.execute = extra.execute;
  if (extra.deallocate !== undefined) info.deallocate = extra.deallocate;
  if (extra.copy) info.copy = extra.copy;
  return info;
}

function normalizeOrSelf(text: string): string {
  try {
    return normalizeSync(text);
  } catch {
    return text;
  }
}

function classifyParsed(node: Node, text: string): StatementInfo {
  const type = Object.keys(node)[0]!;
  const c = new Collector();
  const extra = classifyNode(type, node[type] as Node, c);
  const info = finish(c, text, normalizeOrSelf(text), type, extra);
  if (extra.prepare) {
    const innerType = Object.keys(extra.prepare.inner)[0]!;
    const ic = new Collector();
    const innerExtra = classifyNode(innerType, extra.prepare.inner[innerType] as Node, ic);
    info.prepare = { name: extra.prepare.name, inner: finish(ic, text, info.normalized, innerType, innerExtra) };
  }
  return info;
}

/** Parses and classifies a query string (possibly several statements). Never throws. */
export function analyze(sql: string): Analysis {
  let tree: { stmts?: Array<{ stmt?: Node; stmt_location?: number; stmt_len?: number }> };
  try {
    tree = parseSync(sql) as typeof tree;
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const statements: StatementInfo[] = [];
  const bytes = Buffer.from(sql, 'utf8');
  const multi = (tree.stmts?.length ?? 0) > 1;
  for (const s of tree.stmts ?? []) {
    if (!s.stmt) continue;
    // Locations are byte offsets into the UTF-8 text.
    const start = s.stmt_location ?? 0;
    const text = multi ? bytes.toString('utf8', start, s.stmt_len ? start + s.stmt_len : bytes.length).trim() : sql.trim();
    statements.push(classifyParsed(s.stmt, text));
  }
  return { ok: true, statements };
}
