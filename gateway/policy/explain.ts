/** Decisions as people and scripts read them (`policy explain`, hovers, error bodies). */
import { formatDuration } from './duration.js';
import type { Decision, DecisionRequest } from './engine.js';
import { operationKinds } from './operations.js';

export interface ExplainJson {
  decision: Decision['effect'];
  rule: string | null;
  grant: string | null;
  reasons: string[];
  request: { chain: string | null; groups: readonly string[]; connection: string; operation: string };
  approval?: { rule: string; approvers: string[]; ttl: string | null; timeout: string | null; once: boolean };
}

export function explainJson(request: DecisionRequest, decision: Decision): ExplainJson {
  const a = decision.approval;
  return {
    decision: decision.effect,
    rule: decision.rule,
    grant: decision.grant,
    reasons: decision.reasons,
    request: { chain: request.chain, groups: request.groups, connection: request.connection, operation: operationKinds[request.operation.kind].format(request.operation) },
    ...(a ? { approval: { rule: a.rule, approvers: a.approvers, ttl: a.ttlMs ? formatDuration(a.ttlMs) : null, timeout: a.timeoutMs ? formatDuration(a.timeoutMs) : null, once: a.once } } : {}),
  };
}

export function explainText(request: DecisionRequest, decision: Decision): string {
  const j = explainJson(request, decision);
  const who = [request.chain ? `chain ${request.chain}` : null, request.groups.length ? `groups ${request.groups.join(', ')}` : null].filter(Boolean).join(', ') || 'anonymous';
  const lines = [`${j.decision.toUpperCase()}: ${who} → ${j.request.connection} "${j.request.operation}"`];
  if (j.rule) lines.push(`  rule: ${j.rule}`);
  if (j.grant) lines.push(`  grant: ${j.grant}`);
  for (const r of j.reasons) lines.push(`  - ${r}`);
  if (j.approval) lines.push(`  approvers: ${j.approval.approvers.join(', ')}${j.approval.ttl ? `; grants last at most ${j.approval.ttl}` : ''}${j.approval.once ? '; once only' : ''}`);
  return lines.join('\n');
}
