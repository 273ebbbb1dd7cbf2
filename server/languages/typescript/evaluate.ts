/**
 * A small static evaluator: what an expression is worth without running it. It follows identifiers to
 * their declarations (block scopes, imports, re-exports, CommonJS), folds string literals, template
 * literals, `+`, `??`/`||`, object literals with spreads, `process.env.X` (from .env files) and
 * `new URL(…)`. Anything else is `unknown` with a reason: the scanner never guesses.
 */
import tsc from './ts.js';
import type * as ts from 'typescript';
import { bindingNames, requireSpecifier, type ModuleInfo } from './module.js';
import { clip, describeUnresolved, fnValue, memberOf, scalarText, unknown, type Prop, type Value } from './values.js';
import type { ResourceUse } from '../../scan/use.js';

export { clip, describeUnresolved, memberOf, scalarText, unknown, type Prop, type Value } from './values.js';

export interface EvalHost {
  module(file: string): ModuleInfo | null;
  resolve(fromFile: string, spec: string): string | null;
  /** Whether a non-relative specifier is one of the project's path aliases (`@/…`), not a package. */
  isPathAlias?(fromFile: string, spec: string): boolean;
  env(file: string, name: string): string | undefined;
  /** The resource a call/new expression constructs, if any (memoised by the detector). */
  useAt(node: ts.CallExpression | ts.NewExpression, info: ModuleInfo): ResourceUse | undefined;
}

export const GLOBALS = new Set(['fetch', 'URL', 'Request', 'WebSocket', 'EventSource']);
const MAX_DEPTH = 60;


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
    if (tsc.isStringLiteralLike(node)) return { t: 'str', v: node.text };
    if (tsc.isNumericLiteral(node)) return { t: 'num', v: Number(node.text) };
    if (node.kind === tsc.SyntaxKind.TrueKeyword) return { t: 'bool', v: true };
    if (node.kind === tsc.SyntaxKind.FalseKeyword) return { t: 'bool', v: false };
    if (node.kind === tsc.SyntaxKind.NullKeyword) return { t: 'undef' };
    if (tsc.isParenthesizedExpression(node) || tsc.isAsExpression(node) || tsc.isNonNullExpression(node) || tsc.isSatisfiesExpression(node) || tsc.isTypeAssertionExpression(node) || tsc.isAwaitExpression(node)) {
      return this.eval(node.expression, info);
    }
    if (tsc.isTemplateExpression(node)) {
      let out = node.head.text;
      for (const span of node.templateSpans) {
        const v = this.eval(span.expression, info);
        const s = scalarText(v);
        if (s === undefined) return prefixOrUnknown(out, v, span.expression, info.sf);
        out += s + span.literal.text;
      }
      return { t: 'str', v: out };
    }
    if (tsc.isBinaryExpression(node)) return this.binary(node, info);
    if (tsc.isConditionalExpression(node)) {
      const a = this.eval(node.whenTrue, info);
      const b = this.eval(node.whenFalse, info);
      if (a.t === 'str' && b.t === 'str' && a.v === b.v) return a;
      return unknown(`chosen at run time (${clip(node.condition.getText(info.sf))})`);
    }
    if (tsc.isIdentifier(node)) return this.identifier(node, info);
    if (tsc.isPropertyAccessExpression(node)) return this.member(node.expression, node.name.text, info, node);
    if (tsc.isElementAccessExpression(node)) {
      const key = this.eval(node.argumentExpression, info);
      if (key.t === 'str' || key.t === 'num') return this.member(node.expression, String(key.v), info, node);
      return unknown(`computed property ${clip(node.argumentExpression.getText(info.sf))}`);
    }
    if (tsc.isObjectLiteralExpression(node)) return this.object(node, info);
    if (tsc.isArrayLiteralExpression(node)) return { t: 'arr', items: node.elements.map((e) => this.eval(e, info)) };
    if (tsc.isCallExpression(node) || tsc.isNewExpression(node)) return this.call(node, info);
    if (tsc.isArrowFunction(node) || tsc.isFunctionExpression(node) || tsc.isFunctionDeclaration(node)) return fnValue(node, info.sf);
    if (tsc.isClassDeclaration(node) || tsc.isClassExpression(node)) return this.classValue(node, info);
    return unknown(`${tsc.SyntaxKind[node.kind]} is not evaluated statically`);
  }

  private binary(node: ts.BinaryExpression, info: ModuleInfo): Value {
    const op = node.operatorToken.kind;
    if (op === tsc.SyntaxKind.PlusToken) {
      const a = this.eval(node.left, info);
      const b = this.eval(node.right, info);
      const sa = scalarText(a);
      const sb = scalarText(b);
      if (sa !== undefined && sb !== undefined) return a.t === 'num' && b.t === 'num' ? { t: 'num', v: a.v + b.v } : { t: 'str', v: sa + sb };
      if (sa === undefined) return a.t === 'prefix' ? a : unknown(describeUnresolved(a, node.left, info.sf));
      return prefixOrUnknown(sa, b, node.right, info.sf);
    }
    if (op === tsc.SyntaxKind.QuestionQuestionToken || op === tsc.SyntaxKind.BarBarToken) {
      const a = this.eval(node.left, info);
      // An unset variable or a missing value falls back to the default the code writes.
      if (a.t === 'env' || a.t === 'undef') {
        const b = this.eval(node.right, info);
        // `process.env.X || ''` only silences the type checker: the value is still X's.
        return a.t === 'env' && b.t === 'str' && b.v === '' ? a : b;
      }
      if (op === tsc.SyntaxKind.BarBarToken && a.t === 'str' && a.v === '') return this.eval(node.right, info);
      return a;
    }
    return unknown(`operator ${tsc.tokenToString(op) ?? op}`);
  }

  private object(node: ts.ObjectLiteralExpression, info: ModuleInfo): Value {
    const props = new Map<string, Prop>();
    let open = false;
    for (const p of node.properties) {
      if (tsc.isPropertyAssignment(p) || tsc.isShorthandPropertyAssignment(p)) {
        const key = propertyKey(p.name, this, info);
        if (key === undefined) {
          open = true;
          continue;
        }
        const expr = tsc.isPropertyAssignment(p) ? p.initializer : p.name;
        props.set(key, this.lazyProp(p, expr, info));
      } else if (tsc.isSpreadAssignment(p)) {
        const v = this.eval(p.expression, info);
        if (v.t === 'obj') {
          for (const [k, prop] of v.props) props.set(k, prop);
          open ||= v.open;
        } else if (v.t !== 'undef') open = true;
      } else if (tsc.isMethodDeclaration(p) || tsc.isAccessor(p)) {
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
    const baseText = tsc.isPropertyAccessExpression(baseExpr) ? baseExpr.getText(info.sf) : '';
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
    if (this.host.isPathAlias?.(info.file, spec)) return unknown(`cannot find module ${spec} (a path alias in tsconfig/jsconfig that names no file)`);
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
    const packages: string[] = [];
    for (const spec of mod.starExports) {
      const target = this.host.resolve(file, spec);
      if (!target) {
        if (!spec.startsWith('.')) packages.push(spec);
        continue;
      }
      const v = this.exportValue(target, name, seen);
      if (!(v.t === 'unknown' && v.why.startsWith('no export'))) return v;
    }
    // `export * from "@langchain/openai"` in a barrel: with one package behind the star, the name is that package's.
    if (packages.length === 1) return { t: 'ref', module: packages[0]!, path: [name] };
    return unknown(`no export ${name} in ${file}`);
  }

  /** Finds the declaration an identifier refers to, innermost scope first. */
  private lookup(node: ts.Node, name: string, info: ModuleInfo): ts.Node | 'parameter' | undefined {
    for (let cur: ts.Node | undefined = node.parent; cur; cur = cur.parent) {
      if (tsc.isSourceFile(cur)) return info.locals.get(name);
      if (tsc.isFunctionLike(cur)) {
        for (const p of cur.parameters) if (bindingNames(p.name).some(([n]) => n === name)) return 'parameter';
        if ((tsc.isFunctionExpression(cur) || tsc.isFunctionDeclaration(cur)) && cur.name?.text === name) return cur;
      }
      if (tsc.isForOfStatement(cur) || tsc.isForInStatement(cur) || tsc.isForStatement(cur)) {
        const init = cur.initializer;
        if (init && tsc.isVariableDeclarationList(init) && init.declarations.some((d) => bindingNames(d.name).some(([n]) => n === name))) return 'parameter';
      }
      if (tsc.isCatchClause(cur) && cur.variableDeclaration && bindingNames(cur.variableDeclaration.name).some(([n]) => n === name)) return 'parameter';
      if (tsc.isBlock(cur) || tsc.isModuleBlock(cur) || tsc.isCaseClause(cur) || tsc.isDefaultClause(cur)) {
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
      if (tsc.isVariableStatement(st)) for (const d of st.declarationList.declarations) for (const [n, decl] of bindingNames(d.name)) map.set(n, decl);
      else if ((tsc.isFunctionDeclaration(st) || tsc.isClassDeclaration(st)) && st.name) map.set(st.name.text, st);
    }
    this.blockScopes.set(block, map);
    return map;
  }

  /** The value a declaration gives its name. */
  declaration(decl: ts.Node, info: ModuleInfo): Value {
    const mod = this.host.module(decl.getSourceFile().fileName) ?? info;
    if (tsc.isVariableDeclaration(decl)) {
      if (!decl.initializer) return unknown(`${decl.name.getText(mod.sf)} has no initializer`);
      const spec = requireSpecifier(decl.initializer);
      if (spec !== undefined) return this.importValue(mod, spec, '*');
      // `let`/`var`: the initializer counts only if nothing in the file assigns the name again.
      if (!isConst(decl) && tsc.isIdentifier(decl.name) && this.reassigned(mod.sf).has(decl.name.text)) {
        return unknown(`${decl.name.text} is reassigned`);
      }
      return this.eval(decl.initializer, mod);
    }
    if (tsc.isBindingElement(decl)) return this.bindingElement(decl, mod);
    if (tsc.isFunctionDeclaration(decl)) return fnValue(decl, mod.sf);
    if (tsc.isClassDeclaration(decl)) return this.classValue(decl, mod);
    return unknown(`${tsc.SyntaxKind[decl.kind]} declaration`);
  }

  private readonly assigned = new WeakMap<ts.SourceFile, Set<string>>();

  /** Names assigned anywhere in the file after their declaration (`x = …`, `x += …`, `x++`). Scope-blind, so it errs towards unknown. */
  private reassigned(sf: ts.SourceFile): Set<string> {
    let names = this.assigned.get(sf);
    if (names) return names;
    const found = new Set<string>();
    const visit = (n: ts.Node): void => {
      if (tsc.isBinaryExpression(n) && n.operatorToken.kind >= tsc.SyntaxKind.FirstAssignment && n.operatorToken.kind <= tsc.SyntaxKind.LastAssignment && tsc.isIdentifier(n.left)) found.add(n.left.text);
      else if ((tsc.isPrefixUnaryExpression(n) || tsc.isPostfixUnaryExpression(n)) && tsc.isIdentifier(n.operand) && (n.operator === tsc.SyntaxKind.PlusPlusToken || n.operator === tsc.SyntaxKind.MinusMinusToken)) found.add(n.operand.text);
      tsc.forEachChild(n, visit);
    };
    visit(sf);
    this.assigned.set(sf, (names = found));
    return names;
  }

  private bindingElement(el: ts.BindingElement, info: ModuleInfo): Value {
    const pattern = el.parent;
    let parentValue: Value;
    const holder = pattern.parent;
    if (tsc.isVariableDeclaration(holder)) {
      if (!holder.initializer) return unknown('destructuring without initializer');
      const spec = requireSpecifier(holder.initializer);
      parentValue = spec !== undefined ? this.importValue(info, spec, '*') : this.eval(holder.initializer, info);
    } else if (tsc.isBindingElement(holder)) {
      parentValue = this.bindingElement(holder, info);
    } else return unknown('destructured parameter');
    let v: Value;
    if (tsc.isObjectBindingPattern(pattern)) {
      if (el.dotDotDotToken) return parentValue.t === 'obj' ? parentValue : unknown('rest element');
      const key = el.propertyName ? propertyKey(el.propertyName, this, info) : tsc.isIdentifier(el.name) ? el.name.text : undefined;
      if (key === undefined) return unknown('computed destructuring');
      // const { OPENAI_API_KEY } = process.env
      if (holder && tsc.isVariableDeclaration(holder) && holder.initializer && /^(process|import\.meta)\.env$/.test(holder.initializer.getText(info.sf))) v = this.envValue(info, key);
      else v = memberOf(parentValue, key, this, el, info);
    } else {
      const index = pattern.elements.indexOf(el);
      v = parentValue.t === 'arr' ? (parentValue.items[index] ?? { t: 'undef' }) : unknown('array destructuring');
    }
    if ((v.t === 'undef' || v.t === 'env') && el.initializer) return this.eval(el.initializer, info);
    return v;
  }

  private classValue(node: ts.ClassLikeDeclaration, info: ModuleInfo): Value {
    const ext = node.heritageClauses?.find((h) => h.token === tsc.SyntaxKind.ExtendsKeyword)?.types[0];
    if (!ext) return unknown(`class ${node.name?.text ?? ''} is local`);
    return { t: 'class', base: this.eval(ext.expression, info) };
  }

  private call(node: ts.CallExpression | ts.NewExpression, info: ModuleInfo): Value {
    const use = this.host.useAt(node, info);
    if (use) return { t: 'use', use };
    const spec = tsc.isCallExpression(node) ? requireSpecifier(node) : undefined;
    if (spec !== undefined) return this.importValue(info, spec, '*');
    // `await import("pg")`: the module namespace.
    if (node.expression.kind === tsc.SyntaxKind.ImportKeyword && node.arguments?.[0] && tsc.isStringLiteralLike(node.arguments[0])) {
      return this.importValue(info, node.arguments[0].text, '*');
    }
    const callee = this.eval(node.expression, info);
    const args = node.arguments ?? tsc.factory.createNodeArray();
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
    if (tsc.isIdentifier(node.expression) && node.expression.text === 'String' && args[0]) {
      const v = this.eval(args[0], info);
      const text = scalarText(v);
      if (text !== undefined) return { t: 'str', v: text };
      if (v.t === 'env' || v.t === 'unknown') return v;
    }
    return unknown(`result of ${clip(node.expression.getText(info.sf))}(…)`);
  }
}

function isConst(decl: ts.VariableDeclaration): boolean {
  return tsc.isVariableDeclarationList(decl.parent) && (decl.parent.flags & tsc.NodeFlags.Const) !== 0;
}

function propertyKey(name: ts.PropertyName | ts.BindingName, ev: Evaluator, info: ModuleInfo): string | undefined {
  if (tsc.isIdentifier(name) || tsc.isStringLiteralLike(name) || tsc.isNumericLiteral(name) || tsc.isPrivateIdentifier(name)) return name.text;
  if (tsc.isComputedPropertyName(name)) {
    const v = ev.eval(name.expression, info);
    return v.t === 'str' || v.t === 'num' ? String(v.v) : undefined;
  }
  return undefined;
}

/** `known + unresolved`: the known beginning when there is one (a URL's origin is often all routing needs). */
function prefixOrUnknown(known: string, rest: Value, node: ts.Node, sf: ts.SourceFile): Value {
  const why = describeUnresolved(rest, node, sf);
  if (rest.t === 'prefix') return { t: 'prefix', v: known + rest.v, why };
  return known ? { t: 'prefix', v: known, why } : unknown(why);
}
