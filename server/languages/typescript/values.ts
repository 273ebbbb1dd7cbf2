/** The values the static evaluator produces, and small helpers to read them. */
import tsc from './ts.js';
import type * as ts from 'typescript';
import type { Evaluator } from './evaluate.js';
import type { ModuleInfo } from './module.js';
import type { ResourceUse } from '../../scan/use.js';

export interface Prop {
  /** The node written in the code (property assignment, shorthand or spread source). */
  node: ts.Node;
  sf: ts.SourceFile;
  value(): Value;
}

export type Value =
  | { t: 'str'; v: string; env?: string }
  /** A string whose beginning is static (`${BASE}/users/${id}`): enough to route a URL, not to name the operation. */
  | { t: 'prefix'; v: string; why: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  /** `open` when a spread or computed key may add properties we cannot see. */
  | { t: 'obj'; props: Map<string, Prop>; open: boolean; node: ts.Node | null; sf: ts.SourceFile | null }
  | { t: 'arr'; items: Value[] }
  /** A symbol from a package: `path` starts with the export name ("default", "ChatOpenAI"); empty = the module namespace. */
  | { t: 'ref'; module: string; path: string[] }
  /** A local module's namespace (`import * as cfg from './config.js'`). */
  | { t: 'ns'; file: string }
  | { t: 'class'; base: Value }
  | { t: 'fn'; body: ts.Expression | null; sf: ts.SourceFile }
  | { t: 'use'; use: ResourceUse }
  /** `process.env.NAME` with no value in any .env file. */
  | { t: 'env'; name: string }
  | { t: 'undef' }
  | { t: 'unknown'; why: string };

export const unknown = (why: string): Value => ({ t: 'unknown', why });

export function scalarText(v: Value): string | undefined {
  return v.t === 'str' ? v.v : v.t === 'num' || v.t === 'bool' ? String(v.v) : undefined;
}

export function describeUnresolved(v: Value, node: ts.Node, sf: ts.SourceFile): string {
  if (v.t === 'env') return `${v.name} is not set in any .env file`;
  if (v.t === 'unknown' || v.t === 'prefix') return v.why;
  return `${clip(node.getText(sf))} is not a static string`;
}

export function clip(text: string, max = 40): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

/** `base[name]` for an evaluated base. */
export function memberOf(base: Value, name: string, ev: Evaluator, whole: ts.Node, info: ModuleInfo): Value {
  switch (base.t) {
    case 'obj': {
      const p = base.props.get(name);
      if (p) return p.value();
      return base.open ? unknown(`${name} may come from a spread`) : { t: 'undef' };
    }
    case 'ref':
      return { t: 'ref', module: base.module, path: [...base.path, name] };
    case 'ns':
      return ev.exportValue(base.file, name);
    case 'class':
      return memberOf(base.base, name, ev, whole, info);
    case 'use':
      // A handle derived from a client (`pinecone.Index("docs")`) talks to the same service.
      return base;
    case 'arr':
      return /^\d+$/.test(name) ? (base.items[Number(name)] ?? { t: 'undef' }) : unknown(`array member ${name}`);
    case 'undef':
      return { t: 'undef' };
    case 'unknown':
      return base;
    default:
      return unknown(`${clip(whole.getText(info.sf))} is not static`);
  }
}

export function fnValue(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): Value {
  const body = node.body;
  if (!body) return { t: 'fn', body: null, sf };
  if (!tsc.isBlock(body)) return { t: 'fn', body, sf };
  // A factory: a body whose only return gives the value (`function makeModel() { return new ChatOpenAI(…) }`).
  const returns: ts.ReturnStatement[] = [];
  const visit = (n: ts.Node): void => {
    if (tsc.isFunctionLike(n)) return;
    if (tsc.isReturnStatement(n)) returns.push(n);
    tsc.forEachChild(n, visit);
  };
  tsc.forEachChild(body, visit);
  return { t: 'fn', body: returns.length === 1 && returns[0]!.expression ? returns[0]!.expression : null, sf };
}
