import type { ApprovalRepo } from '../approvals/repo.js';
/** The state store's contract: the audit trail now; approvals, grants and access requests later (as migrations). */

/** One record per call, as docs/gateway.md and DESIGN.md list the fields. Never bodies, never credentials. */
export interface AuditRecord {
  id: string;
  ts_start: string;
  ts_end: string;
  chain: string | null;
  subject: string | null;
  groups: string[];
  key_id: string | null;
  connection: string | null;
  kind: 'http' | 'sql' | 'mcp';
  operation: string;
  target: string | null;
  decision: 'allow' | 'deny' | 'approve' | 'flag';
  rule: string | null;
  approval_id: string | null;
  approver: string | null;
  status: number;
  bytes_in: number;
  bytes_out: number;
  latency_ms: number;
  upstream_ms: number | null;
  masked: Record<string, number>;
  error: string | null;
  run_id: string | null;
  flagged: boolean;
  /** What only some kinds have: for SQL, the normalised statement, class, tables, rows and estimate. */
  detail?: Record<string, unknown> | null;
}

export interface AuditQuery {
  chain?: string;
  connection?: string;
  /** ISO timestamp: records that started at or after it. */
  since?: string;
  limit?: number;
}

export interface StateStore {
  readonly location: string;
  /** Approvals, access requests and grants (absent on a read-only store). */
  readonly approvals: ApprovalRepo | undefined;
  /** Appends the records in one transaction; durable (against a process crash) when it returns. Throws when it cannot write. */
  appendAudit(records: readonly AuditRecord[]): void;
  /** Newest first. */
  queryAudit(query: AuditQuery): AuditRecord[];
  close(): void;
}
