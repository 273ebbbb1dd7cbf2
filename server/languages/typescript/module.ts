/**
 * One parsed file and its top-level symbol table: imports, declarations, exports (ESM and CommonJS).
 * Parsing is per file (tsc.createSourceFile, no Program, no type checker) so a scan costs one parse per file.
 */
import tsc from './ts.js';
import type * as ts from 'typescript';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';

export interface ImportBinding {
  /** The module specifier as written. */
  module: string;
  /** "default", "*" (namespace) or the export name. */
  name: string;
}

export type ExportBinding =
  | { kind: 'local'; local: string }
  | { kind: 'expr'; expr: ts.Expression }
  | { kind: 'from'; module: string; name: string };

export interface ModuleInfo {
  file: string;
  sf: ts.SourceFile;
  imports: Map<string, ImportBinding>;
  /** Top-level declarations by name: variable declarations, binding elements, functions, classes. */
  locals: Map<string, ts.Node>;
  exports: Map<string, ExportBinding>;
  starExports: string[];
}

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export function scriptKindOf(file: string): ts.ScriptKind {
  switch (extname(file)) {
    case '.tsx': return tsc.ScriptKind.TSX;
    case '.jsx': return tsc.ScriptKind.JSX;
    case '.js': case '.mjs': case '.cjs': return tsc.ScriptKind.JS;
    default: return tsc.ScriptKind.TS;
  }
}

export function parseModule(file: string, text: string): ModuleInfo {
  const sf = tsc.createSourceFile(file, text, tsc.ScriptTarget.Latest, true, scriptKindOf(file));
  const info: ModuleInfo = { file, sf, imports: new Map(), locals: new Map(), exports: new Map(), starExports: [] };
  for (const st of sf.statements) collectStatement(info, st);
  return info;
}

function hasExport(node: ts.Node): boolean {
  return tsc.canHaveModifiers(node) && (tsc.getModifiers(node) ?? []).some((m) => m.kind === tsc.SyntaxKind.ExportKeyword);
}
function hasDefault(node: ts.Node): boolean {
  return tsc.canHaveModifiers(node) && (tsc.getModifiers(node) ?? []).some((m) => m.kind === tsc.SyntaxKind.DefaultKeyword);
}

/** Names a binding pattern declares, with the node that declares each. */
export function bindingNames(name: ts.BindingName, out: Array<[string, ts.Node]> = []): Array<[string, ts.Node]> {
  if (tsc.isIdentifier(name)) out.push([name.text, name.parent]);
  else for (const el of name.elements) if (!tsc.isOmittedExpression(el)) bindingNames(el.name, out);
  return out;
}

function collectStatement(info: ModuleInfo, st: ts.Statement): void {
  if (tsc.isImportDeclaration(st) && tsc.isStringLiteral(st.moduleSpecifier)) {
    const module = st.moduleSpecifier.text;
    const clause = st.importClause;
    if (!clause) return;
    if (clause.name) info.imports.set(clause.name.text, { module, name: 'default' });
    const nb = clause.namedBindings;
    if (nb && tsc.isNamespaceImport(nb)) info.imports.set(nb.name.text, { module, name: '*' });
    else if (nb) for (const el of nb.elements) info.imports.set(el.name.text, { module, name: (el.propertyName ?? el.name).text });
    return;
  }
  if (tsc.isImportEqualsDeclaration(st) && tsc.isExternalModuleReference(st.moduleReference) && tsc.isStringLiteral(st.moduleReference.expression)) {
    info.imports.set(st.name.text, { module: st.moduleReference.expression.text, name: '*' });
    return;
  }
  if (tsc.isExportDeclaration(st)) {
    const from = st.moduleSpecifier && tsc.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
    if (!st.exportClause) {
      if (from) info.starExports.push(from);
      return;
    }
    if (tsc.isNamespaceExport(st.exportClause)) {
      if (from) info.exports.set(st.exportClause.name.text, { kind: 'from', module: from, name: '*' });
      return;
    }
    for (const el of st.exportClause.elements) {
      const local = (el.propertyName ?? el.name).text;
      info.exports.set(el.name.text, from ? { kind: 'from', module: from, name: local } : { kind: 'local', local });
    }
    return;
  }
  if (tsc.isExportAssignment(st)) {
    info.exports.set('default', { kind: 'expr', expr: st.expression });
    return;
  }
  if (tsc.isVariableStatement(st)) {
    const exported = hasExport(st);
    for (const decl of st.declarationList.declarations) {
      for (const [name, node] of bindingNames(decl.name)) {
        info.locals.set(name, node);
        if (exported) info.exports.set(name, { kind: 'local', local: name });
      }
      // const { Pool } = require('pg')
      if (decl.initializer) collectRequire(info, decl.name, decl.initializer);
    }
    return;
  }
  if ((tsc.isFunctionDeclaration(st) || tsc.isClassDeclaration(st)) && st.name) {
    info.locals.set(st.name.text, st);
    if (hasExport(st)) info.exports.set(hasDefault(st) ? 'default' : st.name.text, { kind: 'local', local: st.name.text });
    return;
  }
  if ((tsc.isFunctionDeclaration(st) || tsc.isClassDeclaration(st)) && hasDefault(st)) {
    info.exports.set('default', { kind: 'expr', expr: st as unknown as ts.Expression });
    return;
  }
  // CommonJS: module.exports = …, exports.x = …, module.exports.x = …
  if (tsc.isExpressionStatement(st) && tsc.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === tsc.SyntaxKind.EqualsToken) {
    const left = st.expression.left;
    const right = st.expression.right;
    const text = left.getText(info.sf);
    if (text === 'module.exports') {
      info.exports.set('default', { kind: 'expr', expr: right });
      if (tsc.isObjectLiteralExpression(right)) {
        for (const p of right.properties) {
          if (tsc.isShorthandPropertyAssignment(p)) info.exports.set(p.name.text, { kind: 'local', local: p.name.text });
          else if (tsc.isPropertyAssignment(p) && (tsc.isIdentifier(p.name) || tsc.isStringLiteral(p.name))) info.exports.set(p.name.text, { kind: 'expr', expr: p.initializer });
        }
      }
    } else {
      const m = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(text);
      if (m) info.exports.set(m[1]!, { kind: 'expr', expr: right });
    }
  }
}

function collectRequire(info: ModuleInfo, name: ts.BindingName, init: ts.Expression): void {
  const spec = requireSpecifier(init);
  if (spec === undefined) return;
  if (tsc.isIdentifier(name)) info.imports.set(name.text, { module: spec, name: '*' });
  else if (tsc.isObjectBindingPattern(name)) {
    for (const el of name.elements) {
      if (!tsc.isIdentifier(el.name)) continue;
      const prop = el.propertyName && tsc.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
      info.imports.set(el.name.text, { module: spec, name: prop });
    }
  }
}

/** `require("x")` → "x". */
export function requireSpecifier(node: ts.Expression): string | undefined {
  if (tsc.isCallExpression(node) && tsc.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) {
    const a = node.arguments[0]!;
    if (tsc.isStringLiteralLike(a)) return a.text;
  }
  return undefined;
}

/** Resolves a relative specifier to a file on disk (NodeNext `.js` → `.ts`, extensionless, index files). */
export function resolveRelative(fromFile: string, spec: string, exists: (f: string) => boolean = isFile): string | null {
  if (!spec.startsWith('.') && !spec.startsWith('/')) return null;
  const base = resolve(dirname(fromFile), spec);
  const candidates: string[] = [];
  const ext = extname(base);
  if (ext) {
    candidates.push(base);
    const stem = base.slice(0, -ext.length);
    const map: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
    for (const e of map[ext] ?? []) candidates.push(stem + e);
  }
  for (const e of SOURCE_EXTENSIONS) candidates.push(base + e);
  for (const e of SOURCE_EXTENSIONS) candidates.push(join(base, 'index' + e));
  for (const c of candidates) if (exists(c)) return c;
  return null;
}

function isFile(f: string): boolean {
  try {
    return existsSync(f) && statSync(f).isFile();
  } catch {
    return false;
  }
}

export function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
