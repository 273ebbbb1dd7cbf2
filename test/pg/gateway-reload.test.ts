/**
 * The gateway's PostgreSQL listeners follow a policy reload: a new `postgres` connection gets its
 * listener, a removed one is closed with its sessions, and a removed key is refused through the
 * whole gateway (identity from the reloaded runtime).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startGateway } from '../../gateway/gateway.js';
import { UPSTREAM, freePort } from './harness.js';

const KEYS = { one: 'cw-pg-reload-key-one-0000000000001', two: 'cw-pg-reload-key-two-0000000000002' };
const upstream = `postgres://${UPSTREAM.user}@${UPSTREAM.host}:${UPSTREAM.port}/${UPSTREAM.database}`;

const policy = (connections: string[], keys: string[]) => `version: 1
gateway: { listen: 127.0.0.1:0, admin: 127.0.0.1:0, store: sqlite:state.db }
identity: { keys: [ ${keys.map((k) => `{ chain: etl, key: env:${k} }`).join(', ')} ] }
chains: { etl: {} }
connections:
${connections.map((c) => `  ${c}: { type: postgres, listen: 127.0.0.1:0, upstream: ${upstream} }`).join('\n')}
rules:
${connections.map((c) => `  - { name: reads on ${c}, chains: [etl], connection: ${c}, allow: [read] }`).join('\n')}
`;

test('a changed connection is restarted on the same address; its open session keeps working', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-pg-reload-'));
  const file = join(dir, 'chainwarden.yaml');
  const port = await freePort();
  const text = (app: string) => policy(['gamma'], ['CW_R_ONE']).replace(`gamma: { type: postgres, listen: 127.0.0.1:0, upstream: ${upstream} }`, `gamma: { type: postgres, listen: 127.0.0.1:${port}, upstream: "${upstream}?application_name=${app}" }`);
  writeFileSync(file, text('first'));
  const gw = await startGateway({ policyFile: file, env: { CW_R_ONE: KEYS.one }, watch: false });
  const clients: pg.Client[] = [];
  const connect = async () => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'etl', database: UPSTREAM.database, password: KEYS.one });
    c.on('error', () => {});
    await c.connect();
    clients.push(c);
    return c;
  };
  try {
    assert.match(readFileSync(file, 'utf8'), new RegExp(`listen: 127.0.0.1:${port}`));
    const before = await connect();
    writeFileSync(file, text('second'));
    assert.deepEqual(gw.reload(), { ok: true, errors: [] });
    await gw.postgresSettled();
    assert.deepEqual(gw.postgres.map((p) => [p.connection, p.port]), [['gamma', port]]);
    assert.equal((await before.query('SELECT 1 AS one')).rows[0].one, 1, 'the open session goes on');
    const after = await connect();
    assert.equal((await after.query('SELECT 2 AS two')).rows[0].two, 2, 'the restarted listener serves');
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reload adds and removes PostgreSQL listeners; removed keys and connections end their sessions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-pg-reload-'));
  const file = join(dir, 'chainwarden.yaml');
  writeFileSync(file, policy(['alpha'], ['CW_R_ONE', 'CW_R_TWO']));
  const gw = await startGateway({ policyFile: file, env: { CW_R_ONE: KEYS.one, CW_R_TWO: KEYS.two }, watch: false });
  const clients: pg.Client[] = [];
  const connect = async (connection: string, password: string) => {
    const l = gw.postgres.find((p) => p.connection === connection);
    assert.ok(l, `a listener for ${connection}`);
    const c = new pg.Client({ host: l.host, port: l.port, user: 'etl', database: UPSTREAM.database, password });
    c.on('error', () => {});
    await c.connect();
    clients.push(c);
    return c;
  };
  try {
    const alpha = await connect('alpha', KEYS.one);
    const alphaPort = gw.postgres.find((p) => p.connection === 'alpha')!.port;
    assert.equal((await alpha.query('SELECT 1 AS one')).rows[0].one, 1);

    writeFileSync(file, policy(['beta'], ['CW_R_TWO']));
    assert.deepEqual(gw.reload(), { ok: true, errors: [] });
    await gw.postgresSettled();

    assert.deepEqual(gw.postgres.map((p) => p.connection), ['beta']);
    await assert.rejects(alpha.query('SELECT 1'), (e: pg.DatabaseError) => e.code === '57P01' && /"alpha" was removed from the policy/.test(e.message));
    await assert.rejects(new pg.Client({ host: '127.0.0.1', port: alphaPort, user: 'etl', database: UPSTREAM.database, password: KEYS.two }).connect(), /ECONNREFUSED/);
    const beta = await connect('beta', KEYS.two);
    assert.equal((await beta.query('SELECT 2 AS two')).rows[0].two, 2);
    await assert.rejects(connect('beta', KEYS.one), (e: pg.DatabaseError) => e.code === '28P01', 'the removed key is refused');
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
