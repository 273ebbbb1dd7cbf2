/**
 * PostgreSQL through the whole gateway process: `startGateway` serves the policy's postgres
 * connection, the `pg` driver connects with its chain key, held writes wait in the same approval
 * queue as HTTP calls and are answered with the real `chainwarden` CLI, and every statement lands
 * in the gateway's audit store.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import type { AuditRecord } from '../../gateway/store/types.js';
import { CLI } from '../helpers/paths.js';
import { UPSTREAM } from './harness.js';

const KEYS = { etl: 'cw-pg-e2e-etl-key-000000000000001', admin: 'cw-pg-e2e-admin-token-00000000002' };
const SCHEMA = `cw_e2e_${randomBytes(4).toString('hex')}`;
let gw: RunningGateway;
let dir: string;
let direct: pg.Client;

before(async () => {
  direct = new pg.Client(UPSTREAM);
  await direct.connect();
  await direct.query(`CREATE SCHEMA ${SCHEMA}; CREATE TABLE ${SCHEMA}.orders (id int PRIMARY KEY, note text, email text); INSERT INTO ${SCHEMA}.orders VALUES (1, 'first', 'ada@example.com')`);
  dir = mkdtempSync(join(tmpdir(), 'cw-pg-e2e-'));
  writeFileSync(
    join(dir, 'chainwarden.yaml'),
    `version: 1
gateway: { listen: 127.0.0.1:0, admin: 127.0.0.1:0, store: sqlite:state.db, adminToken: env:CW_P_ADMIN }
identity: { keys: [ { chain: etl, key: env:CW_P_ETL } ] }
chains: { etl: {} }
connections:
  warehouse:
    type: postgres
    listen: 127.0.0.1:0
    upstream: postgres://${UPSTREAM.user}@${UPSTREAM.host}:${UPSTREAM.port}/${UPSTREAM.database}
    mask: [ { detector: email, columns: [email] } ]
rules:
  - name: etl reads and writes with approval
    chains: [etl]
    connection: warehouse
    allow: ["read ${SCHEMA}.*", read]
    approve: { ops: ["write ${SCHEMA}.*"], approvers: [group:dba], ttl: 1h, timeout: 20s }
  - name: nobody changes the schema
    chains: ["*"]
    connection: warehouse
    deny: [ddl, admin]
`,
  );
  gw = await startGateway({ policyFile: join(dir, 'chainwarden.yaml'), env: { CW_P_ETL: KEYS.etl, CW_P_ADMIN: KEYS.admin }, watch: false });
});

after(async () => {
  await gw?.close();
  await direct.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await direct.end();
  rmSync(dir, { recursive: true, force: true });
});

async function client(): Promise<pg.Client> {
  const l = gw.postgres.find((p) => p.connection === 'warehouse')!;
  const c = new pg.Client({ host: l.host, port: l.port, user: 'etl', database: UPSTREAM.database, password: KEYS.etl });
  await c.connect();
  return c;
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--as', 'dana'], { env: { ...process.env, CHAINWARDEN_ADMIN_URL: gw.adminUrl, CHAINWARDEN_ADMIN_TOKEN: KEYS.admin } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The approval id the gateway names in its NoticeResponse. */
function noticedApproval(c: pg.Client): Promise<string> {
  return new Promise((resolve) => {
    c.on('notice', (n) => {
      const id = /apr_\w+/.exec(n.message ?? '')?.[0];
      if (id) resolve(id);
    });
  });
}

test('reads pass through the gateway and email cells are masked', async () => {
  const c = await client();
  try {
    const r = await c.query(`SELECT id, note, email FROM ${SCHEMA}.orders WHERE id = $1`, [1]);
    assert.equal(r.rows[0].note, 'first');
    assert.notEqual(r.rows[0].email, 'ada@example.com');
  } finally {
    await c.end();
  }
});

test('a held INSERT runs after "chainwarden approve"; a denied one writes nothing', async () => {
  const c = await client();
  try {
    const noticed = noticedApproval(c);
    const insert = c.query(`INSERT INTO ${SCHEMA}.orders VALUES (2, 'approved', 'x@example.com')`).then(() => 'ok', (e: Error) => e.message);
    const id = await noticed;
    const pending = await cli(['approvals']);
    assert.match(pending.stdout, new RegExp(`${id}\\s+pending\\s+etl\\s+warehouse\\s+write ${SCHEMA}\\.orders`));
    const approved = await cli(['approve', id, '--once']);
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(await insert, 'ok');
    assert.equal((await direct.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.orders WHERE id = 2`)).rows[0].n, 1);

    const c2 = await client();
    const noticed2 = noticedApproval(c2);
    const denied = c2.query(`INSERT INTO ${SCHEMA}.orders VALUES (3, 'denied', null)`).then(() => 'ok', (e: Error & { code?: string }) => `${e.code} ${e.message}`);
    const id2 = await noticed2;
    assert.equal((await cli(['deny', id2, '--reason', 'not during the freeze'])).code, 0);
    assert.match(await denied, /^42501 .*not during the freeze/);
    assert.equal((await direct.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.orders WHERE id = 3`)).rows[0].n, 0);
    assert.equal((await c2.query('SELECT 1 AS one')).rows[0].one, 1, 'the session stays usable');
    await c2.end();
  } finally {
    await c.end();
  }
});

test('DROP TABLE is refused and the table is still there; a write hidden behind a read is caught', async () => {
  const c = await client();
  try {
    await assert.rejects(c.query(`DROP TABLE ${SCHEMA}.orders`), (e: Error & { code?: string }) => e.code === '42501' && /nobody changes the schema/.test(e.message));
    assert.equal((await direct.query(`SELECT to_regclass('${SCHEMA}.orders') IS NOT NULL AS present`)).rows[0].present, true);
    await assert.rejects(c.query(`SELECT 1; DROP TABLE ${SCHEMA}.orders`), (e: Error & { code?: string }) => e.code === '42501');
    assert.equal((await direct.query(`SELECT to_regclass('${SCHEMA}.orders') IS NOT NULL AS present`)).rows[0].present, true);
  } finally {
    await c.end();
  }
});

test('every statement is one record in the gateway\'s audit store, with the SQL detail and never a literal', async () => {
  const r = await fetch(`${gw.adminUrl}/v1/audit?connection=warehouse&limit=1000`, { headers: { authorization: `Bearer ${KEYS.admin}` } });
  const records = ((await r.json()) as { records: AuditRecord[] }).records;
  const insert = records.find((x) => x.kind === 'sql' && x.approver === 'admin:dana' && x.decision === 'approve');
  assert.ok(insert, 'the approved INSERT is recorded with its approver');
  assert.equal(insert.operation, `write ${SCHEMA}.orders`);
  assert.equal((insert.detail as { class: string }).class, 'write');
  assert.deepEqual((insert.detail as { tables: string[] }).tables, [`${SCHEMA}.orders`]);
  assert.ok(records.some((x) => x.kind === 'sql' && x.decision === 'deny' && x.rule === 'nobody changes the schema'));
  const all = JSON.stringify(records);
  assert.ok(!all.includes("'approved'") && !all.includes('x@example.com') && !all.includes('ada@example.com') && !all.includes(KEYS.etl), 'no literals, values or keys in the audit trail');
});
