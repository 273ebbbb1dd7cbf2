/**
 * The approval queue: creates approvals for held calls and access requests, applies answers under
 * the rules in decide.ts, turns "approve for a time" into grants, and wakes the held calls.
 * Data paths (HTTP, PostgreSQL) call `hold()`; the admin API and CLI call `answer()`.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Decision, Grant } from '../policy/engine.js';
import type { Policy } from '../policy/types.js';
import { answer as applyAnswer, ApprovalError, grantPattern } from './decide.js';
import type { ApprovalRepo, StoredGrant } from './repo.js';
import type { Actor, Answer, Approval } from './types.js';

export interface ApprovalEvents {
  created: [approval: Approval];
  decided: [approval: Approval];
  grants: [grants: Grant[]];
}

export interface HoldRequest {
  chain: string | null;
  subject: string;
  groups: string[];
  runId: string | null;
  connection: string;
  operation: string;
  summary: Record<string, unknown>;
  decision: Decision;
}

export interface AccessRequest {
  chain: string;
  subject: string;
  connection: string;
  operation: string;
  reason: string;
}

export type HoldOutcome = { approved: true; approval: Approval } | { approved: false; approval: Approval; code: 'approval_denied' | 'approval_timeout' };

/** Ids people type into a CLI: short, unambiguous, no secrets. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export class ApprovalService extends EventEmitter<ApprovalEvents> {
  private waiters = new Map<string, Set<(a: Approval) => void>>();

  constructor(
    private readonly repo: ApprovalRepo,
    private policy: Policy,
    private readonly clock: () => number = Date.now,
  ) {
    super();
  }

  setPolicy(policy: Policy): void {
    this.policy = policy;
  }

  /** Creates the approval for a call whose decision is `approve`. */
  createCall(req: HoldRequest): Approval {
    const spec = req.decision.approval;
    if (!spec) throw new Error('createCall needs an approve decision');
    const now = this.clock();
    const approval: Approval = {
      id: newId('apr'),
      kind: 'call',
      status: 'pending',
      chain: req.chain,
      subject: req.subject,
      groups: req.groups,
      runId: req.runId,
      connection: req.connection,
      operation: req.operation,
      summary: req.summary,
      reason: null,
      rule: spec.rule,
      approvers: spec.approvers,
      maxTtlMs: spec.ttlMs ?? null,
      requestedAt: now,
      expiresAt: now + (spec.timeoutMs ?? this.policy.approvals.timeoutMs),
      decidedAt: null,
      decidedBy: null,
      decisionReason: null,
      grant: null,
      consumedAt: null,
    };
    this.repo.insert(approval);
    this.emit('created', approval);
    return approval;
  }

  /**
   * An access request for a standing grant. Its approvers are those of the connection's approve
   * rules; where there are none, only the admin token can answer it.
   */
  createAccess(req: AccessRequest): Approval {
    const now = this.clock();
    const rules = this.policy.rules.filter((r) => r.approve && r.connections.includes(req.connection));
    const approval: Approval = {
      id: newId('req'),
      kind: 'access',
      status: 'pending',
      chain: req.chain,
      subject: req.subject,
      groups: [],
      runId: null,
      connection: req.connection,
      operation: req.operation,
      summary: {},
      reason: req.reason,
      rule: rules[0]?.name ?? null,
      approvers: [...new Set(rules.flatMap((r) => r.approve!.approvers))],
      maxTtlMs: rules.length ? Math.min(...rules.map((r) => r.approve!.ttlMs ?? Infinity)) : null,
      requestedAt: now,
      // Access requests wait for people, not for a held socket: a week.
      expiresAt: now + 7 * 86_400_000,
      decidedAt: null,
      decidedBy: null,
      decisionReason: null,
      grant: null,
      consumedAt: null,
    };
    if (approval.maxTtlMs === Infinity) approval.maxTtlMs = null;
    this.repo.insert(approval);
    this.emit('created', approval);
    return approval;
  }

  get(id: string): Approval {
    const a = this.repo.get(id);
    if (!a) throw new ApprovalError('CW_ERR_APPROVAL_NOT_FOUND', `no approval or request with id ${id}`);
    return this.expireIfDue(a);
  }

  list(filter: Parameters<ApprovalRepo['list']>[0] = {}): Approval[] {
    return this.repo.list(filter).map((a) => this.expireIfDue(a)).filter((a) => !filter.status || a.status === filter.status);
  }

  answer(id: string, actor: Actor, ans: Answer): Approval {
    const current = this.get(id);
    const next = applyAnswer(current, actor, ans, this.clock(), () => newId('grt'));
    if (next instanceof ApprovalError) throw next;
    if (!this.repo.replace(next, 'pending')) {
      const now = this.repo.get(id);
      throw new ApprovalError('CW_ERR_ALREADY_DECIDED', `${id} is already ${now?.status ?? 'gone'}${now?.decidedBy ? ` by ${now.decidedBy}` : ''}`);
    }
    if (next.grant?.mode === 'for' && next.chain) {
      const operation = next.kind === 'call' ? grantPattern(next.operation) : next.operation;
      if (operation) {
        const grant: StoredGrant = {
          id: next.grant.grantId,
          chain: next.chain,
          connection: next.connection,
          operation,
          expiresAt: next.decidedAt! + next.grant.ms,
          grantedBy: actor.subject,
          reason: next.reason ?? undefined,
          approvalId: next.id,
          createdAt: next.decidedAt!,
          revokedAt: null,
        };
        this.repo.insertGrant(grant);
        this.emit('grants', this.activeGrants());
      }
    }
    this.emit('decided', next);
    this.wake(next);
    return next;
  }

  /** Waits for an answer; expires the approval when the time is up. A client that leaves only stops waiting. */
  wait(id: string, signal?: AbortSignal): Promise<HoldOutcome> {
    const start = this.get(id);
    if (start.status !== 'pending') return Promise.resolve(this.outcome(start));
    return new Promise((resolve) => {
      const done = (a: Approval) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.get(id)?.delete(done);
        resolve(this.outcome(a));
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.waiters.get(id)?.delete(done);
        resolve({ approved: false, approval: this.get(id), code: 'approval_timeout' });
      };
      const timer = setTimeout(() => done(this.get(id)), Math.max(0, start.expiresAt - this.clock()) + 5);
      signal?.addEventListener('abort', onAbort, { once: true });
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(done);
    });
  }

  /** A retry that names an approved once-approval releases exactly one call with the same identity and operation. */
  consumeOnce(id: string, chain: string | null, connection: string, operation: string): Approval | undefined {
    const a = this.repo.get(id);
    if (!a || a.status !== 'approved' || a.grant?.mode !== 'once') return undefined;
    if (a.chain !== chain || a.connection !== connection || a.operation !== operation) return undefined;
    return this.repo.consume(id, this.clock()) ? a : undefined;
  }

  activeGrants(): StoredGrant[] {
    return this.repo.activeGrants(this.clock());
  }

  revokeGrant(id: string): boolean {
    const ok = this.repo.revokeGrant(id, this.clock());
    if (ok) this.emit('grants', this.activeGrants());
    return ok;
  }

  private outcome(a: Approval): HoldOutcome {
    if (a.status === 'approved') return { approved: true, approval: a };
    return { approved: false, approval: a, code: a.status === 'denied' ? 'approval_denied' : 'approval_timeout' };
  }

  private expireIfDue(a: Approval): Approval {
    if (a.status !== 'pending' || this.clock() < a.expiresAt) return a;
    const expired: Approval = { ...a, status: 'expired', decidedAt: a.expiresAt };
    if (this.repo.replace(expired, 'pending')) {
      this.emit('decided', expired);
      this.wake(expired);
      return expired;
    }
    return this.repo.get(a.id) ?? expired;
  }

  private wake(a: Approval): void {
    for (const w of [...(this.waiters.get(a.id) ?? [])]) w(a);
    this.waiters.delete(a.id);
  }
}
