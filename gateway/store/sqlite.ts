/**
 * The embedded store: SQLite in WAL mode. A commit is a write into the WAL, so a record that
 * `appendAudit` returned for survives the process being killed; `synchronous=FULL` (the `?sync=full`
 * store option) also survives power loss, at the cost of an fsync per batch.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { betterSqlitePath, openSqlite, type SqlDb, type SqlStatement } from './sqlite-driver.js';
import { MIGRATIONS } from './migrations.js';
import type { AuditQuery, AuditRecord, StateStore } from './types.js';
import type { ApprovalRepo } from '../approvals/repo.js';
import { SqliteApprovalRepo } from './approvals-sqlite.js';


const COLUMNS = [
  'id', 'ts_start', 'ts_end', 'chain', 'subject', 'groups', 'key_id', 'connection', 'kind', 'operation', 'target', 'decision', 'rule',
  'approval_id', 'approver', 'status', 'bytes_in', 'bytes_out', 'latency_ms', 'upstream_ms', 'masked', 'error', 'run_id', 'flagged', 'detail',
] as const;

type Row = Record<(typeof COLUMNS)[number], unknown>;

export class SqliteStore implements StateStore {
  private readonly db: SqlDb;
  private readonly insertBlock: SqlStatement;
  private readonly insert: SqlStatement;
  private readonly insertMany: (records: readonly AuditRecord[]) => void;
  private readonly checkpointer: Worker | undefined;
  /** Approvals and grants live in the same file as the audit trail (migration 2). */
  readonly approvals: ApprovalRepo | undefined;

  constructor(readonly location: string, options: { sync?: 'normal' | 'full'; readonly?: boolean } = {}) {
    if (!options.readonly) mkdirSync(dirname(location), { recursive: true });
    this.db = openSqlite(location, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) {
      this.db.exec('PRAGMA journal_mode = WAL');
      this.db.exec(`PRAGMA synchronous = ${options.sync === 'full' ? 'FULL' : 'NORMAL'}`);
      this.db.exec('PRAGMA busy_timeout = 5000');
      migrate(this.db);
      if (this.db.driver === 'better-sqlite3') {
        // Checkpoints (which fsync) run on a worker thread, not inside a commit on the event loop.
        this.db.exec('PRAGMA wal_autocheckpoint = 0');
        this.checkpointer = startCheckpointer(location);
      }
    }
    this.approvals = options.readonly ? undefined : new SqliteApprovalRepo(this.db);
    // Positional parameters: cheaper than binding 25 named properties.
    const row = `(${COLUMNS.map(() => '?').join(', ')})`;
    this.insert = this.db.prepare(`INSERT INTO audit (${COLUMNS.join(', ')}) VALUES ${row}`);
    // A busy gateway commits hundreds of records at once: one statement inserts a block of rows, which
    // costs far less per row than a call per record.
    this.insertBlock = this.db.prepare(`INSERT INTO audit (${COLUMNS.join(', ')}) VALUES ${Array(ROWS_PER_INSERT).fill(row).join(', ')}`);
    this.insertMany = this.db.transaction((records: readonly AuditRecord[]) => {
      let i = 0;
      for (; i + ROWS_PER_INSERT <= records.length; i += ROWS_PER_INSERT) {
        const values: unknown[] = [];
        for (let j = i; j < i + ROWS_PER_INSERT; j++) pushValues(values, records[j]!);
        this.insertBlock.run(...values);
      }
      for (; i < records.length; i++) this.insert.run(...toValues(records[i]!));
    });
  }

  appendAudit(records: readonly AuditRecord[]): void {
    this.insertMany(records);
  }

  /** How many audit records the store holds. */
  countAudit(): number {
    return Number((this.db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number | bigint }).n);
  }

  queryAudit(query: AuditQuery): AuditRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.chain !== undefined) (where.push('chain = @chain'), (params.chain = query.chain));
    if (query.connection !== undefined) (where.push('connection = @connection'), (params.connection = query.connection));
    if (query.since !== undefined) (where.push('ts_start >= @since'), (params.since = query.since));
    params.limit = Math.max(1, Math.min(query.limit ?? 100, 100_000));
    const sql = `SELECT ${COLUMNS.join(', ')} FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(fromRow);
  }

  close(): void {
    void this.checkpointer?.terminate();
    if (this.db.open) {
      try {
        this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } catch {
        /* closing anyway; the WAL is replayed on next open */
      }
      this.db.close();
    }
  }
}

const CHECKPOINT_EVERY_MS = 1000;

/** A worker thread with its own connection that copies the WAL into the database every second. */
function startCheckpointer(location: string): Worker {
  const worker = new Worker(
    `const Database = require(${JSON.stringify(betterSqlitePath())});
     const { workerData } = require('node:worker_threads');
     const db = new Database(workerData.location);
     db.pragma('busy_timeout = 1000');
     setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.every);`,
    { eval: true, workerData: { location, every: CHECKPOINT_EVERY_MS } },
  );
  worker.unref();
  worker.on('error', () => undefined);
  return worker;
}

function migrate(db: SqlDb): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
  }
}

/** Rows per multi-row INSERT: 32 × 25 parameters stays far below SQLite's limit of 32,766. */
const ROWS_PER_INSERT = 32;

/** The record as column values, in COLUMNS order. */
function toValues(r: AuditRecord): unknown[] {
  const out: unknown[] = [];
  pushValues(out, r);
  return out;
}

/** A record's values in COLUMNS order. */
function pushValues(out: unknown[], r: AuditRecord): void {
  out.push(
    r.id, r.ts_start, r.ts_end, r.chain, r.subject, r.groups.length === 0 ? '[]' : JSON.stringify(r.groups), r.key_id, r.connection, r.kind,
    r.operation, r.target, r.decision, r.rule, r.approval_id, r.approver, r.status, r.bytes_in, r.bytes_out, r.latency_ms, r.upstream_ms,
    isEmpty(r.masked) ? '{}' : JSON.stringify(r.masked), r.error, r.run_id, r.flagged ? 1 : 0, r.detail ? JSON.stringify(r.detail) : null,
  );
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

function fromRow(row: Row): AuditRecord {
  return {
    ...(row as unknown as AuditRecord),
    groups: JSON.parse(row.groups as string) as string[],
    masked: JSON.parse(row.masked as string) as Record<string, number>,
    flagged: row.flagged === 1,
    detail: row.detail ? (JSON.parse(row.detail as string) as Record<string, unknown>) : null,
  };
}
