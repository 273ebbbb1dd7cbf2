/**
 * Operation kinds: what a call does, as the decision engine sees it. Each kind is one entry in
 * `operationKinds`: how to parse a concrete operation (from the CLI or a request) and how to
 * compile a rule's pattern. Adding a kind (MCP tool calls, say) is one entry here.
 */
import { compileGlob, type Glob } from './glob.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const SQL_CLASSES = ['read', 'write', 'ddl', 'admin'] as const;
export type SqlClass = (typeof SQL_CLASSES)[number];

export type Operation =
  | { kind: 'http'; method: string; path: string }
  | { kind: 'sql'; class: SqlClass; tables: string[] }
  | { kind: 'mcp'; tool: string };

/** One operation reduced to a single target; a SQL statement touching three tables is three of these. */
export type AtomicOperation =
  | { kind: 'http'; method: string; path: string }
  | { kind: 'sql'; class: SqlClass; table: string | null }
  | { kind: 'mcp'; tool: string };

export interface OperationPattern {
  readonly source: string;
  test(op: AtomicOperation): boolean;
}

export interface OperationKind {
  /** Examples shown when a pattern or operation does not parse. */
  readonly examples: string;
  parse(text: string): Operation | string;
  compile(pattern: string): OperationPattern | string;
  atoms(op: Operation): AtomicOperation[];
  format(op: Operation | AtomicOperation): string;
}

const httpKind: OperationKind = {
  examples: '"POST /v1/chat/completions", "GET /v1/models/*", "* /v1/**" or "*"',
  parse(text) {
    const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(text);
    if (!m) return `expected "METHOD /path", e.g. ${this.examples}`;
    const method = m[1]!.toUpperCase();
    if (!(HTTP_METHODS as readonly string[]).includes(method)) return `unknown HTTP method "${m[1]}" (expected one of ${HTTP_METHODS.join(', ')})`;
    return { kind: 'http', method, path: m[2]!.split('?')[0]! };
  },
  compile(pattern) {
    const text = pattern.trim();
    if (text === '*' || text === '**') return { source: pattern, test: (op) => op.kind === 'http' };
    const m = /^([A-Za-z*|]+)\s+(\S+)$/.exec(text);
    if (!m) return `expected "METHOD /path-glob", e.g. ${this.examples}`;
    const methods = m[1]!.toUpperCase().split('|');
    for (const method of methods) {
      if (method !== '*' && !(HTTP_METHODS as readonly string[]).includes(method)) {
        return `unknown HTTP method "${method}" (expected one of ${HTTP_METHODS.join(', ')} or "*")`;
      }
    }
    const path = m[2]!;
    if (!path.startsWith('/') && path !== '*' && path !== '**') return `the path "${path}" can never match: request paths start with "/"`;
    if (path.includes('?')) return `the path "${path}" contains "?": operations never include the query string`;
    const anyMethod = methods.includes('*');
    const glob = compileGlob(path, '/');
    return {
      source: pattern,
      test: (op) => op.kind === 'http' && (anyMethod || methods.includes(op.method)) && glob.test(op.path),
    };
  },
  atoms: (op) => [op as AtomicOperation],
  format: (op) => (op.kind === 'http' ? `${op.method} ${op.path}` : ''),
};

/** Unqualified table names live in `public`, as PostgreSQL's default search_path says. */
export function qualifyTable(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes('.') ? lower : `public.${lower}`;
}

const sqlKind: OperationKind = {
  examples: '"read", "write sales.*", "ddl" or "admin"',
  parse(text) {
    const parts = text.trim().split(/\s+/);
    const cls = parts[0]?.toLowerCase();
    if (!cls || !(SQL_CLASSES as readonly string[]).includes(cls)) return `expected a SQL class (${SQL_CLASSES.join(', ')}) optionally followed by tables, e.g. "write sales.orders"`;
    const tables = parts.slice(1).flatMap((p) => p.split(',')).filter(Boolean).map(qualifyTable);
    return { kind: 'sql', class: cls as SqlClass, tables };
  },
  compile(pattern) {
    const parts = pattern.trim().split(/\s+/);
    const cls = parts[0]?.toLowerCase() ?? '';
    if (cls !== '*' && !(SQL_CLASSES as readonly string[]).includes(cls)) {
      return `expected a SQL class (${SQL_CLASSES.join(', ')} or "*") optionally followed by table globs, e.g. ${this.examples}`;
    }
    const globs: Glob[] = [];
    for (const t of parts.slice(1).flatMap((p) => p.split(',')).filter(Boolean)) {
      if (!/^[A-Za-z0-9_*?.$]+$/.test(t)) return `the table glob "${t}" can never match: table names are "schema.table" with letters, digits, "_" and "$"`;
      globs.push(compileGlob(t === '*' ? '*.*' : qualifyTable(t), '.', true));
    }
    return {
      source: pattern,
      // A statement that names no table (SELECT 1) is covered by any pattern of its class.
      test: (op) => op.kind === 'sql' && (cls === '*' || op.class === cls) && (globs.length === 0 || op.table === null || globs.some((g) => g.test(op.table!))),
    };
  },
  atoms(op) {
    if (op.kind !== 'sql') return [];
    if (op.tables.length === 0) return [{ kind: 'sql', class: op.class, table: null }];
    return op.tables.map((t) => ({ kind: 'sql', class: op.class, table: qualifyTable(t) }));
  },
  format(op) {
    if (op.kind !== 'sql') return '';
    if ('tables' in op) return op.tables.length ? `${op.class} ${op.tables.join(',')}` : op.class;
    return op.table ? `${op.class} ${op.table}` : op.class;
  },
};

const mcpKind: OperationKind = {
  examples: '"tool search_*" or "tool *"',
  parse(text) {
    const m = /^\s*tool\s+(\S+)\s*$/.exec(text);
    return m ? { kind: 'mcp', tool: m[1]! } : `expected "tool NAME", e.g. "tool search_issues"`;
  },
  compile(pattern) {
    const text = pattern.trim();
    if (text === '*') return { source: pattern, test: (op) => op.kind === 'mcp' };
    const m = /^tool\s+(\S+)$/.exec(text);
    if (!m) return `expected "tool NAME-glob", e.g. ${this.examples}`;
    const glob = compileGlob(m[1]!, '/');
    return { source: pattern, test: (op) => op.kind === 'mcp' && glob.test(op.tool) };
  },
  atoms: (op) => [op as AtomicOperation],
  format: (op) => (op.kind === 'mcp' ? `tool ${op.tool}` : ''),
};

export const operationKinds = { http: httpKind, sql: sqlKind, mcp: mcpKind } as const;
export type OperationKindName = keyof typeof operationKinds;
