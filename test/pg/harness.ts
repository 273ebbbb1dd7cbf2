/**
 * Starts the real PostgreSQL listeners against the machine's PostgreSQL (127.0.0.1:5432, trust,
 * database `test`) with a policy written for the test's own schemas. The audit sink collects records
 * in memory; approvals wait for the test to answer them, as a person would.
 */
import { connect, createServer } from 'node:net';
import { MessageReader, PROTOCOL_3, cstr, int32, message } from '../../gateway/pg/protocol.js';
import { ScramClient } from '../../gateway/pg/scram.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { IdentityResolver } from '../../gateway/identity/identity.js';
import { compilePolicy, parsePolicy, type Policy } from '../../gateway/policy/index.js';
import { startPostgresListeners, type PostgresListeners } from '../../gateway/pg/listener.js';
import type { ApprovalOutcome, ApprovalSummary, PgAuditRecord, PgHooks } from '../../gateway/pg/hooks.js';

export const UPSTREAM = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface HeldApproval {
  id: string;
  summary: ApprovalSummary;
  approve(approver?: string): void;
  deny(reason: string, approver?: string): void;
}

/** Approvals as a queue the test reads from: `next()` waits for the next held statement. */
export class ApprovalDesk {
  private seq = 0;
  private readonly held: HeldApproval[] = [];
  private waiters: Array<(h: HeldApproval) => void> = [];
  request = (summary: ApprovalSummary, pending: (id: string) => void): Promise<ApprovalOutcome> =>
    new Promise((resolve) => {
      const id = `apr_test_${++this.seq}`;
      const h: HeldApproval = {
        id,
        summary,
        approve: (approver = 'user:dba-alice') => resolve({ approved: true, approver, approvalId: id }),
        deny: (reason, approver = 'user:dba-alice') => resolve({ approved: false, approver, reason, approvalId: id }),
      };
      pending(id);
      const w = this.waiters.shift();
      if (w) w(h);
      else this.held.push(h);
    });
  next(): Promise<HeldApproval> {
    const h = this.held.shift();
    if (h) return Promise.resolve(h);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface Harness {
  port: number;
  key: string;
  otherKey: string;
  policy: Policy;
  audit: PgAuditRecord[];
  desk: ApprovalDesk;
  listeners: PostgresListeners;
  client(opts?: Partial<pg.ClientConfig>): Promise<pg.Client>;
  close(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Runs SQL directly on the upstream (test setup and checks; never through the gateway). */
export async function direct<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client(UPSTREAM);
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

export async function startHarness(policyYaml: (port: number) => string, hookOverrides: Partial<PgHooks> = {}, env: Record<string, string> = {}): Promise<Harness> {
  const port = await freePort();
  const key = `cwk_${randomBytes(16).toString('hex')}`;
  const otherKey = `cwk_${randomBytes(16).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'cw-pg-'));
  const file = join(dir, 'chainwarden.yaml');
  const text = policyYaml(port);
  writeFileSync(file, text);
  const fullEnv = { ...process.env, CWT_KEY_AGENT: key, CWT_KEY_OTHER: otherKey, ...env };
  const { policy, diagnostics } = parsePolicy(text, file, { env: fullEnv });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!policy || errors.length) throw new Error(`test policy invalid: ${JSON.stringify(errors)}`);
  const compiled = compilePolicy(policy);
  const audit: PgAuditRecord[] = [];
  const desk = new ApprovalDesk();
  const hooks: PgHooks = {
    identity: new IdentityResolver(policy, fullEnv),
    compiled: () => compiled,
    audit: (r) => void audit.push(r),
    requestApproval: desk.request,
    env: fullEnv,
  };
  // Overrides keep their getters (a test swaps the identity resolver or the policy as a reload would).
  Object.defineProperties(hooks, Object.getOwnPropertyDescriptors(hookOverrides));
  const listeners = await startPostgresListeners(policy, hooks);
  const clients: pg.Client[] = [];
  return {
    port: listeners.listeners[0]!.port,
    key,
    otherKey,
    policy,
    audit,
    desk,
    listeners,
    async client(opts = {}) {
      const c = new pg.Client({ host: '127.0.0.1', port: listeners.listeners[0]!.port, user: 'agent', database: 'test', password: key, ...opts });
      c.on('error', () => {});
      await c.connect();
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await listeners.close();
    },
  };
}

/** A raw, authenticated protocol session (SCRAM with a key), for sequences no driver sends. */
export async function rawSession(port: number, key: string, user = 'agent') {
  const s = connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const reader = new MessageReader();
  const queue: Buffer[] = [];
  let wake: (() => void) | null = null;
  s.on('data', (d) => {
    for (const m of reader.push(d)) queue.push(Buffer.from(m.raw));
    wake?.();
  });
  s.on('error', () => {});
  const next = async () => {
    while (!queue.length) await new Promise<void>((r) => (wake = r));
    return queue.shift()!;
  };
  const body = Buffer.concat([int32(PROTOCOL_3), cstr('user'), cstr(user), cstr('database'), cstr('test'), Buffer.from([0])]);
  s.write(Buffer.concat([int32(body.length + 4), body]));
  const scram = new ScramClient(key);
  await next();
  const first = Buffer.from(scram.first());
  s.write(message('p', 'SCRAM-SHA-256', int32(first.length), first));
  const cont = await next();
  s.write(message('p', Buffer.from(scram.final(cont.subarray(9).toString()))));
  for (;;) if ((await next())[0] === 0x5a) break;
  return {
    socket: s,
    send: (...msgs: Buffer[]) => s.write(Buffer.concat(msgs)),
    /** Messages up to the next ReadyForQuery: the SQLSTATEs of errors and the status byte. */
    async untilReady(): Promise<{ status: string; codes: string[] }> {
      const codes: string[] = [];
      for (;;) {
        const m = await next();
        if (m[0] === 0x45) codes.push(/C([0-9A-Z]{5})/.exec(m.toString('latin1'))?.[1] ?? '');
        if (m[0] === 0x5a) return { status: String.fromCharCode(m[5]!), codes };
      }
    },
  };
}

/** Polls until `check` returns a value (never a fixed sleep). */
export async function eventually<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
