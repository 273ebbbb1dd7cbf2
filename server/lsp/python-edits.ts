/**
 * Quick-fix edits for Python source (Finding.fix.syntax === "python"): keyword arguments instead of object
 * properties, `os.environ["NAME"]` instead of `process.env.NAME`, and `import os` added when the file lacks it.
 * Spans come from the scanner; nothing here parses Python.
 */
import type { TextEdit } from 'vscode-languageserver';
import type { Finding, Range as FindingRange } from '../scan/types.js';
import { toLspRange } from './convert.js';
import { lineStarts, offsetAt, positionAt } from './text-edits.js';

/** `os.environ["NAME"]`. */
export function pythonEnvExpression(name: string): string {
  return `os.environ[${JSON.stringify(name)}]`;
}

/** Edits that route a Python client through the gateway, or null when the scanner recorded no place to edit. */
export function pythonRouteEdits(text: string, f: Finding, chainKeyEnv: string): TextEdit[] | null {
  const fix = f.fix;
  const url = fix?.gatewayBaseUrl;
  if (!fix || !url || f.file.endsWith('.ipynb')) return null; // notebook spans are inside JSON strings
  const literal = JSON.stringify(url);
  const keyExpression = fix.keyExpression ?? pythonEnvExpression(chainKeyEnv);
  const edits: TextEdit[] = [];
  const keywords: string[] = [];
  if (fix.baseUrlRange) edits.push({ range: toLspRange(fix.baseUrlRange), newText: literal });
  else if (fix.baseUrlProperty && fix.optionsRange && !fix.baseUrlProperty.includes('.')) keywords.push(`${fix.baseUrlProperty}=${literal}`);
  else return null;
  let usesOs = false;
  // SQL clients authenticate in the connection string and raw HTTP calls in headers: only SDK clients get a key argument.
  if (f.kind !== 'sql' && f.kind !== 'http') {
    if (fix.apiKeyRange) {
      const r = toLspRange(fix.apiKeyRange);
      if (text.slice(offsetAt(text, r.start), offsetAt(text, r.end)) !== keyExpression) {
        edits.push({ range: r, newText: keyExpression });
        usesOs = true;
      }
    } else if (fix.keyProperty) {
      keywords.push(`${fix.keyProperty}=${keyExpression}`);
      usesOs = true;
    }
  }
  if (keywords.length) {
    const insert = insertKeywords(text, fix.optionsRange!, keywords);
    if (!insert) return null;
    edits.push(insert);
  }
  if (usesOs) {
    const imp = importOsEdit(text);
    if (imp) edits.push(imp);
  }
  return edits;
}

/** Replaces a hard-coded secret literal with `os.environ["NAME"]` (and imports os); null when the span is not a plain string literal. */
export function pythonSecretEdits(text: string, f: Finding, envVar: string): TextEdit[] | null {
  const range = f.fix?.secretRange;
  if (!range || f.file.endsWith('.ipynb')) return null;
  const r = toLspRange(range);
  const literal = text.slice(offsetAt(text, r.start), offsetAt(text, r.end));
  if (!/^[rRuUbB]{0,2}(['"]).*\1$/s.test(literal)) return null;
  const edits: TextEdit[] = [{ range: r, newText: pythonEnvExpression(envVar) }];
  const imp = importOsEdit(text);
  if (imp) edits.push(imp);
  return edits;
}

/** Adds keyword arguments before the `)` of the argument list at `at`, following its layout. */
function insertKeywords(text: string, at: FindingRange, keywords: string[]): TextEdit | null {
  const starts = lineStarts(text);
  const r = toLspRange(at);
  const open = offsetAt(text, r.start, starts);
  const close = offsetAt(text, r.end, starts) - 1;
  if (text[open] !== '(' || text[close] !== ')') return null;
  const inner = text.slice(open + 1, close);
  const pos = (o: number) => positionAt(text, o, starts);
  if (!inner.trim()) return { range: { start: pos(close), end: pos(close) }, newText: keywords.join(', ') };
  let last = close - 1;
  while (last > open && /\s/.test(text[last]!)) last--;
  const trailingComma = text[last] === ',';
  if (inner.includes('\n')) {
    const lineStart = text.lastIndexOf('\n', last) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const newText = trailingComma ? keywords.map((k) => `\n${indent}${k},`).join('') : keywords.map((k) => `,\n${indent}${k}`).join('');
    return { range: { start: pos(last + 1), end: pos(last + 1) }, newText };
  }
  return { range: { start: pos(last + 1), end: pos(last + 1) }, newText: (trailingComma ? ' ' : ', ') + keywords.join(', ') };
}

/** `import os` after the module docstring and `from __future__` imports, unless the file already imports os. */
function importOsEdit(text: string): TextEdit | null {
  if (/^\s*import\s+(?:[\w.]+\s*,\s*)*os\b(?!\.)/m.test(text) && !/^\s*import\s+os\s+as\s/m.test(text)) return null;
  const lines = text.split('\n');
  let at = 0;
  // Skip a shebang/encoding comment, a module docstring and __future__ imports.
  while (at < lines.length && /^#/.test(lines[at]!)) at++;
  const doc = /^\s*[rRuU]?("""|''')/.exec(lines[at] ?? '');
  if (doc) {
    const q = doc[1]!;
    const rest = lines[at]!.slice(lines[at]!.indexOf(q) + 3);
    if (!rest.includes(q)) {
      at++;
      while (at < lines.length && !lines[at]!.includes(q)) at++;
    }
    at++;
  }
  while (at < lines.length && /^from __future__ import/.test(lines[at]!)) at++;
  return { range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, newText: 'import os\n' };
}
