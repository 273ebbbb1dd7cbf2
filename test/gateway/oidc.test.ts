/** OIDC tokens at the gateway: a local JWKS server with jose-generated keys; each bad token gets its answer, rotation works, refetch is rate-limited. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { fakeOpenAI, type FakeUpstream } from './fakes.js';
import { gatewayFor, policyYaml } from './setup.js';
import type { RunningGateway } from '../../gateway/gateway.js';
import { OidcVerifier } from '../../gateway/identity/oidc.js';
import { isIdentity } from '../../gateway/identity/identity.js';

const ISSUER = 'https://idp.test.local';
const AUDIENCE = 'chainwarden';
type Key = { kid: string; priv: CryptoKey; jwk: JWK };

let k1: Key, k2: Key, k3: Key;
let published: Key[] = [];
let fetches = 0;
let jwksServer: Server;
let jwksUrl: string;
let upstream: FakeUpstream;
let gw: RunningGateway;
let stop: () => Promise<void>;

async function key(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, priv: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function token(k: Key, claims: Record<string, unknown> = {}, opts: { iss?: string; aud?: string; exp?: number | string } = {}): Promise<string> {
  return new SignJWT({ chain: 'support-bot', groups: ['support'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: k.kid })
    .setSubject('alice@example.com')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(k.priv);
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

before(async () => {
  [k1, k2, k3] = await Promise.all([key('k1'), key('k2'), key('k3')]);
  published = [k1];
  jwksServer = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  upstream = await fakeOpenAI();
  const identityExtra = `  oidc:
    issuer: ${ISSUER}
    audience: ${AUDIENCE}
    jwks: ${jwksUrl}
    chainHeaderGroups: [platform]
    clockSkew: 30s`;
  const rulesExtra = `  - name: data engineers list models
    groups: [data-eng]
    connection: openai
    allow: ["GET /v1/models"]`;
  ({ gw, stop } = await gatewayFor(policyYaml({ openaiUrl: upstream.url, identityExtra, rulesExtra }), { oidc: { cooldownMs: 1500 } }));
});

after(async () => {
  await stop();
  await upstream.close();
  jwksServer.closeAllConnections();
  await new Promise((r) => jwksServer.close(r));
});

async function call(jwt: string, path = '/openai/v1/echo', headers: Record<string, string> = {}): Promise<{ status: number; code?: string; message?: string }> {
  const r = await fetch(`${gw.url}${path}`, { method: path.endsWith('models') ? 'GET' : 'POST', headers: { authorization: `Bearer ${jwt}`, ...headers }, body: path.endsWith('models') ? undefined : '{}' });
  const body = (await r.json()) as { error?: { code: string; message: string } };
  return { status: r.status, code: body.error?.code, message: body.error?.message };
}

test('a valid token: chain from its claim', async () => {
  const r = await call(await token(k1));
  assert.equal(r.status, 200);
  assert.equal(fetches, 1);
});

test('expired, wrong audience, wrong issuer, alg none: each refused with its reason', async () => {
  const now = Math.floor(Date.now() / 1000);
  const expired = await call(await token(k1, {}, { exp: now - 120 }));
  assert.deepEqual([expired.status, expired.code], [401, 'CW_ERR_EXPIRED_TOKEN']);
  const withinSkew = await call(await token(k1, {}, { exp: now - 5 }));
  assert.equal(withinSkew.status, 200, 'a token expired 5 s ago is inside the 30 s clock skew');
  const aud = await call(await token(k1, {}, { aud: 'someone-else' }));
  assert.deepEqual([aud.status, aud.code], [401, 'CW_ERR_INVALID_CREDENTIAL']);
  assert.match(aud.message!, /"aud" claim/);
  const iss = await call(await token(k1, {}, { iss: 'https://evil.test' }));
  assert.deepEqual([iss.status, iss.code], [401, 'CW_ERR_INVALID_CREDENTIAL']);
  assert.match(iss.message!, /"iss" claim/);
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', chain: 'support-bot', iss: ISSUER, aud: AUDIENCE, exp: now + 300 })}.`;
  const n = await call(none);
  assert.deepEqual([n.status, n.code], [401, 'CW_ERR_INVALID_CREDENTIAL']);
});

test('an unknown kid is refused and does not refetch the keys within the cooldown', async () => {
  const before = fetches;
  const a = await call(await token(k3));
  const b = await call(await token(k3));
  assert.deepEqual([a.status, a.code, b.status], [401, 'CW_ERR_INVALID_CREDENTIAL', 401]);
  assert.match(a.message!, /key the issuer does not publish/);
  assert.equal(fetches, before, 'rate-limited: no refetch right after a fetch');
});

test('key rotation: a token with a new kid makes the keys be fetched again', async () => {
  published = [k2];
  await new Promise((r) => setTimeout(r, 1600)); // past the cooldown
  const before = fetches;
  const r = await call(await token(k2));
  assert.equal(r.status, 200);
  assert.equal(fetches, before + 1);
  const old = await call(await token(k1));
  assert.equal(old.status, 401, 'the retired key no longer verifies');
});

test('groups from the token; chain from x-chainwarden-chain only for chainHeaderGroups', async () => {
  const person = await token(k2, { chain: undefined, groups: ['data-eng'] });
  assert.equal((await call(person, '/openai/v1/models')).status, 200, 'a group rule applies to a token without a chain');
  assert.equal((await call(person, '/openai/v1/echo')).status, 403);
  const refused = await call(person, '/openai/v1/echo', { 'x-chainwarden-chain': 'support-bot' });
  assert.deepEqual([refused.status, refused.code], [401, 'CW_ERR_INVALID_CREDENTIAL']);
  const platform = await token(k2, { chain: undefined, groups: ['platform'] });
  assert.equal((await call(platform, '/openai/v1/echo', { 'x-chainwarden-chain': 'support-bot' })).status, 200);
  const rec = gw.store.queryAudit({ limit: 1 })[0]!;
  assert.equal(rec.chain, 'support-bot');
  assert.equal(rec.subject, 'alice@example.com');
  assert.deepEqual(rec.groups, ['platform']);
});

test('a file: JWKS verifies and is re-read for an unknown kid', async () => {
  const dir = join(process.env.TMPDIR ?? '/tmp');
  const file = join(dir, `cw-jwks-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ keys: [k1.jwk] }));
  const v = new OidcVerifier({ issuer: ISSUER, audience: [AUDIENCE], jwks: `file:${file}`, groupsClaim: 'groups', chainClaim: 'chain', chainHeaderGroups: [], clockSkewMs: 0 }, join(dir, 'x.yaml'), { cooldownMs: 0 });
  const ok = await v.verify(await token(k1), null);
  assert.ok(isIdentity(ok) && ok.chain === 'support-bot');
  writeFileSync(file, JSON.stringify({ keys: [k2.jwk] }));
  const rotated = await v.verify(await token(k2), null);
  assert.ok(isIdentity(rotated));
  unlinkSync(file);
});
