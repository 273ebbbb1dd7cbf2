/**
 * The rules that make approvals trustworthy, as pure functions: the requester never approves their
 * own request; only members of the rule's approver groups (or named users) may answer; an answered
 * or expired approval cannot be answered again; a grant cannot outlive the rule's ttl.
 */
import { statusOf } from '../errors.js';
import type { Actor, Answer, Approval } from './types.js';

export type ApprovalErrorCode = 'CW_ERR_SELF_APPROVAL' | 'CW_ERR_NOT_APPROVER' | 'CW_ERR_ALREADY_DECIDED' | 'CW_ERR_APPROVAL_EXPIRED' | 'CW_ERR_TTL_EXCEEDED' | 'CW_ERR_REASON_REQUIRED' | 'CW_ERR_APPROVAL_NOT_FOUND';

export class ApprovalError extends Error {
  override name = 'ApprovalError';
  readonly status: number;
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
  ) {
    super(message);
    this.status = statusOf(code);
  }
}

export function mayAnswer(approval: Approval, actor: Actor): true | ApprovalError {
  if (actor.subject === approval.subject) {
    return new ApprovalError('CW_ERR_SELF_APPROVAL', `${actor.subject} requested ${approval.id} and cannot answer it`);
  }
  if (actor.via === 'admin-token') return true;
  const allowed = approval.approvers.some((a) => (a.startsWith('group:') ? actor.groups.includes(a.slice(6)) : a === `user:${actor.subject}`));
  return allowed ? true : new ApprovalError('CW_ERR_NOT_APPROVER', `${actor.subject} is not among the approvers of ${approval.id} (${approval.approvers.join(', ')})`);
}

/** Applies an answer; returns the new approval or the coded reason it cannot be applied. Never mutates. */
export function answer(approval: Approval, actor: Actor, ans: Answer, now: number, newGrantId: () => string): Approval | ApprovalError {
  if (approval.status === 'pending' && now >= approval.expiresAt) {
    return new ApprovalError('CW_ERR_APPROVAL_EXPIRED', `${approval.id} expired at ${new Date(approval.expiresAt).toISOString()}`);
  }
  if (approval.status !== 'pending') {
    return new ApprovalError('CW_ERR_ALREADY_DECIDED', `${approval.id} is already ${approval.status}${approval.decidedBy ? ` by ${approval.decidedBy}` : ''}`);
  }
  const may = mayAnswer(approval, actor);
  if (may !== true) return may;
  const decided = { ...approval, decidedAt: now, decidedBy: actor.subject };
  if (ans.action === 'deny') {
    if (!ans.reason.trim()) return new ApprovalError('CW_ERR_REASON_REQUIRED', 'a denial needs a reason');
    return { ...decided, status: 'denied', decisionReason: ans.reason };
  }
  if ('once' in ans) {
    if (approval.kind === 'access') return new ApprovalError('CW_ERR_TTL_EXCEEDED', `${approval.id} is an access request: approve it --for a duration`);
    return { ...decided, status: 'approved', grant: { mode: 'once' }, decisionReason: null };
  }
  if (approval.maxTtlMs !== null && ans.forMs > approval.maxTtlMs) {
    return new ApprovalError('CW_ERR_TTL_EXCEEDED', `rule "${approval.rule}" allows grants of at most ${approval.maxTtlMs / 1000}s`);
  }
  return { ...decided, status: 'approved', grant: { mode: 'for', ms: ans.forMs, grantId: newGrantId() }, decisionReason: null };
}

/** Glob characters in a concrete operation are escaped away by refusing them: a grant names one exact operation. */
export function grantPattern(operation: string): string | null {
  return /[*?]/.test(operation) ? null : operation;
}
