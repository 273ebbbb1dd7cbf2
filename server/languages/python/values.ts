/** The Python evaluator's values and the syntax helpers it shares with the analyzer (pure functions of nodes). */
import type { ResourceUse } from '../../scan/use.js';
import type { PyModule } from './module.js';
import type { Node } from './parser.js';

export interface Prop {
  /** The node that writes the value (keyword argument value, dict value, class attribute value). */
  node: Node;
  mod: PyModule;
  value(): Value;
}

export type Value =
  | { t: 'str'; v: string; env?: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  /** A dict literal (or dict(…) call); `open` when a `**splat` may add keys we cannot see. */
  | { t: 'dict'; props: Map<string, Prop>; open: boolean }
  | { t: 'list'; items: Value[] }
  /** A symbol from an installed package: `module` as imported, `path` the attributes after it ("Session()" marks an instance). */
  | { t: 'ref'; module: string; path: string[] }
  /** A local module. */
  | { t: 'ns'; file: string }
  /** A class defined in the scanned code. */
  | { t: 'class'; node: Node; mod: PyModule }
  /** An instance of a local class, with the keyword arguments it was built with. */
  /** `open` when `*args`/`**kwargs` we cannot see may set attributes (`cls(**config)`). */
  | { t: 'inst'; cls: { node: Node; mod: PyModule }; kwargs: Map<string, Prop>; positional: Prop[]; open?: boolean }
  | { t: 'fn'; node: Node; mod: PyModule }
  | { t: 'use'; use: ResourceUse }
  /** An environment variable with no value in any .env file. */
  | { t: 'env'; name: string }
  | { t: 'unknown'; why: string };

export interface EvalHost {
  module(file: string): PyModule | null;
  /** The local file a module name refers to from `fromFile`, or null for a package. */
  resolveModule(fromFile: string, spec: string): string | null;
  env(file: string, name: string): string | undefined;
  /** The resource a call constructs, if any (memoised by the analyzer). */
  useAt(call: Node, mod: PyModule): ResourceUse | undefined;
}

export const unknown = (why: string): Value => ({ t: 'unknown', why });

export const SETTINGS_BASES = new Set(['pydantic.BaseModel', 'pydantic_settings.BaseSettings', 'pydantic.BaseSettings']);
export const BUILTINS = new Set(['str', 'dict', 'int', 'print', 'len', 'list', 'open']);

export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
  /** A `*args` or `**kwargs` splat is present: arguments we cannot see may be passed. */
  splat: boolean;
  /** A `*args` splat is present: positional arguments we cannot see may be passed. */
  listSplat?: boolean;
  /** `**dict` values, to be merged into the keywords when static. */
  dictSplats?: Node[];
}

export function callArgs(call: Node): CallArgs {
  const list = call.childForFieldName('arguments');
  const out: CallArgs = { positional: [], keywords: new Map(), splat: false };
  if (!list) return out;
  if (list.type === 'generator_expression') {
    out.positional.push(list);
    return out;
  }
  for (const a of list.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) out.keywords.set(name, value);
    } else if (a.type === 'list_splat') {
      out.splat = true;
      out.listSplat = true;
    }
    else if (a.type === 'dictionary_splat') {
      out.splat = true;
      (out.dictSplats ??= []).push(a.namedChildren[0]!);
    } else out.positional.push(a);
  }
  return out;
}

export function paramNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  const out: string[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'identifier') out.push(p.text);
    else {
      const n = p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier');
      if (n) out.push(n.text);
    }
  }
  return out;
}

const BRANCHES = new Set(['if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'for_statement', 'while_statement', 'match_statement']);
export const SCOPES = new Set(['function_definition', 'lambda', 'class_definition', 'module']);

export function inBranch(b: Node): boolean {
  for (let cur = b.parent; cur; cur = cur.parent) {
    if (SCOPES.has(cur.type)) return false;
    if (BRANCHES.has(cur.type)) return true;
  }
  return false;
}

/** The expression a function returns when it has exactly one `return` (a factory). */
export function singleReturn(fn: Node): Node | null {
  if (fn.type === 'lambda') return fn.childForFieldName('body');
  const body = fn.childForFieldName('body');
  if (!body) return null;
  const returns: Node[] = [];
  const visit = (n: Node): void => {
    for (const c of n.namedChildren) {
      if (!c || c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'lambda') continue;
      if (c.type === 'return_statement') returns.push(c);
      else visit(c);
    }
  };
  visit(body);
  return returns.length === 1 ? (returns[0]!.namedChildren[0] ?? null) : null;
}

export function classBases(cls: Node): Node[] {
  const sup = cls.childForFieldName('superclasses');
  return sup ? sup.namedChildren.filter((c): c is Node => !!c && c.type !== 'keyword_argument') : [];
}

/** Annotated class-level names in order (dataclass fields, for positional construction). */
export function classFields(cls: Node): string[] {
  const body = cls.childForFieldName('body');
  const out: string[] = [];
  for (const st of body?.namedChildren ?? []) {
    const a = st?.type === 'expression_statement' ? st.namedChildren[0] : null;
    if (a?.type === 'assignment' && a.childForFieldName('type')) {
      const left = a.childForFieldName('left');
      if (left?.type === 'identifier') out.push(left.text);
    }
  }
  return out;
}

export function methodNamed(cls: Node, name: string): Node | undefined {
  for (const st of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = st?.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return def;
  }
  return undefined;
}

/** The value of a string literal without interpolation (`"…"`, `r'…'`, `"""…"""`), or null for f-strings and anything else. */
export function plainStringValue(text: string): string | null {
  const m = /^([rRbBuU]{0,2})('''|"""|'|")([\s\S]*)\2$/.exec(text);
  if (!m) return null;
  return /r/i.test(m[1]!) ? m[3]! : unescape(m[3]!);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

export function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.|\n)/g, (m, e: string) => {
    if (e.length > 1 && /^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES[e] ?? m;
  });
}

export function scalarText(v: Value): string | undefined {
  return v.t === 'str' ? v.v : v.t === 'num' ? String(v.v) : v.t === 'bool' ? (v.v ? 'True' : 'False') : undefined;
}

export function describe(v: Value, text: string): string {
  if (v.t === 'env') return `${v.name} is not set in any .env file`;
  if (v.t === 'unknown') return v.why;
  return `${clip(text)} is not a static string`;
}

export function clip(text: string, max = 40): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}
