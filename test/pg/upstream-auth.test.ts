/**
 * Upstream authentication against a throwaway PostgreSQL 15 cluster started here (SCRAM-SHA-256, md5
 * and cleartext users): the gateway holds the database password; the client only ever has its key.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, startHarness, type Harness } from './harness.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';
const PASSWORD = 'upstream-s3cret-never-shown';
let dir = '';
let port = 0;
let h: Harness;

const asPostgres = (cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args]);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-pg-cluster-'));
  const { uid, gid } = statSync('/var/lib/postgresql');
  chownSync(dir, uid, gid);
  port = await freePort();
  // A server certificate for TLS to the upstream: valid for 127.0.0.1, owned by postgres, key 0600.
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-days', '1', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.crt')]);
  for (const f of ['server.key', 'server.crt']) chownSync(join(dir, f), uid, gid);
  chmodSync(join(dir, 'server.key'), 0o600);
  await asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync']);
  writeFileSync(
    join(dir, 'data', 'pg_hba.conf'),
    [
      'local all all trust',
      'hostssl all tlsuser 127.0.0.1/32 scram-sha-256',
      'hostnossl all tlsuser 127.0.0.1/32 reject',
      'host all md5user 127.0.0.1/32 md5',
      'host all clearuser 127.0.0.1/32 password',
      'host all all 127.0.0.1/32 scram-sha-256',
      '',
    ].join('\n'),
  );
  await asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c ssl=on -c ssl_cert_file=${join(dir, 'server.crt')} -c ssl_key_file=${join(dir, 'server.key')}`, '-l', join(dir, 'log'), '-w', 'start']);
  const c = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
  await c.connect();
  await c.query(`CREATE ROLE scramuser LOGIN PASSWORD '${PASSWORD}'`);
  await c.query(`SET password_encryption = 'md5'`);
  await c.query(`CREATE ROLE md5user LOGIN PASSWORD '${PASSWORD}'`);
  await c.query(`CREATE ROLE clearuser LOGIN PASSWORD '${PASSWORD}'`);
  await c.query(`CREATE ROLE wrongpw LOGIN PASSWORD 'something-else'`);
  await c.query(`RESET password_encryption`);
  await c.query(`CREATE ROLE tlsuser LOGIN PASSWORD '${PASSWORD}'`);
  await c.end();
  const conn = (name: string, user: string, p: number, tls = '') => `  ${name}:
    type: postgres
    listen: 127.0.0.1:${p}
    upstream: postgres://${user}@127.0.0.1:${port}/postgres
    credential: { password: env:CWT_UPSTREAM_PW }
${tls}`;
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const verify = `    tls: { upstream: verify-full, ca: ${join(dir, 'server.crt')} }\n`;
  h = await startHarness(
    (p0) => `version: 1
identity:
  keys: [ { chain: agent, key: env:CWT_KEY_AGENT } ]
chains:
  agent: { sources: ["**"] }
connections:
${conn('scram', 'scramuser', p0)}${conn('md5', 'md5user', ports[1]!)}${conn('clear', 'clearuser', ports[2]!)}${conn('wrong', 'wrongpw', ports[3]!)}${conn('tls', 'tlsuser', ports[4]!, verify)}${conn('notls', 'tlsuser', ports[5]!)}
rules:
  - name: reads
    chains: [agent]
    connection: [scram, md5, clear, wrong, tls, notls]
    allow: [read]
`,
    {},
    { CWT_UPSTREAM_PW: PASSWORD },
  );
});

after(async () => {
  await h?.close();
  if (dir) {
    await asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
});

const portOf = (name: string) => h.listeners.listeners.find((l) => l.connection === name)!.port;

for (const [connection, user] of [['scram', 'scramuser'], ['md5', 'md5user'], ['clear', 'clearuser']] as const) {
  test(`the gateway authenticates upstream with ${connection} using the password it holds`, async () => {
    const c = await h.client({ port: portOf(connection) });
    const r = await c.query('SELECT current_user AS u');
    assert.equal(r.rows[0].u, user);
  });
}

test('the client cannot reach the upstream with its key, and never sees the password', async () => {
  const direct = new pg.Client({ host: '127.0.0.1', port, user: 'scramuser', database: 'postgres', password: h.key });
  await assert.rejects(direct.connect(), /password authentication failed/);
  const c = await h.client({ port: portOf('scram') });
  const r = await c.query('SELECT 1 AS one');
  assert.equal(r.rows[0].one, 1);
  assert.ok(!JSON.stringify(h.audit).includes(PASSWORD));
});

test('TLS to the upstream with verify-full against the server certificate', async () => {
  const c = await h.client({ port: portOf('tls') });
  const r = await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  assert.equal(r.rows[0].ssl, true);
  // The same user without TLS is rejected by the server's pg_hba: the TLS leg was really in use.
  await assert.rejects(h.client({ port: portOf('notls') }), (e: pg.DatabaseError) => e.code === '08006');
});

test('a wrong upstream password is reported without the password', async () => {
  await assert.rejects(h.client({ port: portOf('wrong') }), (e: pg.DatabaseError) => {
    assert.equal(e.code, '08006');
    assert.match(e.message, /could not authenticate to the upstream/);
    assert.ok(!e.message.includes(PASSWORD));
    return true;
  });
});
