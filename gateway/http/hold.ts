/**
 * Holding a call for a person: the `onApprove` stage backed by the approval queue. The call is not
 * forwarded until an approver says yes; the caller waits (or, with `x-chainwarden-wait: 0`, gets the
 * approval id at once and retries with `x-chainwarden-approval: ID`).
 */
import type { ApprovalService } from '../approvals/service.js';
import type { Decision } from '../policy/engine.js';
import type { Exchange } from './exchange.js';
import type { Outcome, PipelineHooks } from './pipeline.js';

/** Bodies up to this size are read for the approver's summary (model name, size); larger ones are summarised by size only. */
const SUMMARY_BODY_LIMIT = 1024 * 1024;

export function holdForApproval(service: () => ApprovalService): NonNullable<PipelineHooks['onApprove']> {
  return async (ex: Exchange, d: Decision): Promise<Outcome | void> => {
    const approvals = service();
    const id = ex.identity!;
    const retry = header(ex, 'x-chainwarden-approval');
    if (retry) {
      const released = approvals.consumeOnce(retry, id.chain, ex.connection!, ex.operation);
      if (!released) return { code: 'CW_ERR_APPROVAL_REQUIRED', detail: `approval ${retry} does not release this call (unknown, not approved, already used, or for another chain, connection or operation)`, rule: d.rule };
      ex.approvalId = released.id;
      ex.approver = released.decidedBy;
      return;
    }
    const summary = await summarise(ex, d);
    const approval = approvals.createCall({ chain: id.chain, subject: id.subject, groups: id.groups, runId: ex.runId, connection: ex.connection!, operation: ex.operation, summary, decision: d });
    ex.approvalId = approval.id;
    if (header(ex, 'x-chainwarden-wait') === '0') {
      return { code: 'CW_ERR_APPROVAL_REQUIRED', detail: `approval ${approval.id} is pending (rule "${d.rule}", approvers ${approval.approvers.join(', ')}); after "chainwarden approve ${approval.id}", retry with header x-chainwarden-approval: ${approval.id}`, rule: d.rule };
    }
    // A caller that leaves stops waiting; the approval stays pending and nothing is forwarded.
    const left = new AbortController();
    const onClose = () => left.abort();
    ex.res.once('close', onClose);
    const outcome = await approvals.wait(approval.id, left.signal);
    ex.res.off('close', onClose);
    if (left.signal.aborted) return { code: 'CW_ERR_CALLER_CLOSED' };
    const a = outcome.approval;
    if (outcome.approved) {
      ex.approver = a.decidedBy;
      if (a.grant?.mode === 'once') approvals.consumeOnce(a.id, id.chain, ex.connection!, ex.operation);
      return;
    }
    if (outcome.code === 'approval_denied') return { code: 'CW_ERR_APPROVAL_DENIED', detail: `approval ${a.id} denied by ${a.decidedBy}: ${a.decisionReason}`, rule: d.rule };
    return { code: 'CW_ERR_APPROVAL_TIMEOUT', detail: `approval ${a.id} was not answered in time (rule "${d.rule}")`, rule: d.rule };
  };
}

function header(ex: Exchange, name: string): string | undefined {
  const v = ex.req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** What an approver sees: method, path, model name and sizes — never headers, never the body itself. */
async function summarise(ex: Exchange, d: Decision): Promise<Record<string, unknown>> {
  const length = Number(ex.req.headers['content-length'] ?? 0);
  const summary: Record<string, unknown> = { method: ex.req.method, path: ex.path, bytes: length || null, content_type: ex.req.headers['content-type'] ?? null };
  if (length > 0 && length <= SUMMARY_BODY_LIMIT && /json/i.test(String(ex.req.headers['content-type'] ?? ''))) {
    const body = await readBody(ex, length);
    ex.prefetched = body;
    ex.bytesIn = body.length;
    try {
      const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      if (typeof parsed.model === 'string') summary.model = parsed.model.slice(0, 200);
      if (Array.isArray(parsed.messages)) summary.messages = parsed.messages.length;
      if (typeof parsed.stream === 'boolean') summary.stream = parsed.stream;
    } catch {
      summary.body = 'not JSON';
    }
  }
  if (d.approval?.includeBody && ex.prefetched) {
    // The body only where the rule asks for it, and masked like a response would be.
    const masker = ex.runtime.maskerFor(ex.connection!, d);
    const text = ex.prefetched.toString('utf8').slice(0, 4096);
    summary.body = masker ? masker.maskText(text).text : text;
  }
  return summary;
}

function readBody(ex: Exchange, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    ex.req.on('data', (c: Buffer) => chunks.push(c));
    ex.req.once('end', () => resolve(Buffer.concat(chunks, length)));
    ex.req.once('error', reject);
  });
}
