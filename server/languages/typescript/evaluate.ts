/**
 * A small static evaluator: what an expression is worth without running it. It follows identifiers to
 * their declarations (block scopes, imports, re-exports, CommonJS), folds string literals, template
 * literals, `+`, `??`/`||`, object literals with spreads, `process.env.X` (from .env files) and
 * `new URL(…)`. Anything else is `unknown` with a reason: the scanner never guesses.
 */
import ts from 'typescript';
import { bindingNames, requireSpecifier, type ModuleInfo } from './module.js';
import type { ResourceUse } from '../../scan/use.js';

export interface Prop {
  /** The node written in the code (property assignment, shorthand or spread source). */
  node: ts.Node;
  sf: ts.SourceFile;
  value(): Value;
}

export type Value =
  | { t: 'str'; v: string; env?: string }
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

export interface EvalHost {
  module(file: string): ModuleInfo | null;
  resolve(fromFile: string, spec: string): string | null;
  env(file: string, name: string): string | undefined;
  /** The resource a call/new expression constructs, if any (memoised by the detector). */
  useAt(node: ts.CallExpression | ts.NewExpression, info: ModuleInfo): ResourceUse | undefined;
}

export const GLOBALS = new Set(['fetch', 'URL', 'Request', 'WebSocket', 'EventSource']);
const MAX_DEPTH = 60;

export const unknown = (why: string): Value => ({ t: 'unknown', why });

export class Evaluator {
  private depth = 0;
  private readonly active = new Set<ts.Node>();
  private readonly blockScopes = new WeakMap<ts.Node, Map<string, ts.Node>>();
  /** Files the last evaluations read, for dependency tracking. */
  readonly touched = new Set<string>();

  constructor(readonly host: EvalHost) {}

  eval(node: ts.Node, info: ModuleInfo): Value {
    if (this.depth > MAX_DEPTH) return unknown('expression too deep to follow');
    if (this.active.has(node)) return unknown('circular definition');
    this.depth++;
    this.active.add(node);
    try {
      return this.evalInner(node, info);
    } finally {
      this.active.delete(node);
      this.depth--;
    }
  }

  private evalInner(node: ts.Node, info: ModuleInfo): Value {
    if (ts.isStringLiteralLike(node)) return { t: 'str', v: node.text };
    if (ts.isNumericLiteral(node)) return { t: 'num', v: Number(node.text) };
    if (node.kind === ts.SyntaxKind.TrueKeyword) return { t: 'bool', v: true };
    if (node.kind === ts.SyntaxKind.FalseKeyword) return { t: 'bool', v: false };
    if (node.kind === ts.SyntaxKind.NullKeyword) return { t: 'undef' };
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node) || ts.isAwaitExpression(node)) {
      return this.eval(node.expression, info);
    }
    if (ts.isTemplateExpression(node)) {
      let out = node.head.text;
      for (const span of node.templateSpans) {
        const v = this.eval(span.expression, info);
        const s = scalarText(v);
        if (s === undefined) return unknown(describeUnresolved(v, span.expression, info.sf));
        out += s + span.literal.text;
      }
      return { t: 'str', v: out };
    }
    if (ts.isBinaryExpression(node)) return this.binary(node, info);
    if (ts.isConditionalExpression(node)) {
      const a = this.eval(node.whenTrue, info);
      const b = this.eval(node.whenFalse, info);
      if (a.t === 'str' && b.t === 'str' && a.v === b.v) return a;
      return unknown(`chosen at run time (${clip(node.condition.getText(info.sf))})`);
    }
    if (ts.isIdentifier(node)) return this.identifier(node, info);
    if (ts.isPropertyAccessExpression(node)) return this.member(node.expression, node.name.text, info, node);
    if (ts.isElementAccessExpression(node)) {
      const key = this.eval(node.argumentExpression, info);
      if (key.t === 'str' || key.t === 'num') return this.member(node.expression, String(key.v), info, node);
      return unknown(`computed property ${clip(node.argumentExpression.getText(info.sf))}`);
    }
    if (ts.isObjectLiteralExpression(node)) return this.object(node, info);
    if (ts.isArrayLiteralExpression(node)) return { t: 'arr', items: node.elements.map((e) => this.eval(e, info)) };
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) return this.call(node, info);
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) return fnValue(node, info.sf);
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) return this.classValue(node, info);
    return unknown(`${ts.SyntaxKind[node.kind]} is not evaluated statically`);
  }

  private binary(node: ts.BinaryExpression, info: ModuleInfo): Value {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.PlusToken) {
      const a = this.eval(node.left, info);
      const b = this.eval(node.right, info);
      const sa = scalarText(a);
      const sb = scalarText(b);
      if (sa !== undefined && sb !== undefined) return a.t === 'num' && b.t === 'num' ? { t: 'num', v: a.v + b.v } : { t: 'str', v: sa + sb };
      return unknown(describeUnresolved(sa === undefined ? a : b, sa === undefined ? node.left : node.right, info.sf));
    }
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
      const a = this.eval(node.left, info);
      // An unset variable or a missing value falls back to the default the code writes.
      if (a.t === 'env' || a.t === 'undef') {
        const b = this.eval(node.right, info);
        // `process.env.X || ''` only silences the type checker: the value is still X's.
        return a.t === 'env' && b.t === 'str' && b.v === '' ? a : b;
      }
      if (op === ts.SyntaxKind.BarBarToken && a.t === 'str' && a.v === '') return this.eval(node.right, info);
      return a;
    }
    return unknown(`operator ${ts.tokenToString(op) ?? op}`);
  }

  private object(node: ts.ObjectLiteralExpression, info: ModuleInfo): Value {
    const props = new Map<string, Prop>();
    let open = false;
    for (const p of node.properties) {
      if (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) {
        const key = propertyKey(p.name, this, info);
        if (key === undefined) {
          open = true;
          continue;
        }
        const expr = ts.isPropertyAssignment(p) ? p.initializer : p.name;
        props.set(key, this.lazyProp(p, expr, info));
      } else if (ts.isSpreadAssignment(p)) {
        const v = this.eval(p.expression, info);
        if (v.t === 'obj') {
          for (const [k, prop] of v.props) props.set(k, prop);
          open ||= v.open;
        } else if (v.t !== 'undef') open = true;
      } else if (ts.isMethodDeclaration(p) || ts.isAccessor(p)) {
        const key = propertyKey(p.name, this, info);
        if (key !== undefined) props.set(key, { node: p, sf: info.sf, value: () => unknown('method') });
      }
    }
    return { t: 'obj', props, open, node, sf: info.sf };
  }

  lazyProp(node: ts.Node, expr: ts.Expression, info: ModuleInfo): Prop {
    let memo: Value | undefined;
    return { node, sf: info.sf, value: () => (memo ??= this.eval(expr, info)) };
  }

  /** The value of `base.name`. */
  member(baseExpr: ts.Expression, name: string, info: ModuleInfo, whole: ts.Node): Value {
    const baseText = ts.isPropertyAccessExpression(baseExpr) ? baseExpr.getText(info.sf) : '';
    if (baseText === 'process.env' || baseText === 'import.meta.env' || baseText === 'Deno.env') return this.envValue(info, name);
    const base = this.eval(baseExpr, info);
    return memberOf(base, name, this, whole, info);
  }

  envValue(info: ModuleInfo, name: string): Value {
    const v = this.host.env(info.file, name);
    return v === undefined ? { t: 'env', name } : { t: 'str', v, env: name };
  }

  private identifier(node: ts.Identifier, info: ModuleInfo): Value {
    const name = node.text;
    if (name === 'undefined') return { t: 'undef' };
    const decl = this.lookup(node, name, info);
    if (decl === 'parameter') return unknown(`${name} is a parameter`);
    if (decl) return this.declaration(decl, info);
    const imp = info.imports.get(name);
    if (imp) return this.importValue(info, imp.module, imp.name);
    if (GLOBALS.has(name) || name === 'globalThis') return { t: 'ref', module: '<global>', path: name === 'globalThis' ? [] : [name] };
    return unknown(`${name} is not declared in this file`);
  }

  importValue(info: ModuleInfo, spec: string, name: string): Value {
    const file = this.host.resolve(info.file, spec);
    if (file) return name === '*' ? { t: 'ns', file } : this.exportValue(file, name);
    if (spec.startsWith('.')) return unknown(`cannot find module ${spec}`);
    return { t: 'ref', module: spec, path: name === '*' ? [] : [name] };
  }

  /** The value a module exports under `name`, following re-exports. */
  exportValue(file: string, name: string, seen = new Set<string>()): Value {
    const key = `${file}\0${name}`;
    if (seen.has(key)) return unknown('circular re-export');
    seen.add(key);
    const mod = this.host.module(file);
    this.touched.add(file);
    if (!mod) return unknown(`cannot read ${file}`);
    const ex = mod.exports.get(name);
    if (ex?.kind === 'local') {
      const decl = mod.locals.get(ex.local);
      if (decl) return this.declaration(decl, mod);
      const imp = mod.imports.get(ex.local);
      if (imp) return this.importValue(mod, imp.module, imp.name);
      return unknown(`${ex.local} is not declared in ${file}`);
    }
    if (ex?.kind === 'expr') return this.eval(ex.expr, mod);
    if (ex?.kind === 'from') {
      const target = this.host.resolve(file, ex.module);
      if (!target) return ex.module.startsWith('.') ? unknown(`cannot find module ${ex.module}`) : { t: 'ref', module: ex.module, path: ex.name === '*' ? [] : [ex.name] };
      return ex.name === '*' ? { t: 'ns', file: target } : this.exportValue(target, ex.name, seen);
    }
    for (const spec of mod.starExports) {
      const target = this.host.resolve(file, spec);
      if (!target) {
        if (!spec.startsWith('.')) continue;
        continue;
      }
      const v = this.exportValue(target, name, seen);
      if (!(v.t === 'unknown' && v.why.startsWith('no export'))) return v;
    }
    return unknown(`no export ${name} in ${file}`);
  }

  /** Finds the declaration an identifier refers to, innermost scope first. */
  private lookup(node: ts.Node, name: string, info: ModuleInfo): ts.Node | 'parameter' | undefined {
    for (let cur: ts.Node | undefined = node.parent; cur; cur = cur.parent) {
      if (ts.isSourceFile(cur)) return info.locals.get(name);
      if (ts.isFunctionLike(cur)) {
        for (const p of cur.parameters) if (bindingNames(p.name).some(([n]) => n === name)) return 'parameter';
        if ((ts.isFunctionExpression(cur) || ts.isFunctionDeclaration(cur)) && cur.name?.text === name) return cur;
      }
      if (ts.isForOfStatement(cur) || ts.isForInStatement(cur) || ts.isForStatement(cur)) {
        const init = cur.initializer;
        if (init && ts.isVariableDeclarationList(init) && init.declarations.some((d) => bindingNames(d.name).some(([n]) => n === name))) return 'parameter';
      }
      if (ts.isCatchClause(cur) && cur.variableDeclaration && bindingNames(cur.variableDeclaration.name).some(([n]) => n === name)) return 'parameter';
      if (ts.isBlock(cur) || ts.isModuleBlock(cur) || ts.isCaseClause(cur) || ts.isDefaultClause(cur)) {
        const found = this.scopeOf(cur).get(name);
        if (found) return found;
      }
    }
    return undefined;
  }

  private scopeOf(block: ts.Block | ts.ModuleBlock | ts.CaseClause | ts.DefaultClause): Map<string, ts.Node> {
    let map = this.blockScopes.get(block);
    if (map) return map;
    map = new Map();
    for (const st of block.statements) {
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) for (const [n, decl] of bindingNames(d.name)) map.set(n, decl);
      else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) map.set(st.name.text, st);
    }
    this.blockScopes.set(block, map);
    return map;
  }

  /** The value a declaration gives its name. */
  declaration(decl: ts.Node, info: ModuleInfo): Value {
    const mod = this.host.module(decl.getSourceFile().fileName) ?? info;
    if (ts.isVariableDeclaration(decl)) {
      if (!decl.initializer) return unknown(`${decl.name.getText(mod.sf)} has no initializer`);
      const spec = requireSpecifier(decl.initializer);
      if (spec !== undefined) return this.importValue(mod, spec, '*');
      if (!isConst(decl)) {
        // `let`/`var`: the initializer counts only if nothing reassigns the name later, which we do not track.
        const v = this.eval(decl.initializer, mod);
        return v.t === 'str' || v.t === 'use' || v.t === 'obj' || v.t === 'ref' ? v : v;
      }
      return this.eval(decl.initializer, mod);
    }
    if (ts.isBindingElement(decl)) return this.bindingElement(decl, mod);
    if (ts.isFunctionDeclaration(decl)) return fnValue(decl, mod.sf);
    if (ts.isClassDeclaration(decl)) return this.classValue(decl, mod);
    return unknown(`${ts.SyntaxKind[decl.kind]} declaration`);
  }

  private bindingElement(el: ts.BindingElement, info: ModuleInfo): Value {
    const pattern = el.parent;
    let parentValue: Value;
    const holder = pattern.parent;
    if (ts.isVariableDeclaration(holder)) {
      if (!holder.initializer) return unknown('destructuring without initializer');
      const spec = requireSpecifier(holder.initializer);
      parentValue = spec !== undefined ? this.importValue(info, spec, '*') : this.eval(holder.initializer, info);
    } else if (ts.isBindingElement(holder)) {
      parentValue = this.bindingElement(holder, info);
    } else return unknown('destructured parameter');
    let v: Value;
    if (ts.isObjectBindingPattern(pattern)) {
      if (el.dotDotDotToken) return parentValue.t === 'obj' ? parentValue : unknown('rest element');
      const key = el.propertyName ? propertyKey(el.propertyName, this, info) : ts.isIdentifier(el.name) ? el.name.text : undefined;
      if (key === undefined) return unknown('computed destructuring');
      // const { OPENAI_API_KEY } = process.env
      if (holder && ts.isVariableDeclaration(holder) && holder.initializer && /^(process|import\.meta)\.env$/.test(holder.initializer.getText(info.sf))) v = this.envValue(info, key);
      else v = memberOf(parentValue, key, this, el, info);
    } else {
      const index = pattern.elements.indexOf(el);
      v = parentValue.t === 'arr' ? (parentValue.items[index] ?? { t: 'undef' }) : unknown('array destructuring');
    }
    if ((v.t === 'undef' || v.t === 'env') && el.initializer) return this.eval(el.initializer, info);
    return v;
  }

  private classValue(node: ts.ClassLikeDeclaration, info: ModuleInfo): Value {
    const ext = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    if (!ext) return unknown(`class ${node.name?.text ?? ''} is local`);
    return { t: 'class', base: this.eval(ext.expression, info) };
  }

  private call(node: ts.CallExpression | ts.NewExpression, info: ModuleInfo): Value {
    const use = this.host.useAt(node, info);
    if (use) return { t: 'use', use };
    const spec = ts.isCallExpression(node) ? requireSpecifier(node) : undefined;
    if (spec !== undefined) return this.importValue(info, spec, '*');
    const callee = this.eval(node.expression, info);
    const args = node.arguments ?? ts.factory.createNodeArray();
    if (callee.t === 'ref' && callee.module === '<global>' && callee.path.join('.') === 'URL') {
      const a = args[0] ? this.eval(args[0], info) : unknown('no argument');
      const b = args[1] ? this.eval(args[1], info) : undefined;
      if (a.t !== 'str' || (b && b.t !== 'str')) return unknown(describeUnresolved(a.t !== 'str' ? a : b!, node, info.sf));
      try {
        return { t: 'str', v: new URL(a.v, b?.t === 'str' ? b.v : undefined).href };
      } catch {
        return unknown('not a valid URL');
      }
    }
    if (callee.t === 'use') return callee;
    if (callee.t === 'fn' && callee.body) {
      const mod = this.host.module(callee.sf.fileName) ?? info;
      return this.eval(callee.body, mod);
    }
    if (ts.isIdentifier(node.expression) && node.expression.text === 'String' && args[0]) return this.eval(args[0], info);
    return unknown(`result of ${clip(node.expression.getText(info.sf))}(…)`);
  }
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

function fnValue(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): Value {
  const body = node.body;
  if (!body) return { t: 'fn', body: null, sf };
  if (!ts.isBlock(body)) return { t: 'fn', body, sf };
  // A factory: a body whose only return gives the value (`function makeModel() { return new ChatOpenAI(…) }`).
  const returns: ts.ReturnStatement[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n)) returns.push(n);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return { t: 'fn', body: returns.length === 1 && returns[0]!.expression ? returns[0]!.expression : null, sf };
}

function isConst(decl: ts.VariableDeclaration): boolean {
  return ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.Const) !== 0;
}

function propertyKey(name: ts.PropertyName | ts.BindingName, ev: Evaluator, info: ModuleInfo): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const v = ev.eval(name.expression, info);
    return v.t === 'str' || v.t === 'num' ? String(v.v) : undefined;
  }
  return undefined;
}

export function scalarText(v: Value): string | undefined {
  return v.t === 'str' ? v.v : v.t === 'num' || v.t === 'bool' ? String(v.v) : undefined;
}

export function describeUnresolved(v: Value, node: ts.Node, sf: ts.SourceFile): string {
  if (v.t === 'env') return `${v.name} is not set in any .env file`;
  if (v.t === 'unknown') return v.why;
  return `${clip(node.getText(sf))} is not a static string`;
}

export function clip(text: string, max = 40): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}
