/** The audit record of one statement: DESIGN.md's fields plus the SQL ones. Never literals, never credentials. */
import type { Decision } from '../policy/index.js';
import { operationText } from './decide.js';
import { isoTime } from '../store/iso-time.js';
import type { PgAuditRecord } from './hooks.js';
import type { SessionContext } from './session.js';
import type { Run } from './units.js';

let auditSeq = 0;
const idPrefixes = new WeakMap<SessionContext, string>();

/** `sql_<session>_<sequence>`: unique within the process, sortable within a session. */
function recordId(ctx: SessionContext): string {
  let prefix = idPrefixes.get(ctx);
  if (prefix === undefined) idPrefixes.set(ctx, (prefix = `sql_${ctx.pid.toString(36)}_`));
  return prefix + (++auditSeq).toString(36);
}

export function auditRecord(ctx: SessionContext, run: Run, status: PgAuditRecord['status'], error: string | null, rows: number | null): PgAuditRecord {
  const end = Date.now();
  const d: Decision | null = run.decision;
  const id = ctx.identity;
  const info = run.info;
  return {
    id: recordId(ctx),
    ts_start: isoTime(run.start),
    ts_end: isoTime(end),
    chain: id.chain, subject: id.subject, groups: id.groups, key_id: id.keyId,
    connection: ctx.connection, kind: 'sql',
    operation: info ? operationText(info) : 'unparsable',
    target: ctx.target,
    decision: d?.effect ?? 'deny',
    rule: d?.rule ?? null,
    approval_id: run.approvalId, approver: run.approver,
    status,
    bytes_in: run.bytesIn, bytes_out: run.bytesOut,
    latency_ms: end - run.start,
    upstream_ms: run.upstreamStart === null ? null : end - run.upstreamStart,
    masked: run.masked,
    error,
    sql: info ? info.normalized : `(unparsable statement, ${run.unparsable ?? 0} bytes)`,
    class: info?.class ?? null,
    tables: info?.tables ?? [],
    rows,
    estimated_rows: run.estimatedRows,
    session: ctx.pid,
  };
}
