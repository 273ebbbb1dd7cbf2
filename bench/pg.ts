/**
 * pgbench through Chainwarden against direct and PgBouncer (session mode), in one run, on a database
 * of its own (created, `pgbench -i -s 10`, dropped). Chainwarden runs with a real policy and the
 * gateway's own audit trail (the embedded SQLite store, group commit), so every statement is parsed,
 * decided and audited; the script checks the store holds one record per statement. A bare Node.js
 * pipe proxy is measured in the same run as a floor for any proxy written in Node.
 *
 *   npx tsc -b && node dist/bench/pg.js [--seconds 10] [--clients 8]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { connect as netConnect, createServer, type Server } from 'node:net';
import pg from 'pg';
import { IdentityResolver } from '../gateway/identity/identity.js';
import { compilePolicy, parsePolicy } from '../gateway/policy/index.js';
import { startPostgresListeners } from '../gateway/pg/listener.js';
import { SqliteStore } from '../gateway/store/sqlite.js';
import { AuditWriter } from '../gateway/store/audit-writer.js';
import { pgAuditSink } from '../gateway/wiring/postgres.js';

const run = promisify(execFile);
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 10);
const CLIENTS = arg('clients', 8);
const UP = { host: '127.0.0.1', port: 5432, user: 'postgres' };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ ...UP, database: 'postgres' });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function pgbench(port: number, db: string, user: string, password: string | undefined, selectOnly: boolean): Promise<number> {
  const args = ['-n', '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS), '-h', '127.0.0.1', '-p', String(port), '-U', user, db];
  if (selectOnly) args.unshift('-S');
  const env = { ...process.env, PGPASSWORD: password ?? '' };
  const { stdout } = await run('pgbench', args, { env, maxBuffer: 1 << 22 });
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  const failed = /number of failed transactions: (\d+)/.exec(stdout);
  if (!m) throw new Error(`pgbench output not understood:\n${stdout}`);
  if (failed && Number(failed[1]) > 0) throw new Error(`pgbench reported ${failed[1]} failed transactions`);
  return Number(m[1]);
}

async function startPgBouncer(db: string): Promise<{ port: number; proc: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-pgbouncer-'));
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    `[databases]\n${db} = host=127.0.0.1 port=5432 dbname=${db} user=postgres\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = ${port}\n` +
      `unix_socket_dir = ${dir}\nauth_type = trust\nauth_file = ${join(dir, 'users.txt')}\npool_mode = session\nmax_client_conn = 100\n` +
      `default_pool_size = 20\nlogfile = ${join(dir, 'pgbouncer.log')}\npidfile = ${join(dir, 'pgbouncer.pid')}\n`,
  );
  // PgBouncer refuses to run as root: the postgres user owns its folder and runs it.
  const { uid, gid } = statSync('/var/lib/postgresql');
  for (const f of ['', 'users.txt', 'pgbouncer.ini']) chownSync(join(dir, f), uid, gid);
  chmodSync(dir, 0o700);
  const proc = spawn('pgbouncer', [join(dir, 'pgbouncer.ini')], { stdio: 'ignore', uid, gid });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: db });
      c.connect().then(() => c.end().then(() => resolve(true)), () => resolve(false));
    });
    if (up) return { port, proc };
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error('pgbouncer did not start');
}

/**
 * A second baseline: a bare Node.js TCP proxy (`socket.pipe()` both ways, no parsing, no policy, no
 * audit). What any proxy written in Node costs on this machine before it does anything.
 */
function startNodePipe(): Promise<{ server: Server; port: number }> {
  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = netConnect({ host: UP.host, port: UP.port });
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

async function main(): Promise<void> {
  const db = `cw_bench_${randomBytes(3).toString('hex')}`;
  const key = `cwk_${randomBytes(16).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-'));
  const auditFile = join(dir, 'state.db');
  await admin(`CREATE DATABASE ${db}`);
  let bouncer: ChildProcess | undefined;
  let listeners: Awaited<ReturnType<typeof startPostgresListeners>> | undefined;
  let store: SqliteStore | undefined;
  let pipeServer: Server | undefined;
  try {
    await run('pgbench', ['-i', '-s', '10', '-q', '-h', '127.0.0.1', '-U', 'postgres', db]);
    const port = await freePort();
    const text = `version: 1
identity:
  keys: [ { chain: bench, key: env:CW_BENCH_KEY } ]
chains:
  bench: { sources: ["**"] }
connections:
  benchdb:
    type: postgres
    listen: 127.0.0.1:${port}
    upstream: postgres://postgres@127.0.0.1:5432/${db}
rules:
  - name: pgbench runs its transactions
    chains: [bench]
    connection: benchdb
    allow: [read, "write public.pgbench_*"]
  - name: nothing else
    chains: ["*"]
    connection: benchdb
    deny: [ddl, admin]
`;
    const env = { ...process.env, CW_BENCH_KEY: key };
    const { policy } = parsePolicy(text, join(dir, 'chainwarden.yaml'), { env });
    if (!policy) throw new Error('bench policy invalid');
    const compiled = compilePolicy(policy);
    // The audit trail as the gateway keeps it: the embedded SQLite store, group-committed per turn.
    store = new SqliteStore(auditFile);
    const writer = new AuditWriter(store);
    const sink = pgAuditSink(writer);
    let records = 0;
    listeners = await startPostgresListeners(policy, {
      identity: new IdentityResolver(policy, env),
      compiled: () => compiled,
      audit: (r, failed) => {
        records++;
        return sink(r, failed);
      },
      requestApproval: async (_s, pending) => {
        pending('none');
        return { approved: false, reason: 'the benchmark approves nothing', approvalId: 'none' };
      },
      env,
    });
    const cwPort = listeners.listeners[0]!.port;
    const b = await startPgBouncer(db);
    bouncer = b.proc;
    const pipe = await startNodePipe();
    pipeServer = pipe.server;

    const results: Record<string, Record<string, number>> = {};
    const cpu: Record<string, { cw: number; bouncer: number; pipe: number }> = {};
    const bouncerCpuMs = () => {
      const f = readFileSync(`/proc/${b.proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    };
    const modes = [['select-only (-S)', true], ['TPC-B-like (default)', false]] as const;
    for (const [mode, selectOnly] of modes.filter(([, s]) => !process.argv.includes('--select-only') || s)) {
      const direct = await pgbench(5432, db, 'postgres', undefined, selectOnly);
      const c0 = process.cpuUsage();
      const chainwarden = await pgbench(cwPort, db, 'bench', key, selectOnly);
      const c1 = process.cpuUsage(c0);
      if (process.env.CW_BENCH_DEBUG) console.error(mode, "user", c1.user, "system", c1.system);
      const b0 = bouncerCpuMs();
      const pgbouncer = await pgbench(b.port, db, 'postgres', undefined, selectOnly);
      const b1 = bouncerCpuMs();
      const p0 = process.cpuUsage();
      const nodePipe = await pgbench(pipe.port, db, 'postgres', undefined, selectOnly);
      const p1 = process.cpuUsage(p0);
      results[mode] = { direct, chainwarden, pgbouncer, nodePipe };
      // CPU time per transaction of each proxy process: less noisy than TPS on a shared machine.
      cpu[mode] = {
        cw: (c1.user + c1.system) / (chainwarden * SECONDS),
        bouncer: ((b1 - b0) * 1000) / (pgbouncer * SECONDS),
        pipe: (p1.user + p1.system) / (nodePipe * SECONDS),
      };
    }
    await new Promise((r) => setImmediate(r));
    writer.flush();
    const stored = store.countAudit();
    if (stored !== records) throw new Error(`${records} statements audited but ${stored} records in the store`);
    console.log(`pgbench -c ${CLIENTS} -j 2 -T ${SECONDS} -n, scale 10; ${records} statements audited to the SQLite store ${auditFile}`);
    console.log(`parse cache: ${listeners.cache.hits} hits, ${listeners.cache.misses} misses`);
    console.log('| workload | direct TPS | Chainwarden TPS | PgBouncer TPS | bare Node pipe TPS | Chainwarden / direct | Chainwarden / PgBouncer | Node pipe / PgBouncer |');
    console.log('|---|---|---|---|---|---|---|---|');
    const f = (n: number) => n.toFixed(0);
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    for (const [mode, r] of Object.entries(results)) {
      console.log(`| ${mode} | ${f(r.direct!)} | ${f(r.chainwarden!)} | ${f(r.pgbouncer!)} | ${f(r.nodePipe!)} | ${ratio(r.chainwarden!, r.direct!)} | ${ratio(r.chainwarden!, r.pgbouncer!)} | ${ratio(r.nodePipe!, r.pgbouncer!)} |`);
    }
    console.log('\n| workload | Chainwarden CPU µs/transaction | PgBouncer CPU µs/transaction | bare Node pipe CPU µs/transaction |');
    console.log('|---|---|---|---|');
    for (const [mode, c] of Object.entries(cpu)) console.log(`| ${mode} | ${c.cw.toFixed(1)} | ${c.bouncer.toFixed(1)} | ${c.pipe.toFixed(1)} |`);
  } finally {
    if (bouncer && bouncer.exitCode === null) {
      const exited = new Promise((r) => bouncer!.once('exit', r));
      bouncer.kill('SIGTERM');
      await exited;
    }
    await listeners?.close();
    pipeServer?.close();
    store?.close();
    await new Promise((r) => setTimeout(r, 300));
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
