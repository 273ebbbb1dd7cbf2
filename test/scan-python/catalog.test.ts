/**
 * Table-driven from the catalog: every entry with Python bindings has a positive fixture
 * (test/fixtures/py/catalog/<id>.py) whose caret comments give the exact positions of the expected findings,
 * and a near-miss negative (<id>.negative.py) that must produce no finding. A new entry without fixtures fails here.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG } from '../../server/catalog/index.js';
import { Workspace } from '../../server/scan/api.js';
import { FIXTURES } from '../helpers/paths.js';
import { pyMarkersIn } from './markers.js';

const DIR = join(FIXTURES, 'py', 'catalog');
const ws = new Workspace({ root: DIR });
before(() => ws.ready());

const order = (a: { line: number; column: number }, b: { line: number; column: number }) => a.line - b.line || a.column - b.column;

test('every Python binding names a module and at least one name; names are claimed once', () => {
  for (const e of CATALOG) for (const b of e.python ?? []) assert.ok(b.module && b.names.length && b.names.every((n) => n.length > 0), e.id);
});

for (const entry of CATALOG.filter((e) => e.python?.length)) {
  test(`python catalog ${entry.id}: positive fixture, exact positions`, () => {
    const file = join(DIR, `${entry.id}.py`);
    assert.ok(existsSync(file), `missing fixture test/fixtures/py/catalog/${entry.id}.py`);
    const expected = pyMarkersIn(file, entry.id);
    assert.ok(expected.some((m) => m.catalogId === entry.id), `${entry.id}: the fixture marks no use of the entry`);
    const got = ws.analyzeFile(file).filter((f) => f.kind !== 'secret').map((f) => ({ catalogId: f.catalogId, line: f.line, column: f.column }));
    assert.deepEqual(got.sort(order), expected.sort(order));
  });
  test(`python catalog ${entry.id}: near-miss negative fixture finds nothing`, () => {
    const file = join(DIR, `${entry.id}.negative.py`);
    assert.ok(existsSync(file), `missing fixture test/fixtures/py/catalog/${entry.id}.negative.py`);
    assert.deepEqual(ws.analyzeFile(file).map((f) => `${f.catalogId}@${f.line}:${f.column}`), []);
  });
}
