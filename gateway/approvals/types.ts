/** Approvals: a held call (one operation, now) or an access request (a standing grant), and who may answer. */
export type ApprovalKind = 'call' | 'access';
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface Approval {
  id: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  /** Who asked: the chain and the identity behind it. */
  chain: string | null;
  subject: string;
  groups: string[];
  runId: string | null;
  connection: string;
  /** The concrete operation ("POST /v1/fine_tuning/jobs", "write public.refunds"). */
  operation: string;
  /** A safe description for approvers: method, path, model, sizes, normalised SQL — never credentials. */
  summary: Record<string, unknown>;
  reason: string | null;
  /** The rule that asked for approval (null for access requests where no rule applies yet). */
  rule: string | null;
  /** "group:NAME" / "user:NAME" entries allowed to answer. */
  approvers: string[];
  /** Longest a grant "for a time" may last, from the rule. */
  maxTtlMs: number | null;
  requestedAt: number;
  /** After this a pending approval expires (the held call gets approval_timeout). */
  expiresAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  decisionReason: string | null;
  /** once: release this call only; for: a grant of the same chain + connection + operation for a time. */
  grant: { mode: 'once' } | { mode: 'for'; ms: number; grantId: string } | null;
  /** When a "once" approval released its call; it cannot release another. */
  consumedAt: number | null;
}

/** Who is answering, as the admin API authenticated them. */
export interface Actor {
  subject: string;
  groups: string[];
  /** The admin token is a break-glass identity: it may answer for any approver group, never its own request. */
  via: 'admin-token' | 'oidc';
}

export type Answer = { action: 'approve'; once: true } | { action: 'approve'; forMs: number } | { action: 'deny'; reason: string };
