/**
 * How the gateway process wires the PostgreSQL listeners: the shared identity resolver, the current
 * policy with grants, the approval queue, the masking module for result cells, and the audit store.
 */
import { compileMasker, type Masker } from '../mask/masker.js';
import type { ApprovalService } from '../approvals/service.js';
import { approvalsFromService } from '../pg/approval-service.js';
import type { MaskColumn, MaskResult, PgAuditRecord, PgHooks } from '../pg/hooks.js';
import type { MaskSpec } from '../policy/types.js';
import type { AuditRecord } from '../store/types.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { Runtime } from '../http/runtime.js';

/**
 * SQL statements share the audit table; their own fields go into `detail`, and `status` keeps the
 * statement's outcome. Written out field by field: this runs once per statement, and a rest spread
 * (`{ sql, ...common }`) is several times slower.
 */
export function auditRecordFromPg(r: PgAuditRecord): AuditRecord {
  return {
    id: r.id, ts_start: r.ts_start, ts_end: r.ts_end,
    chain: r.chain, subject: r.subject, groups: r.groups, key_id: r.key_id,
    connection: r.connection, kind: r.kind, operation: r.operation, target: r.target,
    decision: r.decision, rule: r.rule, approval_id: r.approval_id, approver: r.approver,
    status: r.status === 'ok' ? 0 : r.status === 'denied' ? 403 : 500,
    bytes_in: r.bytes_in, bytes_out: r.bytes_out, latency_ms: r.latency_ms, upstream_ms: r.upstream_ms,
    masked: r.masked, error: r.error,
    run_id: null,
    flagged: r.decision === 'flag',
    detail: { sql: r.sql, class: r.class, tables: r.tables, rows: r.rows, estimated_rows: r.estimated_rows, session: r.session, outcome: r.status },
  };
}

/** Statements go to the gateway's audit trail without a promise each; a failed commit ends the session. */
export function pgAuditSink(writer: AuditWriter): PgHooks['audit'] {
  return (r, failed) => writer.appendNoWait(auditRecordFromPg(r), failed);
}

/** Masks result cells with the detectors of the masking module, one compiled masker per spec list. */
export function cellMasker(): NonNullable<PgHooks['maskRow']> {
  const compiled = new WeakMap<readonly MaskSpec[], Masker>();
  return (columns: readonly MaskColumn[], values: Array<Buffer | null>): MaskResult => {
    const out = [...values];
    const masked: Record<string, number> = {};
    for (const col of columns) {
      const raw = out[col.index];
      if (raw === null || raw === undefined) continue;
      let m = compiled.get(col.specs);
      if (!m) compiled.set(col.specs, (m = compileMasker(col.specs)));
      const r = m.maskCell(col.name, col.table, raw.toString('utf8'));
      if (r.value !== null) out[col.index] = Buffer.from(r.value, 'utf8');
      for (const [k, n] of Object.entries(r.counts)) masked[k] = (masked[k] ?? 0) + n;
    }
    return { values: out, masked };
  };
}

export function postgresHooks(deps: { runtime: () => Runtime; approvals: ApprovalService; writer: AuditWriter; env: NodeJS.ProcessEnv; log: (text: string) => void }): PgHooks {
  return {
    get identity() {
      return deps.runtime().identity;
    },
    compiled: () => deps.runtime().compiled,
    audit: pgAuditSink(deps.writer),
    requestApproval: approvalsFromService(deps.approvals),
    maskRow: cellMasker(),
    env: deps.env,
    log: (e) => deps.log(`postgres ${e.connection}: ${e.message}`),
  };
}
