/**
 * TLS from the client to the gateway, with an OIDC-style token as the password (cleartext inside
 * TLS): the token goes to the resolver's TokenVerifier, and its groups reach the policy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import pg from 'pg';
import { IdentityResolver, type TokenVerifier } from '../../gateway/identity/identity.js';
import { startHarness, type Harness } from './harness.js';

const secret = new TextEncoder().encode('a test signing key of at least 32 bytes!!');
let h: Harness;
let tls: { key: Buffer; cert: Buffer };

/** Verifies HS256 tokens signed with the test key: chain and groups come from claims. */
const verifier: TokenVerifier = {
  async verify(token) {
    try {
      const { payload } = await jwtVerify(token, secret, { issuer: 'https://idp.test', audience: 'chainwarden' });
      return { chain: (payload.chain as string) ?? null, subject: String(payload.sub), groups: (payload.groups as string[]) ?? [], keyId: null, method: 'oidc', expiresAt: (payload.exp as number) * 1000 };
    } catch (e) {
      return { error: 'invalid_credential', message: (e as Error).message };
    }
  },
};

const token = (claims: Record<string, unknown>, expires: string | number = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://idp.test').setAudience('chainwarden').setSubject('alice').setExpirationTime(expires).sign(secret);

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-pg-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const policy = (port: number) => `version: 1
identity:
  keys: [ { chain: agent, key: env:CWT_KEY_AGENT } ]
chains:
  agent: { sources: ["**"] }
connections:
  db:
    type: postgres
    listen: 127.0.0.1:${port}
    upstream: postgres://postgres@127.0.0.1:5432/test
rules:
  - name: analysts read
    groups: [analysts]
    connection: db
    allow: [read]
  - name: the agent reads
    chains: [agent]
    connection: db
    allow: [read]
`;
  tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  h = await startHarness(policy, { tls });
});

after(() => h?.close());

/** A second listener on the same policy whose resolver also takes the test's tokens. */
function tokenHarness(): Promise<Harness> {
  const { policy } = h;
  const resolver = new IdentityResolver(policy, { ...process.env, CWT_KEY_AGENT: h.key }, verifier);
  return startHarness((port) => readFileSync(policy.file, 'utf8').replace(/listen: 127\.0\.0\.1:\d+/, `listen: 127.0.0.1:${port}`), { identity: resolver, tls });
}

test('over TLS a key still works (cleartext password inside TLS)', async () => {
  const c = await h.client({ ssl: { rejectUnauthorized: false } });
  assert.equal((await c.query('SELECT 1 AS one')).rows[0].one, 1);
  assert.ok((c as unknown as { connection: { stream: { encrypted?: boolean } } }).connection.stream.encrypted, 'the client leg is TLS');
});

test('a token goes to the TokenVerifier; its groups decide', async () => {
  const h2 = await tokenHarness();
  try {
    const analyst = await h2.client({ ssl: { rejectUnauthorized: false }, user: 'alice', password: await token({ groups: ['analysts'] }) });
    assert.equal((await analyst.query('SELECT 2 AS two')).rows[0].two, 2);
    const rec = h2.audit.find((r) => r.subject === 'alice');
    assert.ok(rec);
    assert.deepEqual(rec.groups, ['analysts']);
    assert.equal(rec.rule, 'analysts read');
    const outsider = await h2.client({ ssl: { rejectUnauthorized: false }, user: 'bob', password: await token({ groups: ['sales'] }) });
    await assert.rejects(outsider.query('SELECT 3'), (e: pg.DatabaseError) => e.code === '42501' && /default deny/.test(e.message));
    await assert.rejects(h2.client({ ssl: { rejectUnauthorized: false }, user: 'eve', password: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldmUifQ.bad' }), (e: pg.DatabaseError) => e.code === '28P01');
  } finally {
    await h2.close();
  }
});

test('without TLS the gateway offers SCRAM, which a token cannot satisfy', async () => {
  await assert.rejects(h.client({ password: await token({ groups: ['analysts'] }) }), (e: pg.DatabaseError) => e.code === '28P01');
});

test('a session opened with a token ends at its first statement after the token expires', async () => {
  const h2 = await tokenHarness();
  try {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const c = await h2.client({ ssl: { rejectUnauthorized: false }, user: 'alice', password: await token({ groups: ['analysts'] }, expiresAt) });
    assert.equal((await c.query('SELECT 1 AS one')).rows[0].one, 1);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt * 1000 - Date.now()) + 200));
    await assert.rejects(c.query('SELECT 2'), (e: pg.DatabaseError) => e.code === '28000' && /token this session authenticated with has expired/.test(e.message));
  } finally {
    await h2.close();
  }
});
