import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compilePolicy, evaluate, loadPolicyFile, parseOperation } from '../../gateway/policy/index.js';
import { AdminApiError, GatewayAdmin, collectionOf, type AuditRecord } from '../../client/core/admin-api.js';
import { adminTokenFor, adminUrlFor, cliScriptFor, envFileFor, gatewayLaunch, parseEnvFile } from '../../client/core/launch.js';
import { auditFilters, auditHtml, escapeHtml } from '../../client/core/audit-view.js';
import { EXAMPLE_POLICY } from '../helpers/paths.js';
import { startAdmin } from './admin-server.js';

const TOKEN = 'test-admin-token-5b1f';
const policy = loadPolicyFile(EXAMPLE_POLICY, { resolveSecrets: false }).policy!;
const AUDIT: AuditRecord[] = [
  { id: 'a1', ts_start: '2026-11-27T12:00:00Z', chain: 'support-bot', connection: 'openai', operation: 'POST /v1/chat/completions', decision: 'allow', rule: 'support chats with OpenAI', status: 200, latency_ms: 12 },
  { id: 'a2', ts_start: '2026-11-27T12:00:01Z', chain: 'support-bot', connection: 'openai', operation: 'POST /v1/files', decision: 'deny', rule: 'nobody fine-tunes from a chain', status: 403, latency_ms: 1 },
];

test('an access request goes pending → approved for 1h → a grant → revoked, over real HTTP', async (t) => {
  const admin = await startAdmin(policy, TOKEN);
  t.after(() => admin.close());
  const developer = new GatewayAdmin(admin.url, TOKEN, 'dev-ana');
  const approver = new GatewayAdmin(`${admin.url}/`, TOKEN, 'lead-bo');
  assert.equal(await developer.healthy(), true);

  const filed = await developer.fileRequest({ chain: 'support-bot', connection: 'orders-db', operation: 'write public.refunds', reason: 'refund flow' });
  assert.match(filed.id, /^req_/);
  assert.equal(filed.status, 'pending');
  const pending = await approver.requests('pending');
  assert.deepEqual(pending.map((r) => [r.id, r.operation, r.reason]), [[filed.id, 'write public.refunds', 'refund flow']]);

  // Nobody answers their own request, even with the admin token: the gateway's code comes through.
  await assert.rejects(developer.approve(filed.id, { for: '1h' }), (e: unknown) => e instanceof AdminApiError && e.code === 'CW_ERR_SELF_APPROVAL' && e.status === 403);
  const approved = await approver.approve(filed.id, { for: '1h' });
  assert.equal(approved.status, 'approved');
  const grants = await approver.grants();
  assert.equal(grants.length, 1);
  assert.equal(grants[0]!.operation, 'write public.refunds');
  assert.deepEqual(await approver.revoke(grants[0]!.id), { id: grants[0]!.id, revoked: true });
  assert.deepEqual(await approver.grants(), []);
  assert.ok(admin.seen.includes(`POST /v1/requests/${filed.id}/approve`));
});

test('held calls are listed pending and denied with a reason under /v1/approvals', async (t) => {
  const admin = await startAdmin(policy, TOKEN);
  t.after(() => admin.close());
  const op = parseOperation(policy, 'orders-db', 'write public.orders');
  const decision = evaluate(compilePolicy(policy, []), { chain: 'support-bot', groups: [], connection: 'orders-db', operation: op as never });
  assert.equal(decision.effect, 'approve');
  const held = admin.service.createCall({ chain: 'support-bot', subject: 'key:support-bot#1', groups: [], runId: null, connection: 'orders-db', operation: 'write public.orders', summary: { sql: 'UPDATE orders SET x = $1' }, decision });
  const api = new GatewayAdmin(admin.url, TOKEN, 'lead-bo');
  const list = await api.pendingApprovals();
  assert.deepEqual(list.map((a) => a.id), [held.id]);
  await assert.rejects(api.deny(held.id, ''), (e: unknown) => e instanceof AdminApiError && e.status === 400 && /reason/.test(e.message));
  const denied = await api.deny(held.id, 'use staging');
  assert.equal(denied.status, 'denied');
  assert.deepEqual(await api.pendingApprovals(), []);
});

test('a wrong token is a 401 with the admin API message; an unreachable gateway says so', async (t) => {
  const admin = await startAdmin(policy, TOKEN);
  t.after(() => admin.close());
  await assert.rejects(new GatewayAdmin(admin.url, 'wrong').pendingApprovals(), (e: unknown) => e instanceof AdminApiError && e.status === 401 && !e.message.includes('wrong'));
  await admin.close();
  const gone = new GatewayAdmin(admin.url, TOKEN);
  assert.equal(await gone.healthy(), false);
  await assert.rejects(gone.grants(), (e: unknown) => e instanceof AdminApiError && e.status === 0 && /cannot reach/.test(e.message));
});

test('audit: filters travel as query parameters and records come back', async (t) => {
  const admin = await startAdmin(policy, TOKEN, AUDIT);
  t.after(() => admin.close());
  const api = new GatewayAdmin(admin.url, TOKEN);
  const denied = await api.audit(auditFilters({ chain: 'support-bot', decision: 'deny', connection: '', extra: 'ignored' }));
  assert.deepEqual(denied.map((r) => r.id), ['a2']);
  assert.ok(admin.seen.includes('GET /v1/audit?limit=200&chain=support-bot&decision=deny'), admin.seen.join('\n'));
});

test('audit filters: unknown decisions and keys dropped, limit bounded', () => {
  assert.deepEqual(auditFilters({ decision: 'explode', limit: 10_000, since: ' 1h ' }), { limit: 1000, since: '1h' });
  assert.deepEqual(auditFilters('nonsense'), { limit: 200 });
});

test('audit page escapes every value and carries the nonce', () => {
  const html = auditHtml({ records: [{ ...AUDIT[0]!, operation: '<img src=x onerror=alert(1)>' }], filters: { chain: '"><script>' }, at: new Date(0), nonce: 'N0NCE', cspSource: 'vscode-resource:' });
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('value="&quot;&gt;&lt;script&gt;"'));
  assert.equal((html.match(/<script nonce="N0NCE">/g) ?? []).length, 1);
  assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
});

test('launch: the extension host runtime as Node, the policy beside, the data-plane port', () => {
  const l = gatewayLaunch({ policyFile: EXAMPLE_POLICY, policy, cliScript: '/x/cli.cjs', runtime: '/opt/code/code', env: { PATH: '/bin' }, probe: async () => true });
  assert.equal(l.command, '/opt/code/code');
  assert.deepEqual(l.args, ['/x/cli.cjs', 'gateway', '--policy', EXAMPLE_POLICY]);
  assert.equal(l.cwd, dirname(EXAMPLE_POLICY));
  assert.equal(l.env.ELECTRON_RUN_AS_NODE, '1');
  assert.equal(l.port, 8790);
  assert.equal(adminUrlFor(null, policy), 'http://127.0.0.1:8791');
  assert.equal(adminUrlFor(' http://127.0.0.1:9999/ ', policy), 'http://127.0.0.1:9999');
  assert.equal(cliScriptFor(null, undefined, '/bundled/cli.cjs'), '/bundled/cli.cjs');
  assert.equal(cliScriptFor('/mine.js', '/ws', '/b'), '/mine.js');
});

test('admin token: SecretStorage first, else a file: reference beside the policy, never env:', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-tok-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(dirname(EXAMPLE_POLICY), dir, { recursive: true });
  const copy = loadPolicyFile(join(dir, 'chainwarden.yaml'), { resolveSecrets: false }).policy!;
  const fileToken = readFileSync(join(dir, '.dev-keys', 'admin.token'), 'utf8').trim();
  assert.equal(adminTokenFor(undefined, copy), fileToken);
  assert.equal(adminTokenFor('stored', copy), 'stored');
  const envRef = { ...copy, gateway: { ...copy.gateway, adminToken: { source: 'env:CW_ADMIN', parts: [{ env: 'CW_ADMIN' }] } } };
  assert.equal(adminTokenFor(undefined, envRef), undefined);
  assert.equal(adminTokenFor(undefined, undefined), undefined);
});

test('ids choose their collection', () => {
  assert.equal(collectionOf('req_abc'), 'requests');
  assert.equal(collectionOf('apr_abc'), 'approvals');
});

test('env file: dotenv lines for the gateway; the process environment wins', (t) => {
  assert.deepEqual(parseEnvFile('# secrets\nA=1\nexport B = "two words"\nC=\'x#y\'\nD=plain # comment\nnot a line\n\nE="a\\nb"\n'), { A: '1', B: 'two words', C: 'x#y', D: 'plain', E: 'a\nb' });
  const dir = mkdtempSync(join(tmpdir(), 'cw-env-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const policyFile = join(dir, 'chainwarden.yaml');
  writeFileSync(join(dir, 'gateway.env'), 'OPENAI_API_KEY=from-file\nTAVILY_API_KEY=t\n');
  assert.equal(envFileFor('', policyFile), join(dir, 'gateway.env'));
  assert.equal(envFileFor('secrets/.env', policyFile), join(dir, 'secrets/.env'));
  const l = gatewayLaunch({ policyFile, policy, cliScript: 'cli', runtime: 'node', env: { OPENAI_API_KEY: 'from-env' }, envFile: envFileFor(null, policyFile), probe: async () => true });
  assert.equal(l.env.OPENAI_API_KEY, 'from-env');
  assert.equal(l.env.TAVILY_API_KEY, 't');
  assert.equal(gatewayLaunch({ policyFile, policy, cliScript: 'cli', runtime: 'node', env: {}, envFile: join(dir, 'missing.env'), probe: async () => true }).env.TAVILY_API_KEY, undefined);
});
