/**
 * The `requestApproval` hook backed by the gateway's ApprovalService: the held statement becomes a
 * call approval (answered with `chainwarden approve ID` or the admin API), and the session waits on it.
 */
import type { ApprovalService } from '../approvals/service.js';
import type { PgHooks } from './hooks.js';

export function approvalsFromService(service: ApprovalService): PgHooks['requestApproval'] {
  return async (summary, pending, signal) => {
    const approval = service.createCall({
      chain: summary.chain,
      subject: summary.subject,
      groups: summary.groups,
      runId: null,
      connection: summary.connection,
      operation: summary.operation,
      // What approvers see: the statement with literals as placeholders, never values.
      summary: { sql: summary.sql, class: summary.class, tables: summary.tables, estimatedRows: summary.estimatedRows, unfiltered: summary.unfiltered, session: summary.session },
      decision: summary.decision,
    });
    pending(approval.id);
    const outcome = await service.wait(approval.id, signal);
    const a = outcome.approval;
    const reason = a.decisionReason ?? (!outcome.approved && outcome.code === 'approval_timeout' ? 'the approval expired' : undefined);
    return { approved: outcome.approved, approver: a.decidedBy ?? undefined, reason, approvalId: approval.id };
  };
}
