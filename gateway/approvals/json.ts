/** An approval as the admin API, the CLI and webhooks show it: snake_case, ISO times, never a credential. */
import type { Approval } from './types.js';

export function approvalJson(a: Approval): Record<string, unknown> {
  return {
    id: a.id,
    kind: a.kind,
    status: a.status,
    chain: a.chain,
    subject: a.subject,
    groups: a.groups,
    run_id: a.runId,
    connection: a.connection,
    operation: a.operation,
    summary: a.summary,
    reason: a.reason,
    rule: a.rule,
    approvers: a.approvers,
    max_ttl_ms: a.maxTtlMs,
    requested_at: new Date(a.requestedAt).toISOString(),
    expires_at: new Date(a.expiresAt).toISOString(),
    decided_at: a.decidedAt === null ? null : new Date(a.decidedAt).toISOString(),
    decided_by: a.decidedBy,
    decision_reason: a.decisionReason,
    grant: a.grant,
  };
}
