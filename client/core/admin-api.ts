/**
 * The gateway's admin API as the editor uses it: typed calls over the shared AdminClient
 * (gateway/admin/client.ts), so errors, headers and the actor are the CLI's. No VS Code import.
 */
import { AdminApiError, AdminClient } from '../../gateway/admin/client.js';

export { AdminApiError };

export interface ApprovalItem {
  id: string;
  kind?: 'call' | 'access';
  status: string;
  chain: string;
  connection: string;
  operation: string;
  rule?: string | null;
  summary?: unknown;
  reason?: string | null;
  requested_at: string;
  expires_at?: string;
  decided_by?: string | null;
  decision_reason?: string | null;
}

export interface GrantItem {
  id: string;
  chain: string;
  connection: string;
  operation: string;
  expires_at: string;
  granted_by?: string | null;
  approval_id?: string | null;
}

export interface AuditRecord {
  id: string;
  ts_start: string;
  chain: string | null;
  connection: string;
  operation: string;
  decision: string;
  rule: string | null;
  status: number | null;
  latency_ms: number | null;
  error?: string | null;
  approver?: string | null;
}

export interface AuditQuery {
  chain?: string;
  connection?: string;
  decision?: string;
  since?: string;
  limit?: number;
}

/** How a grant is asked for: one call, or a duration such as "1h". */
export type ApproveHow = { once: true } | { for: string };

export class GatewayAdmin {
  private readonly client: AdminClient;
  constructor(readonly baseUrl: string, token: string | undefined, actor?: string) {
    this.client = new AdminClient({ baseUrl: baseUrl.replace(/\/+$/, ''), ...(token ? { token } : {}), ...(actor ? { actor } : {}) });
  }

  /** true when the admin API answers /healthz with 2xx; never throws. */
  async healthy(): Promise<boolean> {
    try {
      await this.client.call('GET', '/healthz');
      return true;
    } catch {
      return false;
    }
  }

  async pendingApprovals(): Promise<ApprovalItem[]> {
    return (await this.client.call<{ approvals?: ApprovalItem[] }>('GET', '/v1/approvals?status=pending')).approvals ?? [];
  }

  approve(id: string, how: ApproveHow): Promise<ApprovalItem> {
    return this.client.call<ApprovalItem>('POST', `/v1/${collectionOf(id)}/${encodeURIComponent(id)}/approve`, how);
  }

  deny(id: string, reason: string): Promise<ApprovalItem> {
    return this.client.call<ApprovalItem>('POST', `/v1/${collectionOf(id)}/${encodeURIComponent(id)}/deny`, { reason });
  }

  async requests(status?: string): Promise<ApprovalItem[]> {
    const q = status ? `?status=${encodeURIComponent(status)}` : '';
    return (await this.client.call<{ requests?: ApprovalItem[] }>('GET', `/v1/requests${q}`)).requests ?? [];
  }

  fileRequest(req: { chain: string; connection: string; operation: string; reason: string }): Promise<{ id: string; status: string }> {
    return this.client.call('POST', '/v1/requests', req);
  }

  async grants(): Promise<GrantItem[]> {
    return (await this.client.call<{ grants?: GrantItem[] }>('GET', '/v1/grants')).grants ?? [];
  }

  revoke(id: string): Promise<{ id: string; revoked: boolean }> {
    return this.client.call('DELETE', `/v1/grants/${encodeURIComponent(id)}`);
  }

  async audit(q: AuditQuery): Promise<AuditRecord[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
    const s = params.toString();
    const answer = await this.client.call<{ records?: AuditRecord[] }>('GET', `/v1/audit${s ? `?${s}` : ''}`);
    return answer.records ?? [];
  }
}

/** Access requests (req_…) are answered under /v1/requests, held calls (apr_…) under /v1/approvals. */
export function collectionOf(id: string): 'requests' | 'approvals' {
  return id.startsWith('req_') ? 'requests' : 'approvals';
}
