/** `chainwarden scan` through the real bin: the example project, the JSON contract, SARIF against the official schema. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { CLI, FIXTURES, REPO_ROOT } from '../helpers/paths.js';

const require = createRequire(import.meta.url);
const DESIGN_FIELDS = ['file', 'line', 'column', 'endLine', 'endColumn', 'kind', 'provider', 'target', 'chain', 'connection', 'status', 'rule', 'severity', 'message'];

function scan(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'scan', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, CHAINWARDEN_POLICY: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('scan examples/support-bot --format json: the inventory in DESIGN.md shape', () => {
  const r = scan(['examples/support-bot', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ['version', 'findings']);
  assert.equal(doc.version, 1);
  for (const f of doc.findings) assert.deepEqual(Object.keys(f).slice(0, DESIGN_FIELDS.length), DESIGN_FIELDS);
  const pick = (f: Record<string, unknown>) => ({ file: f.file, line: f.line, column: f.column, kind: f.kind, provider: f.provider, target: f.target, chain: f.chain, connection: f.connection, status: f.status, rule: f.rule, severity: f.severity });
  assert.deepEqual(doc.findings.map(pick), [
    { file: 'src/agent.ts', line: 14, column: 21, kind: 'http', provider: 'api.openai.com', target: 'https://api.openai.com/v1/models', chain: 'support-bot', connection: 'openai', status: 'bypass', rule: null, severity: 'warning' },
    { file: 'src/model.ts', line: 5, column: 26, kind: 'chat_model', provider: 'openai', target: 'http://127.0.0.1:8790/openai/v1', chain: 'support-bot', connection: 'openai', status: 'approved', rule: 'support chats with OpenAI', severity: 'off' },
    { file: 'src/tools/orders.ts', line: 6, column: 14, kind: 'sql', provider: 'postgres', target: 'postgres://support-bot@127.0.0.1:15432/test', chain: 'support-bot', connection: 'orders-db', status: 'approved', rule: 'support reads orders', severity: 'off' },
    { file: 'src/tools/search.ts', line: 4, column: 26, kind: 'tool', provider: 'tavily', target: 'https://api.tavily.com', chain: 'support-bot', connection: 'tavily', status: 'bypass', rule: null, severity: 'warning' },
  ]);
  assert.match(doc.findings[3].message, /directly instead of through the gateway.*http:\/\/127\.0\.0\.1:8790\/tavily/);
  assert.match(doc.findings[2].message, /read is allowed by rule "support reads orders"/);
});

test('scan text output: problems with positions and codes, then the inventory; exit 0 without errors', () => {
  const r = scan(['examples/support-bot']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /^src\/agent\.ts:14:21: warning: .* \[CW002\]$/);
  assert.match(lines[1]!, /^src\/tools\/search\.ts:4:26: warning: TavilySearch .* \[CW002\]$/);
  assert.equal(lines[2], '4 resource uses: 2 approved, 2 bypass');
});

test('scan exits 1 on an error-level finding and never prints a secret', () => {
  const r = scan([join(FIXTURES, 'ts', 'apps', 'ops-bot')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /src\/agent\.ts:8:64: error: Hard-coded OpenAI API key \(sk-… \(42 chars\)\)/);
  assert.doesNotMatch(r.stdout + r.stderr, /Zx81Qm2Lw0Rt7Yp4Kd9Vb3Nc6Hs5Jf1Ga8|hunter2/);
  const json = scan([join(FIXTURES, 'ts', 'apps', 'ops-bot'), '--format', 'json']);
  assert.doesNotMatch(json.stdout, /Zx81Qm2Lw0Rt7Yp4Kd9Vb3Nc6Hs5Jf1Ga8|hunter2/);
});

test('scan usage errors exit 2', () => {
  assert.equal(scan(['examples/support-bot', '--format', 'xml']).code, 2);
  assert.equal(scan(['no/such/dir']).code, 2);
  assert.equal(scan(['examples/support-bot', '--policy', 'no-such.yaml']).code, 2);
});

test('scan --format sarif is valid SARIF 2.1.0 (official schema) with rule metadata', () => {
  const out = execFileSync(process.execPath, [CLI, 'scan', 'examples/support-bot', '--format', 'sarif'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const log = JSON.parse(out);
  const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8'));
  // The official schema is draft-04; Ajv 8 reads it as draft-07 once its draft-04 `id` is named `$id`.
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const Ajv = require('ajv').default;
  const addFormats = require('ajv-formats').default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  // A log that breaks the schema is rejected (the validator is really checking).
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
  const run = log.runs[0];
  const rules = run.tool.driver.rules;
  assert.deepEqual(rules.map((r: { id: string }) => r.id), ['CW001', 'CW002', 'CW003', 'CW004', 'CW005', 'CW006']);
  for (const r of rules) {
    assert.ok(r.name && r.shortDescription.text && r.help.text);
    assert.match(r.helpUri, new RegExp(`docs/rules/${r.id}\\.md$`));
  }
  assert.equal(run.results.length, 4);
  const bypass = run.results.find((x: { ruleId: string }) => x.ruleId === 'CW002');
  assert.equal(bypass.level, 'warning');
  assert.deepEqual(bypass.locations[0].physicalLocation.region, { startLine: 14, startColumn: 21, endLine: 14, endColumn: 134 });
  assert.equal(bypass.locations[0].physicalLocation.artifactLocation.uri, 'src/agent.ts');
  assert.equal(rules[bypass.ruleIndex].id, 'CW002');
});

test('scan of staged files (pre-commit): paths relative to the working directory, imports still followed', () => {
  const r = spawnSync(process.execPath, [CLI, 'scan', 'src/model.ts', 'src/tools/search.ts', '--format', 'json'], { cwd: join(REPO_ROOT, 'examples', 'support-bot'), encoding: 'utf8', env: { ...process.env, CHAINWARDEN_POLICY: '' } });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.findings.map((f: { file: string; status: string; target: string }) => [f.file, f.status, f.target]), [
    ['src/model.ts', 'approved', 'http://127.0.0.1:8790/openai/v1'],
    ['src/tools/search.ts', 'bypass', 'https://api.tavily.com'],
  ]);
});
