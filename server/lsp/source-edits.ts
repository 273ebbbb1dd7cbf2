/**
 * Edits to TypeScript/JavaScript source for the quick fixes: point a client at the gateway and pass the
 * chain key, or replace a hard-coded secret with an environment reference. Spans come from what the
 * scanner recorded (Finding.fix); the options object is re-read with the TypeScript parser only to
 * insert a property that is not written yet, keeping the object's layout (one line or one per line).
 */
import ts from 'typescript';
import type { TextEdit } from 'vscode-languageserver';
import { catalogEntry } from '../catalog/index.js';
import type { Finding, Range as FindingRange } from '../scan/types.js';
import { toLspRange } from './convert.js';
import { lineStarts, offsetAt, positionAt } from './text-edits.js';
import { pythonRouteEdits, pythonSecretEdits } from './python-edits.js';

/** The environment variable chains read their Chainwarden key from (docs/language-server.md). */
export const CHAIN_KEY_ENV = 'CHAINWARDEN_KEY';
export const CHAIN_KEY_EXPRESSION = `process.env.${CHAIN_KEY_ENV}`;

interface Insertion {
  path: string[];
  value: string;
}

/** Edits that route a bypassing client through the gateway, or null when the scanner recorded no place to edit. */
export function routeThroughGatewayEdits(text: string, fileName: string, f: Finding): TextEdit[] | null {
  if (f.fix?.syntax === 'python') return pythonRouteEdits(text, f, CHAIN_KEY_ENV);
  const fix = f.fix;
  const url = fix?.gatewayBaseUrl;
  if (!fix || !url) return null;
  const quote = preferredQuote(text);
  const literal = quote + url.replace(new RegExp(`[\\\\${quote}]`, 'g'), '\\$&') + quote;
  const edits: TextEdit[] = [];
  const inserts: Insertion[] = [];
  if (fix.baseUrlRange) edits.push({ range: toLspRange(fix.baseUrlRange), newText: literal });
  else if (fix.baseUrlProperty && fix.optionsRange) inserts.push({ path: fix.baseUrlProperty.split('.'), value: literal });
  else return null;

  // SQL clients authenticate in the connection string and raw HTTP calls in headers: only SDK clients get a key option.
  if (f.kind !== 'sql' && f.kind !== 'http') {
    if (fix.apiKeyRange) {
      const r = toLspRange(fix.apiKeyRange);
      const current = text.slice(offsetAt(text, r.start), offsetAt(text, r.end));
      if (current !== CHAIN_KEY_EXPRESSION) edits.push({ range: r, newText: CHAIN_KEY_EXPRESSION });
    } else {
      const keyPath = keyOptionPath(f);
      if (keyPath && fix.optionsRange) inserts.push({ path: keyPath, value: CHAIN_KEY_EXPRESSION });
    }
  }
  if (inserts.length) {
    if (!fix.optionsRange) return null;
    const planned = insertIntoObject(text, fileName, fix.optionsRange, inserts);
    if (!planned) return null;
    edits.push(...planned);
  }
  return edits;
}

/** The edits that replace a hard-coded secret with an environment reference, in the file's language. */
export function secretToEnvEdits(text: string, f: Finding, envVar: string): TextEdit[] | null {
  if (/\.(py|ipynb)$/.test(f.file)) return pythonSecretEdits(text, f, envVar);
  const e = secretToEnvEdit(text, f, envVar);
  return e ? [e] : null;
}

/** Replaces a hard-coded secret literal with `process.env.NAME`; null when the span is not a whole string literal. */
export function secretToEnvEdit(text: string, f: Finding, envVar: string): TextEdit | null {
  const range = f.fix?.secretRange;
  if (!range) return null;
  const r = toLspRange(range);
  const literal = text.slice(offsetAt(text, r.start), offsetAt(text, r.end));
  if (!/^(['"`]).*\1$/s.test(literal) || (literal.startsWith('`') && literal.includes('${'))) return null;
  return { range: r, newText: `process.env.${envVar}` };
}

/** The option the catalog reads the credential from ("0.apiKey" → ["apiKey"]), if it is a property of the first argument. */
function keyOptionPath(f: Finding): string[] | null {
  const from = f.catalogId ? catalogEntry(f.catalogId)?.credential?.from?.[0] : undefined;
  const m = from ? /^0\.([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)$/.exec(from) : null;
  return m ? m[1]!.split('.') : null;
}

function preferredQuote(text: string): string {
  const single = (text.match(/'/g) ?? []).length;
  const double = (text.match(/"/g) ?? []).length;
  return double > single ? '"' : "'";
}

/** Inserts (or replaces) properties along dotted paths inside the object literal that starts at `at`. */
export function insertIntoObject(text: string, fileName: string, at: FindingRange, inserts: Insertion[]): TextEdit[] | null {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const starts = lineStarts(text);
  const startOffset = offsetAt(text, toLspRange(at).start, starts);
  const root = findObjectAt(sf, startOffset);
  if (!root) return null;
  const additions = new Map<ts.ObjectLiteralExpression, string[]>();
  const edits: TextEdit[] = [];
  for (const ins of inserts) {
    let obj = root;
    let placed = false;
    for (let i = 0; i < ins.path.length; i++) {
      const name = ins.path[i]!;
      const prop = findProperty(obj, name);
      const last = i === ins.path.length - 1;
      if (last && prop && ts.isPropertyAssignment(prop)) {
        edits.push({ range: { start: positionAt(text, prop.initializer.getStart(sf), starts), end: positionAt(text, prop.initializer.getEnd(), starts) }, newText: ins.value });
        placed = true;
        break;
      }
      if (!last && prop && ts.isPropertyAssignment(prop) && ts.isObjectLiteralExpression(prop.initializer)) {
        obj = prop.initializer;
        continue;
      }
      if (prop) return null; // written in a shape we cannot edit safely (spread, shorthand, computed)
      const nested = ins.path.slice(i + 1).reduceRight((acc, key) => `{ ${key}: ${acc} }`, ins.value);
      const list = additions.get(obj) ?? [];
      list.push(`${name}: ${nested}`);
      additions.set(obj, list);
      placed = true;
      break;
    }
    if (!placed) return null;
  }
  for (const [obj, props] of additions) edits.push(appendProperties(text, sf, obj, props, starts));
  return edits;
}

function appendProperties(text: string, sf: ts.SourceFile, obj: ts.ObjectLiteralExpression, props: string[], starts: number[]): TextEdit {
  const open = obj.getStart(sf);
  const close = obj.getEnd() - 1;
  const at = (o: number) => positionAt(text, o, starts);
  const multiline = text.slice(open, close).includes('\n');
  const items = obj.properties;
  if (!items.length) {
    return { range: { start: at(open + 1), end: at(close) }, newText: ` ${props.join(', ')} ` };
  }
  const last = items[items.length - 1]!;
  if (!multiline) return { range: { start: at(last.getEnd()), end: at(last.getEnd()) }, newText: `, ${props.join(', ')}` };
  const lineStart = text.lastIndexOf('\n', last.getStart(sf)) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  if (items.hasTrailingComma) {
    const comma = text.indexOf(',', last.getEnd()) + 1;
    return { range: { start: at(comma), end: at(comma) }, newText: props.map((p) => `\n${indent}${p},`).join('') };
  }
  return { range: { start: at(last.getEnd()), end: at(last.getEnd()) }, newText: props.map((p) => `,\n${indent}${p}`).join('') };
}

function findObjectAt(sf: ts.SourceFile, offset: number): ts.ObjectLiteralExpression | undefined {
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.getEnd() < offset || node.getFullStart() > offset) return;
    if (ts.isObjectLiteralExpression(node) && node.getStart(sf) === offset) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function findProperty(obj: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => {
    const n = p.name;
    return n !== undefined && (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) && n.text === name;
  });
}

function scriptKind(fileName: string): ts.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}
