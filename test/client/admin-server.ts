/**
 * A loopback admin API for the client tests, built from the gateway's own route table
 * (gateway/admin/approval-routes.ts) over an in-memory approval store, behind a Bearer check.
 * /v1/audit answers from the records given, filtered as the contract says.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { approvalRoutes, routeAdmin } from '../../gateway/admin/approval-routes.js';
import { ApprovalService } from '../../gateway/approvals/service.js';
import { MemoryApprovalRepo } from '../../gateway/approvals/repo.js';
import type { Policy } from '../../gateway/policy/index.js';
import type { AuditRecord } from '../../client/core/admin-api.js';

export interface TestAdmin {
  url: string;
  service: ApprovalService;
  /** Every request seen, as "METHOD /path?query". */
  seen: string[];
  close(): Promise<void>;
}

export async function startAdmin(policy: Policy, token: string, audit: AuditRecord[] = []): Promise<TestAdmin> {
  const service = new ApprovalService(new MemoryApprovalRepo(), policy);
  const routes = approvalRoutes({ service, policy: () => policy });
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (url.pathname === '/healthz') return send(200, { ok: true });
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: { type: 'chainwarden_admin_error', code: 'CW_ERR_UNAUTHENTICATED', message: 'a Bearer token is required' } });
      if (url.pathname === '/v1/audit') {
        const q = url.searchParams;
        const records = audit.filter((r) => (!q.get('chain') || r.chain === q.get('chain')) && (!q.get('connection') || r.connection === q.get('connection')) && (!q.get('decision') || r.decision === q.get('decision')));
        return send(200, { records: records.slice(0, Number(q.get('limit') ?? 100)) });
      }
      let parsed: unknown;
      try {
        parsed = body ? JSON.parse(body) : undefined;
      } catch {
        return send(400, { error: { type: 'chainwarden_admin_error', code: 'CW_ERR_BAD_JSON', message: 'body is not JSON' } });
      }
      const actor = { subject: String(req.headers['x-chainwarden-actor'] ?? 'admin'), groups: [], via: 'admin-token' as const };
      const answer = routeAdmin(routes, { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body: parsed, actor });
      if (!answer) return send(404, { error: { type: 'chainwarden_admin_error', code: 'CW_ERR_NOT_FOUND', message: `no route ${url.pathname}` } });
      send(answer.status, answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    service,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
