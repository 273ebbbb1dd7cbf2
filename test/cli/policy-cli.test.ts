import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { EXAMPLE_DIR, EXAMPLE_POLICY } from '../helpers/paths.js';
import { commands } from '../../gateway/cli/registry.js';

test('policy check on the example exits 0', () => {
  const r = runCli(['policy', 'check', '--policy', EXAMPLE_POLICY]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /chainwarden\.yaml: ok/);
});

test('policy check finds chainwarden.yaml in the directory or above', () => {
  const r = runCli(['policy', 'check'], { cwd: join(EXAMPLE_DIR, 'src', 'tools') });
  assert.equal(r.status, 0, r.stderr);
});

test('policy check prints one FILE:LINE:COL line per mistake and exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-cli-'));
  const text = readFileSync(EXAMPLE_POLICY, 'utf8')
    .replace('sources: ["src/**"]', 'sorces: ["src/**"]')
    .replace('upstream: https://api.tavily.com', 'upstream: api.tavily.com')
    .replace('connection: tavily', 'connection: tavilly');
  writeFileSync(join(dir, 'chainwarden.yaml'), text);
  const r = runCli(['policy', 'check'], { cwd: dir });
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n').filter((l) => / error: /.test(l));
  assert.deepEqual(lines, [
    'chainwarden.yaml:19:5: error: unknown key "sorces" in a chain (did you mean "sources"?); expected one of owner, description, sources',
    'chainwarden.yaml:36:15: error: expected an http(s) URL, e.g. "https://api.openai.com", got "api.tavily.com"',
    'chainwarden.yaml:63:17: error: unknown connection "tavilly" (did you mean "tavily"?); connections are declared under "connections:"',
  ]);
});

test('policy check --strict-secrets reports unset env references', () => {
  const r = runCli(['policy', 'check', '--strict-secrets', '--policy', EXAMPLE_POLICY], { env: { OPENAI_API_KEY: '', TAVILY_API_KEY: 'x', ORDERS_DB_PASSWORD: 'y' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /chainwarden\.yaml:\d+:\d+: error: environment variable OPENAI_API_KEY is not set/);
});

test('policy explain: allow with the rule', () => {
  const r = runCli(['policy', 'explain', '--policy', EXAMPLE_POLICY, '--chain', 'support-bot', '--connection', 'openai', '--op', 'POST /v1/chat/completions']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ALLOW: chain support-bot → openai "POST \/v1\/chat\/completions"/);
  assert.match(r.stdout, /rule: support chats with OpenAI/);
});

test('policy explain: deny names the denying rule, or the default deny', () => {
  const denied = runCli(['policy', 'explain', '--policy', EXAMPLE_POLICY, '--chain', 'support-bot', '--connection', 'openai', '--op', 'POST /v1/files', '--json']);
  assert.equal(denied.status, 1);
  const j = JSON.parse(denied.stdout);
  assert.equal(j.decision, 'deny');
  assert.equal(j.rule, 'nobody fine-tunes from a chain');
  const none = runCli(['policy', 'explain', '--policy', EXAMPLE_POLICY, '--chain', 'ticket-triage', '--connection', 'tavily', '--op', 'POST /search']);
  assert.equal(none.status, 1);
  assert.match(none.stdout, /no rule matched \(default deny\)/);
});

test('policy explain never prints a secret value', () => {
  const r = runCli(['policy', 'explain', '--policy', EXAMPLE_POLICY, '--chain', 'support-bot', '--connection', 'openai', '--op', 'POST /v1/chat/completions', '--json'], { env: { OPENAI_API_KEY: 'sk-live-0123456789abcdef' } });
  assert.ok(!r.stdout.includes('sk-live') && !r.stderr.includes('sk-live'));
});

test('usage errors exit 2 with the usage line', () => {
  const r = runCli(['policy', 'explain', '--policy', EXAMPLE_POLICY, '--chain', 'support-bot', '--connection', 'openai', '--op', 'SEND /x']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--op: unknown HTTP method "SEND"/);
  assert.match(r.stderr, /usage: chainwarden policy explain/);
  assert.equal(runCli(['policy', 'explain', '--bogus']).status, 2);
  const unknown = runCli(['polcy', 'check']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command/);
  const typo = runCli(['policy', 'explain', '--policy', EXAMPLE_POLICY, '--chain', 'support-bot', '--connection', 'opena', '--op', 'GET /']);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /unknown connection "opena" \(did you mean "openai"\?\)/);
});

test('--version and --help for every verb', () => {
  const v = runCli(['--version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+$/);
  const overview = runCli(['--help']);
  assert.equal(overview.status, 0);
  for (const c of commands) {
    assert.ok(overview.stdout.includes(c.name), `overview lists ${c.name}`);
    const h = runCli([...c.name.split(' '), '--help']);
    assert.equal(h.status, 0, `${c.name} --help`);
    assert.match(h.stdout, new RegExp(`^chainwarden ${c.name}`));
    for (const opt of Object.keys(c.options)) assert.ok(h.stdout.includes(`--${opt}`), `${c.name} --help documents --${opt}`);
  }
});

test('a missing policy file is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-cli-'));
  mkdirSync(join(dir, 'sub'));
  const r = runCli(['policy', 'check', '--policy', 'nope.yaml'], { cwd: dir });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nope\.yaml:1:1: error: cannot read the policy: no such file/);
});

test('policy explain shows grants from the state store, until they expire', async () => {
  const { openSqlite } = await import('../../gateway/store/sqlite-driver.js');
  const { SqliteApprovalRepo } = await import('../../gateway/store/approvals-sqlite.js');
  const dir = mkdtempSync(join(tmpdir(), 'cw-grants-'));
  const policyText = readFileSync(EXAMPLE_POLICY, 'utf8').replace('store: sqlite:.chainwarden/state.db', 'store: sqlite:state.db').replaceAll('file:.dev-keys', `file:${join(EXAMPLE_DIR, '.dev-keys')}`);
  writeFileSync(join(dir, 'chainwarden.yaml'), policyText);
  const db = openSqlite(join(dir, 'state.db'));
  const repo = new SqliteApprovalRepo(db);
  repo.insertGrant({ id: 'grt_live', chain: 'ticket-triage', connection: 'tavily', operation: 'POST /search', expiresAt: Date.now() + 3_600_000, grantedBy: 'alice', approvalId: 'req_1', createdAt: Date.now(), revokedAt: null });
  repo.insertGrant({ id: 'grt_old', chain: 'ticket-triage', connection: 'openai', operation: 'POST /v1/audio/speech', expiresAt: Date.now() - 1, grantedBy: 'alice', approvalId: 'req_2', createdAt: Date.now() - 10, revokedAt: null });
  db.close();
  const args = ['policy', 'explain', '--chain', 'ticket-triage'];
  const live = runCli([...args, '--connection', 'tavily', '--op', 'POST /search'], { cwd: dir });
  assert.equal(live.status, 0, live.stderr);
  assert.match(live.stdout, /^ALLOW/);
  assert.match(live.stdout, /grant: grt_live/);
  assert.match(live.stdout, /grant grt_live by alice allows "POST \/search" until /);
  const expired = runCli([...args, '--connection', 'openai', '--op', 'POST /v1/audio/speech'], { cwd: dir });
  assert.equal(expired.status, 1);
  assert.match(expired.stdout, /default deny/);
  const fileOnly = runCli([...args, '--connection', 'tavily', '--op', 'POST /search', '--no-grants'], { cwd: dir });
  assert.equal(fileOnly.status, 1);
});

test('scan: an explicit --policy is relative to the working directory, not the scanned folder', () => {
  const r = runCli(['scan', 'examples/support-bot', '--policy', 'examples/support-bot/chainwarden.yaml', '--format', 'json'], { cwd: join(EXAMPLE_DIR, '..', '..') });
  assert.equal(r.status, 0, r.stderr);
  const findings = JSON.parse(r.stdout).findings as Array<{ status: string }>;
  assert.ok(findings.some((f) => f.status === 'approved') && findings.some((f) => f.status === 'bypass'));
});
