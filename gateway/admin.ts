/**
 * The admin API (on gateway.admin): health, audit queries, policy reload. Every route but
 * /healthz needs `Authorization: Bearer <gateway.adminToken>`; without a configured token the
 * protected routes are closed to everyone.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { errorBody, statusOf, type ErrorCode } from './errors.js';
import { parseDuration } from './policy/duration.js';
import type { AuditQuery, StateStore } from './store/types.js';

export interface AdminDeps {
  adminToken: () => string | undefined;
  store: StateStore;
  reload: () => { ok: boolean; errors: string[] };
  health: () => Record<string, unknown>;
}

export function createAdminServer(deps: AdminDeps): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin');
    if (req.method === 'GET' && url.pathname === '/healthz') return json(res, 200, { ok: true, ...deps.health() });
    if (!authorised(req.headers.authorization, deps.adminToken())) return fail(res, 'CW_ERR_ADMIN_UNAUTHORIZED');
    if (req.method === 'GET' && url.pathname === '/v1/audit') {
      const query = auditQuery(url.searchParams);
      if (typeof query === 'string') return fail(res, 'CW_ERR_ADMIN_BAD_QUERY', query);
      return json(res, 200, { records: deps.store.queryAudit(query) });
    }
    if (req.method === 'POST' && url.pathname === '/v1/reload') {
      const r = deps.reload();
      return json(res, r.ok ? 200 : 422, r);
    }
    fail(res, 'CW_ERR_ADMIN_NOT_FOUND', `${req.method} ${url.pathname}`);
  });
}

/** Parses ?chain=&connection=&since=1h|ISO&limit=; returns a message when malformed. Shared with the CLI. */
export function auditQuery(p: URLSearchParams, now = Date.now()): AuditQuery | string {
  const q: AuditQuery = {};
  const chain = p.get('chain');
  const connection = p.get('connection');
  if (chain) q.chain = chain;
  if (connection) q.connection = connection;
  const since = p.get('since');
  if (since) {
    const s = parseSince(since, now);
    if (s === null) return `since: expected a duration such as 1h or an ISO timestamp, got "${since}"`;
    q.since = s;
  }
  const limit = p.get('limit');
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1) return `limit: expected a positive integer, got "${limit}"`;
    q.limit = n;
  }
  return q;
}

export function parseSince(text: string, now = Date.now()): string | null {
  const ms = parseDuration(text);
  if (ms !== undefined && ms !== null) return new Date(now - ms).toISOString();
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function authorised(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header || !header.toLowerCase().startsWith('bearer ')) return false;
  const a = createHash('sha256').update(header.slice(7).trim()).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, code: ErrorCode, detail?: string): void {
  const text = errorBody(code, randomUUID(), detail);
  res.writeHead(statusOf(code), { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
