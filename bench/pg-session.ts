/**
 * What the PostgreSQL session logic costs per statement, without sockets: a real `Session` fed
 * pgbench's select-only statement (integers varying) and the server's reply, many times, with the
 * gateway's SQLite audit sink and with a sink that only counts. The baseline, measured in the same
 * run, is a bare relay: the same messages framed by the same reader and written through.
 *
 *   npx tsc -b && node dist/bench/pg-session.js [--statements N]
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { Session } from '../gateway/pg/session.js';
import { StatementCache } from '../gateway/pg/statement-cache.js';
import { loadParser } from '../gateway/pg/classify.js';
import { MessageReader, cstr, int16, int32, message } from '../gateway/pg/protocol.js';
import type { PgHooks } from '../gateway/pg/hooks.js';
import type { UpstreamSession } from '../gateway/pg/upstream.js';
import { compilePolicy, parsePolicy } from '../gateway/policy/index.js';
import { SqliteStore } from '../gateway/store/sqlite.js';
import { AuditWriter } from '../gateway/store/audit-writer.js';
import { pgAuditSink } from '../gateway/wiring/postgres.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('statements', 300_000);
const ROUNDS = 5;

/** Just enough of a socket for a Session: writes are counted, nothing is sent. */
class NullSocket extends EventEmitter {
  destroyed = false;
  paused = false;
  bytes = 0;
  write(b: Buffer): boolean {
    this.bytes += b.length;
    return true;
  }
  pause() {
    this.paused = true;
    return this;
  }
  resume() {
    this.paused = false;
    return this;
  }
  isPaused() {
    return this.paused;
  }
  end() {
    this.destroyed = true;
  }
  destroy() {
    this.destroyed = true;
  }
}

const queries = Array.from({ length: 1000 }, (_, i) => message('Q', cstr(`SELECT abalance FROM pgbench_accounts WHERE aid = ${1 + ((i * 7919) % 1_000_000)};`)));
const reply = Buffer.concat([
  message('T', int16(1), cstr('abalance'), int32(16400), int16(3), int32(23), int16(4), int32(-1), int16(0)),
  message('D', int16(1), int32(4), Buffer.from('1234')),
  message('C', cstr('SELECT 1')),
  message('Z', Buffer.from('I')),
]);

const policyText = `version: 1
identity: { keys: [ { chain: bench, key: env:K } ] }
chains: { bench: {} }
connections:
  benchdb: { type: postgres, listen: 127.0.0.1:0, upstream: postgres://postgres@127.0.0.1:5432/bench }
rules:
  - { name: pgbench runs its transactions, chains: [bench], connection: benchdb, allow: [read, "write public.pgbench_*"] }
  - { name: nothing else, chains: ["*"], connection: benchdb, deny: [ddl, admin] }
`;

type Drive = (i: number) => void;

function sessionDriver(audit: PgHooks['audit']): Drive {
  const { policy } = parsePolicy(policyText, '/bench/chainwarden.yaml', { env: { K: 'cwk_0123456789abcdef0123456789abcdef' } });
  const compiled = compilePolicy(policy!);
  const hooks = { compiled: () => compiled, audit, requestApproval: async () => ({ approved: false }), env: {} } as unknown as PgHooks;
  const client = new NullSocket();
  const up = new NullSocket();
  const upstream = { socket: up, reader: new MessageReader(), parameterStatus: [], backendKey: { pid: 1, secret: 2 }, leftover: [], txStatus: 'I' } as unknown as UpstreamSession;
  const identity = { chain: 'bench', subject: 'key:bench#1', groups: [], keyId: 'bench#1', method: 'key' as const };
  new Session(
    {
      connection: 'benchdb', target: '127.0.0.1:5432/bench', hooks, cache: new StatementCache(), identity, pid: 42,
      connectionMask: [], tableName: () => null, effective: (i) => i, credentialProblem: () => null, onClose() {},
    },
    client as unknown as Socket,
    upstream,
    Buffer.alloc(0),
  );
  return (i) => {
    client.emit('data', queries[i % 1000]!);
    up.emit('data', reply);
  };
}

/** The baseline: frame both directions with the same reader and write every message through. */
function relayDriver(): Drive {
  const client = new NullSocket();
  const up = new NullSocket();
  const fromClient = new MessageReader();
  const fromUp = new MessageReader();
  client.on('data', (c: Buffer) => {
    for (const m of fromClient.push(c)) up.write(m.raw);
  });
  up.on('data', (c: Buffer) => {
    for (const m of fromUp.push(c)) client.write(m.raw);
  });
  return (i) => {
    client.emit('data', queries[i % 1000]!);
    up.emit('data', reply);
  };
}

async function measure(drive: Drive): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 50_000; i++) drive(i); // warm-up: the parse cache and the JIT
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      drive(i);
      // Yield now and then, as the event loop would between reads (group commits run here).
      if ((i & 255) === 0) await new Promise((res) => setImmediate(res));
    }
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / N);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

async function main(): Promise<void> {
  await loadParser();
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-session-'));
  const store = new SqliteStore(join(dir, 'state.db'));
  const writer = new AuditWriter(store);
  try {
    let counted = 0;
    const relay = await measure(relayDriver());
    const counting = await measure(sessionDriver(() => void counted++));
    const stored = await measure(sessionDriver(pgAuditSink(writer)));
    writer.flush();
    console.log(`${N} statements per round, median of ${ROUNDS} rounds, CPU time (user + system) per statement; ${store.countAudit()} records in the store`);
    console.log('| path | CPU µs/statement | ratio to the bare relay |');
    console.log('|---|---|---|');
    console.log(`| bare relay (framing only, baseline) | ${relay.toFixed(2)} | 1.00 |`);
    console.log(`| Session, audit records counted only | ${counting.toFixed(2)} | ${(counting / relay).toFixed(2)} |`);
    console.log(`| Session, audit to the SQLite store | ${stored.toFixed(2)} | ${(stored / relay).toFixed(2)} |`);
  } finally {
    writer.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
