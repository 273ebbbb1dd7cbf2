/** Notebook reading (server/languages/python/notebook.ts): which cells become code, and where each character came from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notebookRange, readNotebook } from '../../server/languages/python/notebook.js';

test('code cells only, in order, each ending with a newline; magics and shell lines become comments', () => {
  const json = JSON.stringify({ cells: [
    { cell_type: 'code', source: ['%pip install x\n', '!ls\n', 'a = 1'] },
    { cell_type: 'markdown', source: ['# not code\n'] },
    { cell_type: 'raw', source: 'b = 2' },
    { cell_type: 'code', source: 'c = "é\\u00e9"' },
  ] });
  const nb = readNotebook(json);
  assert.equal(nb.text, '#pip install x\n#ls\na = 1\nc = "é\\u00e9"\n');
  assert.equal(nb.starts.length, nb.text.length);
});

test('every character maps to where it is written in the JSON, escapes counted as written', () => {
  const json = '{"cells": [{"cell_type": "code", "source": ["x = \\"tab\\\\t\\"\\n", "y = \\u00e9"]}]}';
  const nb = readNotebook(json);
  assert.equal(nb.text, 'x = "tab\\t"\ny = é\n');
  // The string literal "tab\t" (6 characters of Python) is written as \"tab\\t\" (10 characters of JSON).
  const start = nb.text.indexOf('"');
  const end = nb.text.indexOf('\n');
  const r = notebookRange(nb, start, end);
  assert.equal(json.slice(r.column - 1, r.endColumn - 1), '\\"tab\\\\t\\"');
  // `é` written as \u00e9 spans six columns.
  const e = nb.text.indexOf('é');
  const re = notebookRange(nb, e, e + 1);
  assert.equal(json.slice(re.column - 1, re.endColumn - 1), '\\u00e9');
});

test('lines of a pretty-printed notebook are the JSON file lines', () => {
  const json = JSON.stringify({ cells: [{ cell_type: 'code', source: ['import os\n', 'k = os.getenv("K")\n'] }] }, null, 1);
  const nb = readNotebook(json);
  const at = nb.text.indexOf('os.getenv');
  const r = notebookRange(nb, at, at + 'os.getenv'.length);
  const line = json.split('\n')[r.line - 1]!;
  assert.equal(line.slice(r.column - 1, r.endColumn - 1), 'os.getenv');
});

test('not a notebook: a clear error', () => {
  assert.throws(() => readNotebook('{"cells": [}'), /not a notebook/);
  assert.throws(() => readNotebook('{"metadata": {}}'), /not a notebook: no "cells" array/);
  assert.throws(() => readNotebook('[1, 2'), /not a notebook/);
});

test('outputs (images, large text) are read past, not mapped', () => {
  const png = 'iVBORw0KGgo'.repeat(200_000);
  const json = JSON.stringify({ cells: [{ cell_type: 'code', source: ['x = 1\n'], outputs: [{ output_type: 'display_data', data: { 'image/png': png, 'text/plain': ['<Figure>'] } }] }] });
  const nb = readNotebook(json);
  assert.equal(nb.text, 'x = 1\n');
  assert.equal(nb.starts.length, 6);
});
