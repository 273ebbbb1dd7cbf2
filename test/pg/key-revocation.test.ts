/** Keys follow the policy: a reload that removes a key refuses it and ends its sessions; one that adds a key lets it in. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { IdentityResolver } from '../../gateway/identity/identity.js';
import { compilePolicy, parsePolicy, type CompiledPolicy } from '../../gateway/policy/index.js';
import { startHarness, type Harness } from './harness.js';

const policy = (port: number, keys: string) => `version: 1
identity:
  keys:
${keys}
chains:
  agent: { sources: ["**"] }
  other: { sources: ["**"] }
connections:
  db:
    type: postgres
    listen: 127.0.0.1:${port}
    upstream: postgres://postgres@127.0.0.1:5432/test
rules:
  - { name: reads, chains: [agent, other], connection: db, allow: [read] }
`;
const BOTH = '    - { chain: agent, key: env:CWT_KEY_AGENT }\n    - { chain: other, key: env:CWT_KEY_OTHER }';

test('removing a key ends its sessions at the next statement and refuses it; other sessions go on; an added key gets in', async () => {
  const keys = { CWT_KEY_AGENT: newKeyValue(), CWT_KEY_OTHER: newKeyValue(), CWT_KEY_NEW: newKeyValue() };
  const env = { ...process.env, ...keys };
  let port = 0;
  let resolver: IdentityResolver | undefined;
  let compiled: CompiledPolicy | undefined;
  const load = (keyList: string) => {
    const { policy: next, diagnostics } = parsePolicy(policy(port, keyList), '/tmp/cw-key-revocation/chainwarden.yaml', { env });
    assert.ok(next, JSON.stringify(diagnostics));
    resolver = new IdentityResolver(next, env);
    compiled = compilePolicy(next);
  };
  // The hooks read the identity resolver and the policy at each use, as the gateway's do after a reload.
  const h: Harness = await startHarness(
    (p) => {
      port = p;
      load(BOTH);
      return policy(p, BOTH);
    },
    { get identity() { return resolver!; }, compiled: () => compiled! },
    keys,
  );
  try {
    const agent = await h.client({ password: keys.CWT_KEY_AGENT });
    const other = await h.client({ user: 'other', password: keys.CWT_KEY_OTHER });
    assert.equal((await agent.query('SELECT 1 AS one')).rows[0].one, 1);

    load('    - { chain: other, key: env:CWT_KEY_OTHER }\n    - { chain: agent, key: env:CWT_KEY_NEW }');
    await assert.rejects(agent.query('SELECT 1'), (e: pg.DatabaseError) => e.code === '28000' && /no longer in the policy/.test(e.message));
    assert.equal((await other.query('SELECT 2 AS two')).rows[0].two, 2, 'the other session goes on');
    await assert.rejects(h.client({ password: keys.CWT_KEY_AGENT }), (e: pg.DatabaseError) => e.code === '28P01', 'the removed key is refused');
    const fresh = await h.client({ password: keys.CWT_KEY_NEW });
    assert.equal((await fresh.query('SELECT 3 AS three')).rows[0].three, 3, 'the added key gets in');

    // A reload that keeps a session's key changes nothing for it.
    load('    - { chain: other, key: env:CWT_KEY_OTHER }\n    - { chain: agent, key: env:CWT_KEY_NEW }\n    - { chain: agent, key: env:CWT_KEY_AGENT }');
    assert.equal((await fresh.query('SELECT 4 AS four')).rows[0].four, 4);
    assert.equal((await other.query('SELECT 5 AS five')).rows[0].five, 5);
    // A key moved to another chain no longer opens sessions of the first one.
    load('    - { chain: other, key: env:CWT_KEY_OTHER }\n    - { chain: other, key: env:CWT_KEY_NEW }');
    await assert.rejects(fresh.query('SELECT 6'), (e: pg.DatabaseError) => e.code === '28000');
  } finally {
    await h.close();
  }
});

function newKeyValue(): string {
  return `cwk_${randomBytes(16).toString('hex')}`;
}
