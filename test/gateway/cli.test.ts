/** The gateway and audit verbs through the real bin: start, serve, log decisions, drain on SIGTERM, read the audit trail. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { CLI } from '../helpers/paths.js';
import { fakeOpenAI, type FakeUpstream } from './fakes.js';
import { ENV, KEYS, policyYaml, tempPolicy } from './setup.js';
import { spawnGateway } from './child.js';

const exec = promisify(execFile);
let upstream: FakeUpstream;
let policy: ReturnType<typeof tempPolicy>;
const env = { ...process.env, ...ENV };

before(async () => {
  upstream = await fakeOpenAI();
  policy = tempPolicy(policyYaml({ openaiUrl: upstream.url, extraGateway: '  timeouts: { drain: 8s }' }));
});

after(async () => {
  await upstream.close();
  policy.cleanup();
});

test('gateway: prints where it listens, logs decisions, drains in-flight calls on SIGTERM', async () => {
  const g = await spawnGateway(policy.file, env);
  const headers = { authorization: `Bearer ${KEYS.support}` };
  const ok = await fetch(`${g.url}/openai/v1/models`, { headers });
  assert.equal(ok.status, 200);
  await ok.arrayBuffer();
  const denied = await fetch(`${g.url}/openai/v1/fine_tuning/jobs`, { method: 'POST', headers, body: '{}' });
  assert.equal(denied.status, 403);
  await denied.arrayBuffer();
  // A slow call is in flight when the signal comes: it still completes.
  const slow = fetch(`${g.url}/openai/v1/slow`, { headers });
  await new Promise((r) => setTimeout(r, 300));
  g.child.kill('SIGTERM');
  const slowRes = await slow;
  assert.equal(slowRes.status, 200);
  assert.deepEqual(await slowRes.json(), { slow: true });
  assert.equal(await g.exit, 0);
  const log = g.stderr();
  assert.match(log, /^flag chain=support-bot connection=openai op="GET \/v1\/models" status=200 ms=\d+\.\d rule="support chats" flagged id=/m);
  assert.match(log, /^deny chain=support-bot connection=openai op="POST \/v1\/fine_tuning\/jobs" status=403 ms=\d+\.\d rule="nobody fine-tunes" code=CW_ERR_DENIED id=/m);
  assert.match(log, /^allow chain=support-bot connection=openai op="GET \/v1\/slow" status=200 /m);
  assert.match(log, /stopping; draining/);
  assert.match(g.stdout(), /postgres: orders-db on 127\.0\.0\.1:\d+/, 'the postgres listener is announced');
  for (const secret of Object.values(KEYS)) assert.ok(!log.includes(secret), 'no secret in the log');
});

test('audit: text table and JSON, filtered', async () => {
  const { stdout: json } = await exec(process.execPath, [CLI, 'audit', '--policy', policy.file, '--json', '--chain', 'support-bot', '--since', '1h'], { env });
  const records = (JSON.parse(json) as { records: Array<{ operation: string; decision: string }> }).records;
  assert.deepEqual(records.map((r) => `${r.decision} ${r.operation}`).sort(), ['allow GET /v1/slow', 'deny POST /v1/fine_tuning/jobs', 'flag GET /v1/models']);
  const { stdout: text } = await exec(process.execPath, [CLI, 'audit', '--policy', policy.file, '--limit', '1'], { env });
  const lines = text.trim().split('\n');
  assert.match(lines[0]!, /^TIME\s+DECISION\s+CHAIN\s+CONNECTION\s+OPERATION\s+STATUS\s+MS/);
  assert.equal(lines.length, 2);
  await assert.rejects(exec(process.execPath, [CLI, 'audit', '--policy', policy.file, '--since', 'yesterday'], { env }), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 2);
    assert.match(e.stderr, /since: expected a duration/);
    return true;
  });
});

test('gateway: an unset env: secret is a start-up error with file:line:col', async () => {
  const { CW_T_OPENAI: _drop, ...rest } = env;
  await assert.rejects(exec(process.execPath, [CLI, 'gateway', '--policy', policy.file], { env: rest }), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 1);
    assert.match(e.stderr, /chainwarden\.yaml:\d+:\d+: error: .*CW_T_OPENAI/);
    return true;
  });
});

test('gateway: a changed policy is reloaded; an invalid one keeps the old policy', async () => {
  const g = await spawnGateway(policy.file, env);
  const headers = { authorization: `Bearer ${KEYS.other}` };
  try {
    assert.equal((await fetch(`${g.url}/openai/v1/models`, { headers })).status, 403);
    writeFileSync(policy.file, policyYaml({ openaiUrl: upstream.url, rulesExtra: '  - name: other lists models\n    chains: [other]\n    connection: openai\n    allow: ["GET /v1/models"]' }));
    await until(async () => (await fetch(`${g.url}/openai/v1/models`, { headers })).status === 200);
    writeFileSync(policy.file, 'version: 1\nrules: [ {name: broken');
    await until(async () => /policy change rejected/.test(g.stderr()));
    assert.match(g.stderr(), /chainwarden\.yaml:\d+:\d+: error/);
    assert.equal((await fetch(`${g.url}/openai/v1/models`, { headers })).status, 200, 'the previous policy stays in force');
  } finally {
    g.child.kill('SIGINT');
    assert.equal(await g.exit, 0);
  }
});

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
