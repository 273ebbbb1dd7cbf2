/**
 * What the PostgreSQL path needs from the rest of the gateway. The gateway command wires these; the
 * tests wire real in-memory ones. Nothing here decides policy: decisions come from `evaluate()`.
 */
import type { IdentityResolver } from '../identity/identity.js';
import type { AuditRecord } from '../store/types.js';
import type { CompiledPolicy, Decision, MaskSpec, SqlClass } from '../policy/index.js';

/**
 * One record per statement: the gateway's audit record (DESIGN.md fields), narrowed where a SQL statement
 * always knows the value, plus the SQL ones. Never literals, never credentials.
 */
export interface PgAuditRecord extends Omit<AuditRecord, 'subject' | 'connection' | 'kind' | 'target' | 'status' | 'run_id' | 'flagged' | 'detail'> {
  subject: string;
  connection: string;
  kind: 'sql';
  /** Upstream host:port/database, never the credential. */
  target: string;
  /** ok: ran; error: the database reported an error; denied: policy, approval or parse refused it. */
  status: 'ok' | 'error' | 'denied';
  /** The statement with literals replaced by $n placeholders. */
  sql: string;
  class: SqlClass | null;
  tables: string[];
  /** Rows returned or affected (from CommandComplete). */
  rows: number | null;
  estimated_rows: number | null;
  /** The gateway's id for the client session (its BackendKeyData process id). */
  session: number;
}

/** What an approver sees. Literals are replaced by placeholders; the planner's estimate when one was needed. */
export interface ApprovalSummary {
  connection: string;
  chain: string | null;
  subject: string;
  groups: string[];
  sql: string;
  class: SqlClass;
  tables: string[];
  operation: string;
  estimatedRows: number | null;
  unfiltered: boolean;
  rule: string;
  approvers: string[];
  reasons: string[];
  timeoutMs: number;
  session: number;
  /** The engine's decision (effect approve, with its approval spec), for the approval service. */
  decision: Decision;
}

export interface ApprovalOutcome {
  approved: boolean;
  approver?: string;
  reason?: string;
  approvalId: string;
}

/** A result column that masking applies to, with the specs that cover it. */
export interface MaskColumn {
  index: number;
  name: string;
  /** schema.table when the column comes straight from a table, else null. */
  table: string | null;
  typeOid: number;
  /** 0 text, 1 binary. Detectors only ever see text values. */
  format: number;
  specs: MaskSpec[];
}

export interface MaskResult {
  values: Array<Buffer | null>;
  /** Count of masked values by detector name. */
  masked: Record<string, number>;
}

export interface PgHooks {
  /** The shared resolver: a Chainwarden key or an OIDC token presented as the PostgreSQL password. */
  identity: IdentityResolver;
  /** The current compiled policy (with grants); called per statement so reloads take effect. */
  compiled(): CompiledPolicy;
  /**
   * Appends one record; a throw, a rejection or a call of `failed` (when the record could not be
   * made durable later) closes the session (fail closed). A sink that reports through `failed`
   * need not return a promise: the session never waits for the audit trail between statements.
   */
  audit(record: PgAuditRecord, failed: () => void): void | Promise<void>;
  /**
   * Queues a held statement for a person. Call `pending(approvalId)` as soon as it is queued, so the
   * client is told which id to approve; resolve when someone decides. The session enforces the
   * rule's timeout itself and aborts `signal` when it stops waiting (timeout, cancel, client gone).
   */
  requestApproval(summary: ApprovalSummary, pending: (approvalId: string) => void, signal: AbortSignal): Promise<ApprovalOutcome>;
  /** Masks one row; only called when some column has specs. Must keep the values' count. */
  maskRow?(columns: readonly MaskColumn[], values: Array<Buffer | null>): MaskResult;
  /** TLS for clients (PEM). Without it SSLRequest is answered 'N'. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** How clients authenticate: SCRAM (keys only, no TLS needed) or a cleartext password (keys or tokens; use with TLS). Default: cleartext with TLS, SCRAM without. */
  clientAuth?: 'auto' | 'scram' | 'password';
  /** Environment for secret references; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Operational events (session errors); never statement text or credentials. */
  log?(event: { level: 'info' | 'warn' | 'error'; connection: string; message: string }): void;
}
