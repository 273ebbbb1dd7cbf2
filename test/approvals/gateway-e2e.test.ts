/**
 * Approvals and masking end to end: the real ChatOpenAI → the gateway → a fake OpenAI upstream on
 * loopback, with people answering through the real `chainwarden` CLI against the admin API.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatOpenAI } from '@langchain/openai';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import type { AuditRecord } from '../../gateway/store/types.js';
import { CLI } from '../helpers/paths.js';

const KEYS = { support: 'cw-e2e-support-key-0000000000001', pii: 'cw-e2e-pii-key-00000000000000002', admin: 'cw-e2e-admin-token-000000000003', openai: 'sk-e2e-upstream-secret-000000004' };
const ENV = { CW_A_SUPPORT: KEYS.support, CW_A_PII: KEYS.pii, CW_A_ADMIN: KEYS.admin, CW_A_OPENAI: KEYS.openai };
const CARD = '4111 1111 1111 1111';
const SSN = '123-45-6789';
/** The reply a "pii" model gives; streamed word by word so the card number crosses SSE events. */
const PII_REPLY = `Your card ${CARD} and SSN ${SSN} are on file.`;

let upstream: Server;
let upstreamUrl = '';
const seen: string[] = [];
let gw: RunningGateway;
let dir: string;

before(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      const parsed = body ? JSON.parse(body) : {};
      const content = parsed.model === 'pii' ? PII_REPLY : 'ok';
      const base = { id: 'c1', created: 1, model: parsed.model ?? 'x' };
      if (!parsed.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of content.match(/.{1,3}/gs) ?? []) {
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: piece }, finish_reason: null, logprobs: null }] })}\n\n`);
        await new Promise((r) => setImmediate(r));
      }
      res.end(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }] })}\n\ndata: [DONE]\n\n`);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'cw-approvals-'));
  writeFileSync(
    join(dir, 'chainwarden.yaml'),
    `version: 1
gateway: { listen: 127.0.0.1:0, admin: 127.0.0.1:0, store: sqlite:state.db, adminToken: env:CW_A_ADMIN }
identity:
  keys:
    - { chain: support-bot, key: env:CW_A_SUPPORT }
    - { chain: pii-bot, key: env:CW_A_PII }
chains: { support-bot: {}, pii-bot: {} }
connections:
  openai:
    type: http
    upstream: ${upstreamUrl}
    auth: { caller: bearer, inject: { header: authorization, value: "Bearer \${env:CW_A_OPENAI}" } }
    mask: [ { detector: credit_card }, { detector: us_ssn } ]
rules:
  - name: chat needs a lead
    chains: [support-bot]
    connection: openai
    approve: { ops: ["POST /v1/chat/completions"], approvers: [group:leads], ttl: 1h, timeout: 10s }
  - name: pii bot chats
    chains: [pii-bot]
    connection: openai
    allow: ["POST /v1/chat/completions"]
`,
  );
  gw = await startGateway({ policyFile: join(dir, 'chainwarden.yaml'), env: ENV, watch: false });
});

after(async () => {
  await gw.close();
  upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

const chat = (key: string, headers: Record<string, string> = {}) => new ChatOpenAI({ model: 'gpt-x', apiKey: key, maxRetries: 0, configuration: { baseURL: `${gw.url}/openai/v1`, defaultHeaders: headers } });

/** A promise's outcome, captured at once so a rejection is never left unhandled while the test acts. */
function settled<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  return p.then((value) => ({ ok: true as const, value }), (error: Error) => ({ ok: false as const, error }));
}

/** The real CLI, asynchronously: the gateway it talks to runs in this process. */
function cli(args: string[], as: string | null = 'alice'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, ...(as ? ['--as', as] : [])], { env: { ...process.env, CHAINWARDEN_ADMIN_URL: gw.adminUrl, CHAINWARDEN_ADMIN_TOKEN: KEYS.admin }, cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function admin(method: string, path: string, body?: unknown, as = 'alice'): Promise<{ status: number; json: any }> {
  const r = await fetch(`${gw.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${KEYS.admin}`, 'x-chainwarden-actor': as, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

/** Polls (never a fixed sleep) for the one new pending approval. */
async function nextPending(known: Set<string>): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const { json } = await admin('GET', '/v1/approvals?status=pending');
    const fresh = json.approvals.find((a: any) => !known.has(a.id));
    if (fresh) {
      known.add(fresh.id);
      return fresh;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('no pending approval appeared');
}

/** Approvals created by calls that did not wait stay pending; they are not the next test's. */
async function forgetPending(): Promise<void> {
  for (const a of (await admin('GET', '/v1/approvals?status=pending')).json.approvals) known.add(a.id);
}

async function records(): Promise<AuditRecord[]> {
  return (await admin('GET', '/v1/audit?limit=1000')).json.records;
}

const known = new Set<string>();

test('a held call completes after "chainwarden approve --once", with the approver in the audit record', async () => {
  const call = chat(KEYS.support).invoke('hello');
  const pending = await nextPending(known);
  assert.equal(pending.chain, 'support-bot');
  assert.equal(pending.operation, 'POST /v1/chat/completions');
  assert.equal(pending.summary.model, 'gpt-x');
  assert.ok(!JSON.stringify(pending).includes(KEYS.support), 'no credential in the approval');
  const listed = await cli(['approvals']);
  assert.match(listed.stdout, new RegExp(pending.id));
  const r = await cli(['approve', pending.id, '--once']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /approved .* once by admin:alice/);
  const reply = await call;
  assert.equal(reply.content, 'ok');
  const rec = (await records()).find((x) => x.approval_id === pending.id);
  assert.equal(rec?.approver, 'admin:alice');
  assert.equal(rec?.decision, 'approve');
  assert.equal(rec?.status, 200);
});

test('a denied call fails with the approver\'s reason in the LangChain error; nothing reaches the upstream', async () => {
  const before = seen.length;
  const call = settled(chat(KEYS.support).invoke('hello'));
  const pending = await nextPending(known);
  const r = await cli(['deny', pending.id, '--reason', 'use the staging project']);
  assert.equal(r.code, 0, r.stderr);
  const outcome = await call;
  assert.ok(!outcome.ok && /approval \S+ denied by admin:alice: use the staging project/.test(outcome.error.message), String(!outcome.ok && outcome.error.message));
  assert.equal(seen.length, before);
});

test('a call nobody answers times out cleanly with approval_timeout', async () => {
  const call = settled(chat(KEYS.support).invoke('hello'));
  const pending = await nextPending(known);
  const outcome = await call;
  assert.ok(!outcome.ok && /not answered in time/.test(outcome.error.message));
  const { json } = await admin('GET', `/v1/approvals/${pending.id}`);
  assert.equal(json.status, 'expired');
  const late = await cli(['approve', pending.id]);
  assert.equal(late.code, 1);
  assert.match(late.stderr, /CW_ERR_ALREADY_DECIDED|CW_ERR_APPROVAL_EXPIRED/);
});

test('two approvers racing: one wins, the other gets 409', async () => {
  const call = settled(chat(KEYS.support).invoke('hello'));
  const pending = await nextPending(known);
  const [a, b] = await Promise.all([admin('POST', `/v1/approvals/${pending.id}/approve`, { once: true }, 'alice'), admin('POST', `/v1/approvals/${pending.id}/deny`, { reason: 'no' }, 'bob')]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409]);
  const loser = a.status === 409 ? a : b;
  assert.equal(loser.json.error.code, 'CW_ERR_ALREADY_DECIDED');
  const outcome = await call;
  assert.equal(outcome.ok, a.status === 200, 'the call follows whoever won');
});

test('x-chainwarden-wait: 0 answers approval_required at once; the retry with the approved id goes through once', async () => {
  const headers = { authorization: `Bearer ${KEYS.support}`, 'content-type': 'application/json', 'x-chainwarden-wait': '0' };
  const body = JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
  const first = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', headers, body });
  assert.equal(first.status, 403);
  const err = ((await first.json()) as any).error;
  assert.equal(err.type, 'approval_required');
  const id = /approval (apr_\w+) is pending/.exec(err.message)?.[1];
  assert.ok(id, err.message);
  known.add(id!);
  assert.equal((await cli(['approve', id!, '--once'])).code, 0);
  const retry = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { ...headers, 'x-chainwarden-approval': id! }, body });
  assert.equal(retry.status, 200);
  const again = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { ...headers, 'x-chainwarden-approval': id! }, body });
  assert.equal(again.status, 403, 'a once-approval releases one call');
});

test('approve --for 6s grants the chain the operation, visible in policy explain, until it expires', async () => {
  const call = chat(KEYS.support).invoke('hello');
  const pending = await nextPending(known);
  const r = await cli(['approve', pending.id, '--for', '6s']);
  assert.equal(r.code, 0, r.stderr);
  await call;
  // Within the grant: no approval needed.
  const quick = chat(KEYS.support, { 'x-chainwarden-wait': '0' });
  assert.equal((await quick.invoke('again')).content, 'ok');
  const explained = await cli(['policy', 'explain', '--chain', 'support-bot', '--connection', 'openai', '--op', 'POST /v1/chat/completions'], null);
  assert.match(explained.stdout, /grant grt_\w+ by admin:alice allows/);
  const grants = await cli(['grants']);
  assert.match(grants.stdout, /support-bot\s+openai\s+POST \/v1\/chat\/completions/);
  // Poll until the grant has expired by itself (bounded), then the next call is held again.
  for (let i = 0; i < 100 && (await admin('GET', '/v1/grants')).json.grants.some((g: any) => g.approval_id === pending.id); i++) await new Promise((res) => setTimeout(res, 100));
  await assert.rejects(quick.invoke('later'), (e: Error) => /approval .* is pending/.test(e.message));
  await forgetPending();
});

test('a revoked grant stops at once', async () => {
  const call = chat(KEYS.support).invoke('hello');
  const pending = await nextPending(known);
  await cli(['approve', pending.id, '--for', '10m']);
  await call;
  const { json } = await admin('GET', '/v1/grants');
  const grant = json.grants.find((g: any) => g.approval_id === pending.id);
  assert.equal((await cli(['revoke', grant.id])).code, 0);
  await assert.rejects(chat(KEYS.support, { 'x-chainwarden-wait': '0' }).invoke('x'), /approval_required|is pending/);
  await forgetPending();
});

test('access requests: self-approval is refused; another person approves; the patch shows the rule to commit', async () => {
  const req = await cli(['request', '--chain', 'pii-bot', '--connection', 'openai', '--op', 'GET /v1/models', '--reason', 'list models'], 'bob');
  assert.equal(req.code, 0, req.stderr);
  const id = /requested (req_\w+)/.exec(req.stdout)?.[1];
  assert.ok(id);
  const self = await cli(['approve', id!, '--for', '1h'], 'bob');
  assert.equal(self.code, 1);
  assert.match(self.stderr, /CW_ERR_SELF_APPROVAL/);
  const ok = await cli(['approve', id!, '--for', '1h'], 'alice');
  assert.equal(ok.code, 0, ok.stderr);
  const patch = await cli(['request', 'show', id!, '--patch']);
  assert.match(patch.stdout, /^\+ {2}- name: "pii-bot GET \/v1\/models on openai/m);
});

test('masking: card numbers and SSNs never reach the chain, in JSON or in a stream split across events', async () => {
  const model = new ChatOpenAI({ model: 'pii', apiKey: KEYS.pii, maxRetries: 0, configuration: { baseURL: `${gw.url}/openai/v1` } });
  const whole = await model.invoke('hi');
  assert.ok(!String(whole.content).includes(CARD) && !String(whole.content).includes(SSN), String(whole.content));
  assert.match(String(whole.content), /4111 \*\*\*\* \*\*\*\* 1111/);
  let streamed = '';
  for await (const c of await model.stream('hi')) streamed += String(c.content);
  assert.ok(!streamed.includes(CARD.replace(/ /g, '')) && !streamed.includes(CARD) && !streamed.includes(SSN), streamed);
  assert.match(streamed, /\*\*\*-\*\*-6789/);
  const masked = (await records()).filter((r) => r.chain === 'pii-bot' && r.status === 200);
  assert.ok(masked.length >= 2);
  for (const r of masked) assert.deepEqual(r.masked, { credit_card: 1, us_ssn: 1 });
  assert.ok(!JSON.stringify(await records()).includes(CARD), 'no masked value in the audit trail');
});
