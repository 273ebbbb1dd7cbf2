/**
 * Approvals and grants in the embedded SQLite store. Status changes are compare-and-set in one
 * statement, so two approvers racing (or two gateway processes sharing the file) cannot both win.
 */
import type { SqlDb } from './sqlite-driver.js';
import type { ApprovalRepo, StoredGrant } from '../approvals/repo.js';
import type { Approval, ApprovalKind, ApprovalStatus } from '../approvals/types.js';

/** Shared with migration 2; idempotent, so a bare database (tests, tools) can be prepared with it too. */
export const APPROVALS_SCHEMA = `
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  consumed_at INTEGER,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS approvals_status ON approvals (kind, status, requested_at);
CREATE TABLE IF NOT EXISTS grants (
  id TEXT PRIMARY KEY,
  chain TEXT NOT NULL,
  connection TEXT NOT NULL,
  operation TEXT NOT NULL,
  expires_at INTEGER,
  granted_by TEXT,
  reason TEXT,
  approval_id TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
`;

export class SqliteApprovalRepo implements ApprovalRepo {
  private readonly stmts;

  constructor(private readonly db: SqlDb) {
    if (!db.readonly) db.exec(APPROVALS_SCHEMA);
    this.stmts = {
      insert: db.prepare('INSERT INTO approvals (id, kind, status, requested_at, consumed_at, doc) VALUES (?, ?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT doc, consumed_at FROM approvals WHERE id = ?'),
      replace: db.prepare('UPDATE approvals SET status = ?, doc = ? WHERE id = ? AND status = ?'),
      consume: db.prepare('UPDATE approvals SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL'),
      insertGrant: db.prepare('INSERT INTO grants (id, chain, connection, operation, expires_at, granted_by, reason, approval_id, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)'),
      activeGrants: db.prepare('SELECT * FROM grants WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)'),
      revokeGrant: db.prepare('UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    };
  }

  insert(a: Approval): void {
    this.stmts.insert.run(a.id, a.kind, a.status, a.requestedAt, a.consumedAt, JSON.stringify(a));
  }

  get(id: string): Approval | undefined {
    const row = this.stmts.get.get(id) as { doc: string; consumed_at: number | null } | undefined;
    return row ? { ...(JSON.parse(row.doc) as Approval), consumedAt: row.consumed_at } : undefined;
  }

  replace(next: Approval, expected: ApprovalStatus): boolean {
    return this.stmts.replace.run(next.status, JSON.stringify(next), next.id, expected).changes === 1;
  }

  consume(id: string, at: number): boolean {
    return this.stmts.consume.run(at, id).changes === 1;
  }

  list(filter: { status?: ApprovalStatus; kind?: ApprovalKind; limit?: number }): Approval[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.kind) (where.push('kind = ?'), args.push(filter.kind));
    if (filter.status) (where.push('status = ?'), args.push(filter.status));
    const sql = `SELECT doc, consumed_at FROM approvals ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY requested_at DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, filter.limit ?? 1000) as Array<{ doc: string; consumed_at: number | null }>;
    return rows.map((r) => ({ ...(JSON.parse(r.doc) as Approval), consumedAt: r.consumed_at }));
  }

  insertGrant(g: StoredGrant): void {
    this.stmts.insertGrant.run(g.id, g.chain, g.connection, g.operation, g.expiresAt, g.grantedBy ?? null, g.reason ?? null, g.approvalId, g.createdAt);
  }

  activeGrants(now: number): StoredGrant[] {
    return (this.stmts.activeGrants.all(now) as Array<Record<string, any>>).map((r) => ({
      id: r.id,
      chain: r.chain,
      connection: r.connection,
      operation: r.operation,
      expiresAt: r.expires_at,
      grantedBy: r.granted_by ?? undefined,
      reason: r.reason ?? undefined,
      approvalId: r.approval_id,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
    }));
  }

  revokeGrant(id: string, at: number): boolean {
    return this.stmts.revokeGrant.run(at, id).changes === 1;
  }
}
