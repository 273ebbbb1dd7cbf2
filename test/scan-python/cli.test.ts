/** `chainwarden scan` through the real bin over a mixed repository: TypeScript and Python findings in one JSON document and one SARIF log. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';

const HELPDESK = join(FIXTURES, 'py', 'apps', 'helpdesk');
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

test('scan --format json: one document with both languages, equal to the API result', () => {
  const r = runCli(['scan', HELPDESK, '--format', 'json'], { cwd: REPO_ROOT });
  assert.equal(r.status, 1, r.stderr); // error-level findings (unapproved, secrets)
  const doc = JSON.parse(r.stdout) as { version: number; findings: Array<{ file: string; catalogId: string | null; status: string }> };
  assert.equal(doc.version, 1);
  const exts = new Set(doc.findings.map((f) => f.file.slice(f.file.lastIndexOf('.'))));
  assert.deepEqual([...exts].sort(), ['.ipynb', '.py', '.ts']);
  assert.ok(doc.findings.some((f) => f.file === 'web/src/chat.ts' && f.catalogId === 'http.fetch' && f.status === 'bypass'));
  assert.ok(doc.findings.some((f) => f.file === 'agents/graph.py' && f.catalogId === 'tavily.search' && f.status === 'bypass'));
  assert.deepEqual(doc, JSON.parse(readFileSync(join(HELPDESK, 'expected.json'), 'utf8')));
});

test('scan --format sarif over the mixed repository is valid SARIF 2.1.0 (official schema)', () => {
  const r = runCli(['scan', HELPDESK, '--format', 'sarif'], { cwd: REPO_ROOT });
  assert.equal(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
  const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  // The official schema is draft-04; Ajv 8 reads it once its `id` is named `$id`.
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  assert.ok(validate(log), ajv.errorsText(validate.errors));
  const uris = log.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri);
  assert.ok(uris.includes('notebooks/explore.ipynb') && uris.includes('agents/graph.py') && uris.includes('web/src/chat.ts'));
  // The validator really checks: a broken log is rejected.
  assert.equal(validate({ version: '2.1.0', runs: [{ results: [{ ruleId: 1 }] }] }), false);
});

test('scan of one .py file: text output, positions relative to the current directory', () => {
  const r = runCli(['scan', 'agents/graph.py', '--policy', 'chainwarden.yaml'], { cwd: HELPDESK });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^agents\/graph\.py:17:10: warning: TavilySearch \(tavily\) calls https:\/\/api\.tavily\.com directly/m);
  assert.match(r.stdout, /^agents\/graph\.py:24:12: error: requests\.get calls https:\/\/crm\.internal\.example\/api\/customers/m);
});
