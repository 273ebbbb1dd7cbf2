import { APPROVALS_SCHEMA } from './approvals-sqlite.js';

/**
 * Schema migrations, in order. A migration is applied once, in a transaction, and recorded in
 * `schema_migrations`. Later features (approvals, grants, access requests) append entries here.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit trail',
    sql: `
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        ts_start TEXT NOT NULL,
        ts_end TEXT NOT NULL,
        chain TEXT,
        subject TEXT,
        groups TEXT NOT NULL,
        key_id TEXT,
        connection TEXT,
        kind TEXT NOT NULL,
        operation TEXT NOT NULL,
        target TEXT,
        decision TEXT NOT NULL,
        rule TEXT,
        approval_id TEXT,
        approver TEXT,
        status INTEGER NOT NULL,
        bytes_in INTEGER NOT NULL,
        bytes_out INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        upstream_ms REAL,
        masked TEXT NOT NULL,
        error TEXT,
        run_id TEXT,
        flagged INTEGER NOT NULL
      );
      -- One index: every page an insert touches is written to the WAL on each commit, on the hot path.
      -- Queries filter by time first; chain and connection filters scan that range.
      CREATE INDEX audit_ts ON audit (ts_start);
    `,
  },
  {
    version: 2,
    name: 'approvals, grants, and per-kind audit detail',
    sql: `${APPROVALS_SCHEMA}
      ALTER TABLE audit ADD COLUMN detail TEXT;`,
  },
];
