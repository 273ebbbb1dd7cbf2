/** Where approvals and grants live. The embedded store implements this over SQLite; tests may use the in-memory one. */
import type { Grant } from '../policy/engine.js';
import type { Approval, ApprovalKind, ApprovalStatus } from './types.js';

export interface StoredGrant extends Grant {
  approvalId: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface ApprovalRepo {
  insert(approval: Approval): void;
  get(id: string): Approval | undefined;
  /** Compare-and-set on status, so two approvers racing cannot both win. Returns false if the status moved. */
  replace(next: Approval, expected: ApprovalStatus): boolean;
  /** Marks a once-approval used; false if it already was. */
  consume(id: string, at: number): boolean;
  list(filter: { status?: ApprovalStatus; kind?: ApprovalKind; limit?: number }): Approval[];
  insertGrant(grant: StoredGrant): void;
  /** Grants neither revoked nor expired at `now`. */
  activeGrants(now: number): StoredGrant[];
  revokeGrant(id: string, at: number): boolean;
}

export class MemoryApprovalRepo implements ApprovalRepo {
  private approvals = new Map<string, Approval>();
  private grants = new Map<string, StoredGrant>();

  insert(a: Approval): void {
    this.approvals.set(a.id, structuredClone(a));
  }
  get(id: string): Approval | undefined {
    const a = this.approvals.get(id);
    return a && structuredClone(a);
  }
  replace(next: Approval, expected: ApprovalStatus): boolean {
    const cur = this.approvals.get(next.id);
    if (!cur || cur.status !== expected) return false;
    this.approvals.set(next.id, structuredClone(next));
    return true;
  }
  consume(id: string, at: number): boolean {
    const cur = this.approvals.get(id);
    if (!cur || cur.consumedAt !== null) return false;
    cur.consumedAt = at;
    return true;
  }
  list(filter: { status?: ApprovalStatus; kind?: ApprovalKind; limit?: number }): Approval[] {
    return [...this.approvals.values()]
      .filter((a) => (!filter.status || a.status === filter.status) && (!filter.kind || a.kind === filter.kind))
      .sort((x, y) => y.requestedAt - x.requestedAt)
      .slice(0, filter.limit ?? 1000)
      .map((a) => structuredClone(a));
  }
  insertGrant(g: StoredGrant): void {
    this.grants.set(g.id, { ...g });
  }
  activeGrants(now: number): StoredGrant[] {
    return [...this.grants.values()].filter((g) => g.revokedAt === null && (g.expiresAt === null || g.expiresAt > now)).map((g) => ({ ...g }));
  }
  revokeGrant(id: string, at: number): boolean {
    const g = this.grants.get(id);
    if (!g || g.revokedAt !== null) return false;
    g.revokedAt = at;
    return true;
  }
}
