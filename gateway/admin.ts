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
import { routeAdmin, type AdminRoute } from './admin/approval-routes.js';
import type { Actor } from './approvals/types.js';

export interface AdminDeps {
  adminToken: () => string | undefined;
  store: StateStore;
  reload: () => { ok: boolean; errors: string[] };
  health: () => Record<string, unknown>;
  /** Approval, access-request and grant routes (absent: those paths are 404). */
  routes?: () => AdminRoute[];
  /** Verifies an OIDC bearer token for people who approve; null when the policy has no OIDC. */
  person?: (token: string) => Promise<Actor | null>;
  /** Groups that may use the admin API with an OIDC token: every approver group of the policy. */
  approverGroups?: () => ReadonlySet<string>;
}

const MAX_ADMIN_BODY = 64 * 1024;

export function createAdminServer(deps: AdminDeps): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin');
    if (req.method === 'GET' && url.pathname === '/healthz') return json(res, 200, { ok: true, ...deps.health() });
    const actor = await authenticate(req.headers, deps);
    if (actor === 'unauthenticated') return fail(res, 'CW_ERR_ADMIN_UNAUTHORIZED');
    if (actor === 'forbidden') return fail(res, 'CW_ERR_ADMIN_FORBIDDEN', 'the token is valid but in no approver group of the policy');
    const routes = deps.routes?.() ?? [];
    if (routes.some((r) => r.pattern.test(url.pathname))) {
      const body = await readJson(req);
      if (body instanceof Error) return fail(res, 'CW_ERR_ADMIN_BAD_BODY', body.message);
      const answer = routeAdmin(routes, { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body, actor });
      if (answer) return json(res, answer.status, answer.body);
    }
    if (actor.via !== 'admin-token') return fail(res, 'CW_ERR_ADMIN_FORBIDDEN', 'audit and reload need the admin token');
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

/**
 * The admin token is an operator credential; the person acting is named by x-chainwarden-actor and
 * recorded as admin:NAME. An OIDC token is accepted when its groups include an approver group.
 */
async function authenticate(headers: NodeJS.Dict<string | string[]>, deps: AdminDeps): Promise<Actor | 'unauthenticated' | 'forbidden'> {
  const header = typeof headers.authorization === 'string' ? headers.authorization : undefined;
  if (authorised(header, deps.adminToken())) {
    const named = typeof headers['x-chainwarden-actor'] === 'string' ? headers['x-chainwarden-actor'].replace(/[^\w.@-]/g, '').slice(0, 64) : '';
    return { subject: `admin:${named || 'operator'}`, groups: [], via: 'admin-token' };
  }
  if (!header || !header.toLowerCase().startsWith('bearer ') || !deps.person) return 'unauthenticated';
  const person = await deps.person(header.slice(7).trim());
  if (!person) return 'unauthenticated';
  const allowed = deps.approverGroups?.() ?? new Set<string>();
  return person.groups.some((g) => allowed.has(g)) ? person : 'forbidden';
}

function readJson(req: import('node:http').IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ADMIN_BODY) {
        resolve(new Error(`the body is over ${MAX_ADMIN_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.once('end', () => {
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(new Error('the body is not JSON'));
      }
    });
    req.once('error', () => resolve(new Error('the body could not be read')));
  });
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
