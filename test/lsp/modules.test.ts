/** The language server's plain modules, without a client: queue, conversions, settings, edits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CancellationToken } from 'vscode-languageserver';
import { parsePolicy, type Connection, type HttpConnection, type PostgresConnection } from '../../gateway/policy/index.js';
import type { Finding } from '../../server/scan/types.js';
import { ValidationQueue } from '../../server/lsp/queue.js';
import { effectiveSeverity, findingToDiagnostic, policyDiagnosticToLsp, toLspRange } from '../../server/lsp/convert.js';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/lsp/settings.js';
import { applyOffsetEdit, setConnectionCredential } from '../../server/lsp/policy-edit.js';
import { routeThroughGatewayEdits, secretToEnvEdit } from '../../server/lsp/source-edits.js';
import { applyTextEdits, minimalEdit } from '../../server/lsp/text-edits.js';
import { FixRecords } from '../../server/lsp/fix-record.js';
import { FIXTURES } from '../helpers/paths.js';

const finding = (over: Partial<Finding>): Finding => ({
  file: 'src/a.ts', line: 1, column: 1, endLine: 1, endColumn: 5, kind: 'chat_model', provider: 'openai', target: null, chain: 'c', connection: 'openai',
  status: 'bypass', rule: null, severity: 'warning', message: 'm', code: 'CW002', catalogId: 'openai.chat', ...over,
});

test('ValidationQueue: versions scheduled together run once, with the newest version', async () => {
  const runs: Array<[string, number | null]> = [];
  const q = new ValidationQueue((key, version) => void runs.push([key, version]), () => 0, (_k, e) => assert.fail(String(e)));
  q.schedule('a', 1);
  q.schedule('b', 1);
  q.schedule('a', 2);
  q.schedule('a', 3);
  await q.idle();
  assert.deepEqual(runs, [['b', 1], ['a', 3]]);
});

test('ValidationQueue: a newer version cancels the running validation of an older one', async () => {
  const tokens: Array<[number | null, CancellationToken]> = [];
  let release!: () => void;
  let markStarted!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  const q = new ValidationQueue(
    async (_key, version, token) => {
      tokens.push([version, token]);
      if (version === 1) {
        markStarted();
        await new Promise<void>((r) => (release = r));
      }
    },
    () => 0,
    (_k, e) => assert.fail(String(e)),
  );
  q.schedule('a', 1);
  await started;
  q.schedule('a', 2);
  assert.equal(tokens[0]![1].isCancellationRequested, true, 'the running v1 was cancelled');
  release();
  await q.idle();
  assert.deepEqual(tokens.map(([v]) => v), [1, 2]);
  assert.equal(tokens[1]![1].isCancellationRequested, false);
});

test('ValidationQueue: a runner that throws reports and the queue goes on', async () => {
  const errors: string[] = [];
  const ran: string[] = [];
  const q = new ValidationQueue((key) => { if (key === 'bad') throw new Error('boom'); ran.push(key); }, () => 0, (k, e) => errors.push(`${k}: ${(e as Error).message}`));
  q.schedule('bad', 1);
  q.schedule('good', 1);
  await q.idle();
  assert.deepEqual(errors, ['bad: boom']);
  assert.deepEqual(ran, ['good']);
});

test('conversions: 1-based exclusive ranges become 0-based LSP ranges', () => {
  const table: Array<[[number, number, number, number], unknown]> = [
    [[1, 1, 1, 5], { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }],
    [[3, 23, 6, 3], { start: { line: 2, character: 22 }, end: { line: 5, character: 2 } }],
    [[2, 7, 2, 3], { start: { line: 1, character: 6 }, end: { line: 1, character: 6 } }], // an inverted span collapses
  ];
  for (const [[line, column, endLine, endColumn], want] of table) assert.deepEqual(toLspRange({ line, column, endLine, endColumn }), want);
});

test('conversions: severity from the finding, settings override per status, "off" publishes nothing', () => {
  const s = normalizeSettings({ severity: { bypass: 'error', secret: 'hint', approved: 'info', nonsense: 'error', unknown: 'loud' } });
  assert.deepEqual(s.severity, { bypass: 'error', secret: 'hint', approved: 'info' });
  assert.equal(effectiveSeverity(finding({}), DEFAULT_SETTINGS), 'warning');
  assert.equal(effectiveSeverity(finding({}), s), 'error');
  assert.equal(effectiveSeverity(finding({ code: 'CW003', kind: 'secret', status: 'unapproved', severity: 'error' }), s), 'hint', 'secrets have their own key');
  assert.equal(findingToDiagnostic(finding({ status: 'approved', code: 'CW006', severity: 'off' }), DEFAULT_SETTINGS), null);
  const d = findingToDiagnostic(finding({ status: 'approved', code: 'CW006', severity: 'off' }), normalizeSettings({ ...s, docsBaseUrl: 'https://docs.example/rules' }))!;
  assert.equal(d.severity, 3);
  assert.equal(d.codeDescription!.href, 'https://docs.example/rules/CW006.md');
  assert.equal(d.source, 'chainwarden');
  const p = policyDiagnosticToLsp({ file: 'x', line: 2, column: 3, endLine: 2, endColumn: 9, severity: 'error', message: 'bad', code: 'CW_POLICY_SHAPE' }, DEFAULT_SETTINGS);
  assert.match(p.codeDescription!.href, /\/docs\/policy\.md#errors$/);
});

test('settings: wrong types fall back to defaults', () => {
  assert.deepEqual(normalizeSettings(null), DEFAULT_SETTINGS);
  const s = normalizeSettings({ policyPath: 42, gatewayAdminUrl: 'http://127.0.0.1:9/', debounceMs: -5, trace: { server: 'verbose' } });
  assert.deepEqual([s.policyPath, s.gatewayAdminUrl, s.debounceMs, s.trace.server], [null, 'http://127.0.0.1:9', 0, 'verbose']);
});

const POLICY = `# test policy
version: 1
connections:
  openai:
    type: http
    upstream: https://api.openai.com
    provider: openai
    auth:
      caller: bearer   # chains send their key
  claude:
    type: http
    upstream: https://api.anthropic.com
    provider: anthropic
    auth: { caller: x-api-key, inject: { header: x-api-key, value: "\${env:OLD_KEY}" } }
  bare:
    type: http
    upstream: https://api.tavily.com
    provider: tavily
  db:
    type: postgres
    listen: 127.0.0.1:15432
    upstream: postgres://u@127.0.0.1:5432/app
    credential: { password: 'env:OLD_PW' }
rules: []
`;

test('policy edits: one targeted edit per case, comments and layout kept, result valid', () => {
  const policy = parsePolicy(POLICY, '/tmp/chainwarden.yaml').policy!;
  assert.ok(policy, 'the fixture policy is valid');
  const table: Array<[string, string, string, (c: Connection) => string]> = [
    ['openai', 'NEW_KEY', '      caller: bearer   # chains send their key\n      inject: { header: authorization, value: "Bearer ${env:NEW_KEY}" }\n', (c) => (c as HttpConnection).auth.inject!.value.source],
    ['claude', 'NEW_KEY', 'inject: { header: x-api-key, value: "${env:NEW_KEY}" } }', (c) => (c as HttpConnection).auth.inject!.value.source],
    ['bare', 'TAVILY_API_KEY', '    provider: tavily\n    auth: { inject: { header: authorization, value: "Bearer ${env:TAVILY_API_KEY}" } }\n', (c) => (c as HttpConnection).auth.inject!.value.source],
    ['db', 'NEW_PW', "credential: { password: 'env:NEW_PW' }", (c) => (c as PostgresConnection).credential.password!.source],
  ];
  const want: Record<string, string> = { openai: 'Bearer ${env:NEW_KEY}', claude: '${env:NEW_KEY}', bare: 'Bearer ${env:TAVILY_API_KEY}', db: 'env:NEW_PW' };
  for (const [name, env, snippet, read] of table) {
    const r = setConnectionCredential(POLICY, policy.connections[name]!, env);
    assert.ok('edit' in r, `${name}: ${JSON.stringify(r)}`);
    const text = applyOffsetEdit(POLICY, r.edit);
    assert.ok(text.includes(snippet), `${name}:\n${text}`);
    assert.ok(text.startsWith('# test policy\n'), 'the comment survives');
    const again = parsePolicy(text, '/tmp/chainwarden.yaml');
    assert.deepEqual(again.diagnostics, [], name);
    assert.equal(read(again.policy!.connections[name]!), want[name]);
    // Only the edited connection's text differs.
    const lines = (t: string) => t.split('\n').filter((l) => !l.includes(env));
    assert.ok(lines(text).every((l) => POLICY.includes(l)), `${name}: unrelated lines changed`);
  }
  assert.deepEqual(setConnectionCredential('a: [', policy.connections.openai!, 'X'), { error: 'chainwarden.yaml has syntax errors; fix them first' });
});

test('source edits: route through the gateway replaces or inserts the base URL and the key', () => {
  const table: Array<{ name: string; text: string; f: Partial<Finding>; want: string }> = [
    {
      name: 'multi-line options with a trailing comma, nested property absent, key absent',
      text: "const m = new ChatOpenAI({\n  model: 'gpt-4o',\n});\n",
      f: { fix: { optionsRange: { line: 1, column: 26, endLine: 3, endColumn: 2 }, baseUrlProperty: 'configuration.baseURL', gatewayBaseUrl: 'http://127.0.0.1:8790/openai/v1' } },
      want: "const m = new ChatOpenAI({\n  model: 'gpt-4o',\n  configuration: { baseURL: 'http://127.0.0.1:8790/openai/v1' },\n  apiKey: process.env.CHAINWARDEN_KEY,\n});\n",
    },
    {
      name: 'one-line options with a trailing nested object',
      text: "new ChatOpenAI({ model: 'x', configuration: { timeout: 5 } });",
      f: { fix: { optionsRange: { line: 1, column: 16, endLine: 1, endColumn: 61 }, baseUrlProperty: 'configuration.baseURL', gatewayBaseUrl: 'http://g/openai/v1' } },
      want: "new ChatOpenAI({ model: 'x', configuration: { timeout: 5, baseURL: 'http://g/openai/v1' }, apiKey: process.env.CHAINWARDEN_KEY });",
    },
    {
      name: 'base URL and key written: both replaced',
      text: 'new ChatAnthropic({ anthropicApiUrl: "https://api.anthropic.com", apiKey: process.env.ANTHROPIC_API_KEY });',
      f: { catalogId: 'anthropic.chat', fix: { baseUrlRange: { line: 1, column: 38, endLine: 1, endColumn: 65 }, apiKeyRange: { line: 1, column: 75, endLine: 1, endColumn: 104 }, gatewayBaseUrl: 'http://g/anthropic' } },
      want: 'new ChatAnthropic({ anthropicApiUrl: "http://g/anthropic", apiKey: process.env.CHAINWARDEN_KEY });',
    },
    {
      name: 'multi-line options without a trailing comma',
      text: "new ChatOpenAI({\n    model: 'x'\n});",
      f: { fix: { optionsRange: { line: 1, column: 16, endLine: 3, endColumn: 2 }, baseUrlProperty: 'configuration.baseURL', gatewayBaseUrl: 'http://g/openai/v1' } },
      want: "new ChatOpenAI({\n    model: 'x',\n    configuration: { baseURL: 'http://g/openai/v1' },\n    apiKey: process.env.CHAINWARDEN_KEY\n});",
    },
  ];
  for (const c of table) {
    const edits = routeThroughGatewayEdits(c.text, 'a.ts', finding(c.f));
    assert.ok(edits, c.name);
    assert.equal(applyTextEdits(c.text, edits), c.want, c.name);
  }
  assert.equal(routeThroughGatewayEdits('x', 'a.ts', finding({ fix: {} })), null, 'nothing recorded → no action');
});

test('source edits: a secret literal becomes an env reference; a template with substitutions is left alone', () => {
  const text = "const k = 'sk-abc';\nconst t = `sk-${x}`;";
  const e = secretToEnvEdit(text, finding({ kind: 'secret', fix: { secretRange: { line: 1, column: 11, endLine: 1, endColumn: 19 } } }), 'OPENAI_API_KEY');
  assert.equal(applyTextEdits(text, [e!]), "const k = process.env.OPENAI_API_KEY;\nconst t = `sk-${x}`;");
  assert.equal(secretToEnvEdit(text, finding({ kind: 'secret', fix: { secretRange: { line: 2, column: 11, endLine: 2, endColumn: 20 } } }), 'X'), null);
});

test('text edits: minimal edit round-trips', () => {
  const table: Array<[string, string]> = [['abc', 'abXc'], ['line1\nline2\n', 'line1\nnew\nline2\n'], ['same', 'same'], ['', 'x'], ['x\r\ny', 'x\r\nz']];
  for (const [a, b] of table) {
    const e = minimalEdit(a, b);
    assert.equal(e ? applyTextEdits(a, [e]) : a, b);
  }
});

test('fix records: only the recorded version answers; the innermost finding wins a hover', () => {
  const r = new FixRecords();
  const outer = finding({ line: 1, column: 1, endLine: 5, endColumn: 1 });
  const inner = finding({ line: 2, column: 3, endLine: 2, endColumn: 9, code: 'CW003' });
  r.set({ uri: 'file:///a.ts', version: 4, entries: [{ finding: outer, diagnostic: null }, { finding: inner, diagnostic: null }] });
  assert.equal(r.at('file:///a.ts', 4, { line: 1, character: 4 })?.finding.code, 'CW003');
  assert.equal(r.at('file:///a.ts', 4, { line: 3, character: 0 })?.finding, outer);
  assert.equal(r.at('file:///a.ts', 5, { line: 1, character: 4 }), undefined, 'a newer document version has no record yet');
});

test('the test fixture policy is valid', () => {
  const text = readFileSync(join(FIXTURES, 'lsp-project', 'chainwarden.yaml'), 'utf8');
  assert.deepEqual(parsePolicy(text, 'chainwarden.yaml').diagnostics, []);
});

test('project: an invalid policy edit is reported and the last valid policy stays in force', async () => {
  const { Project } = await import('../../server/lsp/project.js');
  const dir = mkdtempSync(join(tmpdir(), 'cw-lsp-project-'));
  try {
    cpSync(join(FIXTURES, 'lsp-project'), dir, { recursive: true });
    const p = new Project(dir, normalizeSettings({ policyPath: 'chainwarden.yaml' }), {});
    assert.equal(p.policyFile, join(dir, 'chainwarden.yaml'));
    assert.equal(p.updatePolicy(), 'applied');
    assert.equal(p.updatePolicy(), 'unchanged', 'the same text is not parsed again');
    const valid = p.policy;
    const broken = readFileSync(p.policyFile!, 'utf8').replace('connection: openai', 'connection: nope');
    assert.equal(p.updatePolicy(broken), 'rejected');
    assert.equal(p.policy, valid);
    assert.ok(p.policyDiagnostics.some((d) => d.code === 'CW_POLICY_UNKNOWN_CONNECTION' && d.message.includes('nope')), JSON.stringify(p.policyDiagnostics));
    assert.equal(p.updatePolicy(readFileSync(p.policyFile!, 'utf8')), 'applied');
    assert.deepEqual(p.policyDiagnostics, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('request access: a gateway without the endpoint (404) falls back to a file; a refusal (403) is an error without the token', async () => {
  const { requestAccess } = await import('../../server/lsp/request-access.js');
  const dir = mkdtempSync(join(tmpdir(), 'cw-lsp-request-'));
  let status = 404;
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'chainwarden_admin_error', code: status === 403 ? 'CW_ERR_NOT_APPROVER' : 'CW_ERR_NOT_FOUND', message: status === 403 ? 'not allowed' : 'no route' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    cpSync(join(FIXTURES, 'lsp-project'), dir, { recursive: true });
    const policy = parsePolicy(readFileSync(join(dir, 'chainwarden.yaml'), 'utf8'), join(dir, 'chainwarden.yaml')).policy!;
    const adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const req = { chain: 'support-bot', connection: 'anthropic', operation: 'POST /v1/messages', reason: 'r' };
    const filed = await requestAccess(req, { policy, adminUrl, env: {} });
    assert.equal(filed.via, 'file');
    assert.match(filed.message, /does not take access requests \(HTTP 404\)/);
    assert.deepEqual(JSON.parse(readFileSync(filed.path!, 'utf8')).operation, 'POST /v1/messages');
    status = 403;
    await assert.rejects(requestAccess(req, { policy, adminUrl, env: {} }), (e: Error) => e.message === 'not allowed' && !e.message.includes('test-admin-token'));
  } finally {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});
