/**
 * Who may use the admin API: the admin token (an operator naming the person acting), or an OIDC
 * token whose groups include an approver group. Also: a caller that leaves while held, and
 * `chainwarden approvals --watch` following the queue.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { CLI } from '../helpers/paths.js';

const ISSUER = 'https://idp.approvals.test';
const KEYS = { bot: 'cw-admin-auth-bot-key-00000000001', admin: 'cw-admin-auth-admin-token-0000002', upstream: 'sk-admin-auth-upstream-0000000003' };
let priv: CryptoKey;
let upstream: Server;
let forwarded = 0;
let gw: RunningGateway;
let dir: string;

before(async () => {
  const pair = await generateKeyPair('RS256');
  priv = pair.privateKey;
  upstream = createServer((_req, res) => {
    forwarded++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  dir = mkdtempSync(join(tmpdir(), 'cw-admin-auth-'));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
  writeFileSync(
    join(dir, 'chainwarden.yaml'),
    `version: 1
gateway: { listen: 127.0.0.1:0, admin: 127.0.0.1:0, store: sqlite:state.db, adminToken: env:CW_B_ADMIN }
identity:
  keys: [ { chain: bot, key: env:CW_B_BOT } ]
  oidc: { issuer: ${ISSUER}, audience: chainwarden, jwks: "file:jwks.json" }
chains: { bot: {} }
connections:
  api:
    type: http
    upstream: http://127.0.0.1:${(upstream.address() as AddressInfo).port}
    auth: { inject: { header: authorization, value: "Bearer \${env:CW_B_UPSTREAM}" } }
rules:
  - name: deletes need a lead
    chains: [bot]
    connection: api
    approve: { ops: ["DELETE /v1/**"], approvers: [group:leads], timeout: 30s }
`,
  );
  gw = await startGateway({ policyFile: join(dir, 'chainwarden.yaml'), env: { CW_B_BOT: KEYS.bot, CW_B_ADMIN: KEYS.admin, CW_B_UPSTREAM: KEYS.upstream }, watch: false });
});

after(async () => {
  await gw.close();
  upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function person(sub: string, groups: string[]): Promise<string> {
  return new SignJWT({ groups }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject(sub).setIssuer(ISSUER).setAudience('chainwarden').setIssuedAt().setExpirationTime('5m').sign(priv);
}

async function adminCall(method: string, path: string, auth: string | null, body?: unknown): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Bearer ${auth}`;
  const r = await fetch(`${gw.adminUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

/** Holds one call without waiting for it, and returns the approval id. */
async function hold(): Promise<string> {
  const r = await fetch(`${gw.url}/api/v1/things/1`, { method: 'DELETE', headers: { authorization: `Bearer ${KEYS.bot}`, 'x-chainwarden-wait': '0' } });
  assert.equal(r.status, 403);
  const id = /apr_\w+/.exec(((await r.json()) as any).error.message)?.[0];
  assert.ok(id);
  return id!;
}

test('every admin route needs authentication: 401 without it, 403 for a token outside the approver groups', async () => {
  const id = await hold();
  assert.equal((await adminCall('GET', '/v1/approvals', null)).status, 401);
  assert.equal((await adminCall('GET', '/v1/approvals', 'not-a-token')).status, 401);
  assert.equal((await adminCall('GET', '/v1/audit', null)).status, 401);
  const outsider = await adminCall('POST', `/v1/approvals/${id}/approve`, await person('mallory@example.com', ['eng']), { once: true });
  assert.equal(outsider.status, 403);
  assert.equal(outsider.json.error.code, 'CW_ERR_ADMIN_FORBIDDEN');
  const expired = await new SignJWT({ groups: ['leads'] }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('x').setIssuer(ISSUER).setAudience('chainwarden').setIssuedAt(1).setExpirationTime(2).sign(priv);
  assert.equal((await adminCall('GET', '/v1/approvals', expired)).status, 401);
});

test('an OIDC token in an approver group answers as itself; it may not read the audit trail', async () => {
  const id = await hold();
  const lead = await person('lee@example.com', ['leads']);
  const listed = await adminCall('GET', '/v1/approvals?status=pending', lead);
  assert.equal(listed.status, 200);
  assert.ok(listed.json.approvals.some((a: any) => a.id === id));
  const ok = await adminCall('POST', `/v1/approvals/${id}/approve`, lead, { once: true });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.decided_by, 'lee@example.com');
  assert.equal((await adminCall('GET', '/v1/audit', lead)).status, 403, 'audit and reload are for the operator token');
});

test('a caller that disconnects while held leaves the approval pending, and nothing is forwarded', async () => {
  const before = forwarded;
  const ac = new AbortController();
  const call = fetch(`${gw.url}/api/v1/things/2`, { method: 'DELETE', headers: { authorization: `Bearer ${KEYS.bot}` }, signal: ac.signal }).catch((e: Error) => e);
  let pending: any;
  for (let i = 0; i < 200 && !pending; i++) {
    pending = (await adminCall('GET', '/v1/approvals?status=pending', KEYS.admin)).json.approvals.find((a: any) => a.summary.path === '/v1/things/2');
    if (!pending) await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(pending, 'the call is held');
  ac.abort();
  assert.ok((await call) instanceof Error);
  const after = await adminCall('GET', `/v1/approvals/${pending.id}`, KEYS.admin);
  assert.equal(after.json.status, 'pending');
  // Approving it later releases nothing: the caller is gone.
  assert.equal((await adminCall('POST', `/v1/approvals/${pending.id}/approve`, await person('lee@example.com', ['leads']), { once: true })).status, 200);
  await new Promise((r) => setImmediate(r));
  assert.equal(forwarded, before);
});

test('chainwarden approvals --watch prints new approvals as they arrive and stops on SIGINT', async () => {
  const child = spawn(process.execPath, [CLI, 'approvals', '--watch', '--as', 'ops'], { env: { ...process.env, CHAINWARDEN_ADMIN_URL: gw.adminUrl, CHAINWARDEN_ADMIN_TOKEN: KEYS.admin } });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 400 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(out, re);
  };
  await waitFor(/watching pending approvals/);
  const id = await hold();
  await waitFor(new RegExp(`\\+ ${id} bot → api "DELETE /v1/things/1" \\(rule "deletes need a lead", approvers group:leads\\)`));
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});
