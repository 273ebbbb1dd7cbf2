/**
 * Table-driven from the catalog itself: every entry has a positive fixture (test/fixtures/ts/catalog/<id>.*)
 * whose markers give the exact positions of the expected findings, and a near-miss negative fixture
 * (<id>.negative.*) that must produce no finding at all. A new entry without fixtures fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG } from '../../server/catalog/index.js';
import { RESOURCE_KINDS } from '../../server/scan/types.js';
import { Workspace } from '../../server/scan/api.js';
import { FIXTURES } from '../helpers/paths.js';
import { markersIn } from './markers.js';

const DIR = join(FIXTURES, 'ts', 'catalog');
const files = readdirSync(DIR);
const ws = new Workspace({ root: DIR });

function fixtureFor(id: string, negative: boolean): string | undefined {
  const re = new RegExp(`^${id.replace(/[.]/g, '\\.')}${negative ? '\\.negative' : ''}\\.(ts|tsx|js|mjs|cjs|jsx)$`);
  const f = files.find((name) => re.test(name));
  return f ? join(DIR, f) : undefined;
}

test('catalog ids are unique and well formed', () => {
  const ids = CATALOG.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const e of CATALOG) {
    assert.match(e.id, /^[a-z0-9-]+\.[a-z0-9-]+$/, e.id);
    assert.ok((RESOURCE_KINDS as readonly string[]).includes(e.kind), `${e.id}: kind ${e.kind}`);
    assert.ok((e.js?.length ?? 0) + (e.python?.length ?? 0) > 0, `${e.id}: no binding in any language`);
    assert.ok(e.js === undefined || e.js.every((b) => b.module && b.exports.length > 0), `${e.id}: JS bindings`);
    assert.ok(e.python === undefined || e.python.every((p) => p.module && p.names.length > 0), `${e.id}: Python bindings`);
  }
});

// Python bindings have their own table: test/scan-python/catalog.test.ts.
for (const entry of CATALOG.filter((e) => e.js?.length)) {
  test(`catalog ${entry.id}: positive fixture, exact positions`, () => {
    const file = fixtureFor(entry.id, false);
    assert.ok(file && existsSync(file), `missing fixture test/fixtures/ts/catalog/${entry.id}.ts`);
    const expected = markersIn(file, entry.id);
    assert.ok(expected.some((m) => m.catalogId === entry.id), `${entry.id}: the fixture marks no use of the entry`);
    const got = ws.analyzeFile(file).filter((f) => f.kind !== 'secret').map((f) => ({ catalogId: f.catalogId, line: f.line, column: f.column }));
    const order = (a: { line: number; column: number }, b: { line: number; column: number }) => a.line - b.line || a.column - b.column;
    assert.deepEqual(got.sort(order), expected.sort(order));
  });
  test(`catalog ${entry.id}: near-miss negative fixture finds nothing`, () => {
    const file = fixtureFor(entry.id, true);
    assert.ok(file && existsSync(file), `missing fixture test/fixtures/ts/catalog/${entry.id}.negative.ts`);
    assert.deepEqual(ws.analyzeFile(file).map((f) => `${f.catalogId}@${f.line}:${f.column}`), []);
  });
}

test('docs/scanner.md lists every catalog entry', async () => {
  const { readFileSync } = await import('node:fs');
  const { REPO_ROOT } = await import('../helpers/paths.js');
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'scanner.md'), 'utf8');
  for (const e of CATALOG) assert.ok(doc.includes(`| \`${e.id}\` |`), `docs/scanner.md does not list ${e.id}`);
  for (const h of ['## Statuses and diagnostic rules', '## How a use is checked', '## Resolution rules', '## Hard-coded secrets', '### Adding an integration']) assert.ok(doc.includes(h), `docs/scanner.md lacks "${h}"`);
});
