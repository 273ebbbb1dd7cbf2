/**
 * Just-in-time approval inside a session: the statement waits, the client is told the approval id
 * in a NoticeResponse, and a person's answer (or the rule's timeout, or a cancel) decides.
 */
import { CLASS_RANK } from './sql-registry.js';
import { PgGatewayError } from './errors.js';
import type { ApprovalSummary } from './hooks.js';
import { noticeResponse } from './protocol.js';
import type { Run } from './units.js';
import type { Session } from './session.js';
import type { SqlClass } from '../policy/index.js';

export type HoldOutcome = { approved: true } | { approved: false; error: PgGatewayError };

export class Approvals {
  private readonly aborts = new Set<(e: PgGatewayError) => void>();
  constructor(private readonly session: Session) {}

  /** Ends every wait with `reason`: a CancelRequest or a closing session. */
  abortAll(error: PgGatewayError = new PgGatewayError('CW_PG_APPROVAL_CANCELLED', '')): boolean {
    const had = this.aborts.size > 0;
    for (const a of [...this.aborts]) a(error);
    return had;
  }

  async hold(runs: Run[]): Promise<HoldOutcome> {
    const { ctx } = this.session;
    const d = runs[0]!.decision!;
    const compiled = ctx.hooks.compiled();
    const timeoutMs = d.approval?.timeoutMs ?? compiled.policy.approvals.timeoutMs;
    const infos = runs.map((r) => r.info!);
    const cls = infos.reduce<SqlClass>((m, i) => (CLASS_RANK[i.class] > CLASS_RANK[m] ? i.class : m), 'read');
    const tables = [...new Set(infos.flatMap((i) => i.tables))];
    const estimates = runs.map((r) => r.estimatedRows).filter((n): n is number => n !== null);
    const summary: ApprovalSummary = {
      connection: ctx.connection,
      chain: ctx.identity.chain,
      subject: ctx.identity.subject,
      groups: ctx.identity.groups,
      sql: infos.map((i) => i.normalized).join('; '),
      class: cls,
      tables,
      operation: tables.length ? `${cls} ${tables.join(',')}` : cls,
      estimatedRows: estimates.length ? Math.max(...estimates) : null,
      unfiltered: infos.some((i) => i.unfiltered),
      rule: d.rule ?? d.approval?.rule ?? '',
      approvers: d.approval?.approvers ?? [],
      reasons: d.reasons,
      timeoutMs,
      session: ctx.pid,
      decision: d,
    };
    let approvalId = '';
    const pending = (id: string) => {
      if (approvalId) return;
      approvalId = id;
      for (const r of runs) r.approvalId = id;
      this.session.toClient(
        noticeResponse({
          severity: 'NOTICE',
          code: '01000',
          message: `Chainwarden is holding this statement for approval ${id}`,
          detail: `${summary.operation} (rule "${summary.rule}")${summary.estimatedRows !== null ? `, about ${summary.estimatedRows} rows` : ''}`,
          hint: `An approver runs: chainwarden approve ${id}`,
        }),
      );
    };
    let timer: NodeJS.Timeout | undefined;
    let abort: ((e: PgGatewayError) => void) | undefined;
    const stop = new AbortController();
    try {
      const decided = ctx.hooks.requestApproval(summary, pending, stop.signal).then((o) => ({ kind: 'answer' as const, o }));
      const timedOut = new Promise<{ kind: 'timeout' }>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs)));
      const aborted = new Promise<{ kind: 'abort'; e: PgGatewayError }>((resolve) => {
        abort = (e) => resolve({ kind: 'abort', e });
        this.aborts.add(abort);
      });
      const r = await Promise.race([decided, timedOut, aborted]);
      if (r.kind === 'abort') return { approved: false, error: new PgGatewayError(r.e.code, approvalId || '(not yet queued)') };
      if (r.kind === 'timeout') {
        return { approved: false, error: new PgGatewayError('CW_PG_APPROVAL_DENIED', `${approvalId || '(not queued)'} timed out after ${Math.round(timeoutMs / 1000)} s`) };
      }
      const o = r.o;
      for (const run of runs) run.approvalId = o.approvalId;
      if (o.approved) {
        for (const run of runs) run.approver = o.approver ?? null;
        return { approved: true };
      }
      const by = o.approver ? ` by ${o.approver}` : '';
      return { approved: false, error: new PgGatewayError('CW_PG_APPROVAL_DENIED', `${o.approvalId} was denied${by}: ${o.reason ?? 'no reason given'}`) };
    } catch (e) {
      return { approved: false, error: new PgGatewayError('CW_PG_APPROVAL_DENIED', `could not be requested: ${(e as Error).message}`) };
    } finally {
      clearTimeout(timer);
      if (abort) this.aborts.delete(abort);
      stop.abort();
    }
  }
}
