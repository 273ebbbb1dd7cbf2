/**
 * Admin API routes for approvals, access requests and grants. Router-agnostic: the admin server
 * authenticates the caller into an Actor, parses JSON, and hands the request here.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { errorBody, statusOf, type ErrorCode } from '../errors.js';
import { relative, dirname } from 'node:path';
import { ApprovalError } from '../approvals/decide.js';
import { applyRequestToPolicy, unifiedDiff } from '../approvals/patch.js';
import type { ApprovalService } from '../approvals/service.js';
import type { Actor, Answer, Approval, ApprovalStatus } from '../approvals/types.js';
import { approvalJson } from '../approvals/json.js';

import { parseDuration } from '../policy/duration.js';
import { parseOperation } from '../policy/engine.js';
import type { Policy } from '../policy/types.js';

export interface AdminRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  actor: Actor;
}

export interface AdminResponse {
  status: number;
  body: unknown;
}

export interface AdminRoute {
  method: string;
  pattern: RegExp;
  handle(req: AdminRequest, params: string[]): AdminResponse;
}

/** Errors come from the gateway's one table, in the same JSON shape the data plane answers with. */
export function adminError(code: ErrorCode, detail?: string): AdminResponse {
  return { status: statusOf(code), body: JSON.parse(errorBody(code, randomUUID(), detail)) };
}

const STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'denied', 'expired'];

function field(body: unknown, name: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

function parseAnswer(body: unknown): Answer | string {
  const once = field(body, 'once');
  const forText = field(body, 'for');
  if (once === true && forText === undefined) return { action: 'approve', once: true };
  if (typeof forText === 'string' && once === undefined) {
    const ms = parseDuration(forText);
    return ms && ms > 0 ? { action: 'approve', forMs: ms } : `"for" must be a duration such as "30m" or "1h", got "${forText}"`;
  }
  return 'expected a JSON body {"once": true} or {"for": "1h"}';
}

function guard(fn: () => AdminResponse): AdminResponse {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ApprovalError) return adminError(e.code, e.message);
    throw e;
  }
}

export function approvalRoutes(deps: { service: ApprovalService; policy: () => Policy }): AdminRoute[] {
  const { service } = deps;
  const listBy = (kind: 'call' | 'access') => (req: AdminRequest): AdminResponse => {
    const status = req.query.get('status') ?? undefined;
    if (status !== undefined && !STATUSES.includes(status as ApprovalStatus)) return adminError('CW_ERR_ADMIN_BAD_QUERY', `status must be one of ${STATUSES.join(', ')}`);
    const limit = Number(req.query.get('limit') ?? 100);
    const items = service.list({ kind, status: status as ApprovalStatus | undefined, limit: Number.isFinite(limit) ? Math.min(Math.max(1, limit), 1000) : 100 });
    return { status: 200, body: { [kind === 'call' ? 'approvals' : 'requests']: items.map(approvalJson) } };
  };
  const answer = (req: AdminRequest, id: string, ans: Answer | string) =>
    guard(() => (typeof ans === 'string' ? adminError('CW_ERR_ADMIN_BAD_BODY', ans) : { status: 200, body: approvalJson(service.answer(id, req.actor, ans)) }));

  return [
    { method: 'GET', pattern: /^\/v1\/approvals$/, handle: listBy('call') },
    { method: 'GET', pattern: /^\/v1\/requests$/, handle: listBy('access') },
    { method: 'GET', pattern: /^\/v1\/(?:approvals|requests)\/([\w-]+)$/, handle: (req, [id]) => guard(() => ({ status: 200, body: withPatch(req, service.get(id!), deps.policy()) })) },
    { method: 'POST', pattern: /^\/v1\/(?:approvals|requests)\/([\w-]+)\/approve$/, handle: (req, [id]) => answer(req, id!, parseAnswer(req.body)) },
    {
      method: 'POST',
      pattern: /^\/v1\/(?:approvals|requests)\/([\w-]+)\/deny$/,
      handle: (req, [id]) => {
        const reason = field(req.body, 'reason');
        return answer(req, id!, typeof reason === 'string' && reason.trim() ? { action: 'deny', reason } : 'expected a JSON body {"reason": "why"}');
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/requests$/,
      handle: (req) => {
        const policy = deps.policy();
        const [chain, connection, operation, reason] = ['chain', 'connection', 'operation', 'reason'].map((k) => field(req.body, k));
        for (const [k, v] of Object.entries({ chain, connection, operation, reason })) {
          if (typeof v !== 'string' || !v.trim()) return adminError('CW_ERR_ADMIN_BAD_BODY', `"${k}" is required (a non-empty string)`);
        }
        if (!policy.connections[connection as string]) return adminError('CW_ERR_UNKNOWN_CONNECTION_ADMIN', `unknown connection "${connection}"`);
        const op = parseOperation(policy, connection as string, operation as string);
        if (typeof op === 'string') return adminError('CW_ERR_BAD_OPERATION', `operation: ${op}`);
        const created = service.createAccess({ chain: chain as string, subject: req.actor.subject, connection: connection as string, operation: operation as string, reason: reason as string });
        return { status: 201, body: approvalJson(created) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/grants$/,
      handle: () => ({
        status: 200,
        body: { grants: service.activeGrants().map((g) => ({ id: g.id, chain: g.chain, connection: g.connection, operation: g.operation, expires_at: g.expiresAt === null ? null : new Date(g.expiresAt).toISOString(), granted_by: g.grantedBy, approval_id: g.approvalId })) },
      }),
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/grants\/([\w-]+)$/,
      handle: (_req, [id]) => (service.revokeGrant(id!) ? { status: 200, body: { id, revoked: true } } : adminError('CW_ERR_GRANT_NOT_FOUND', `no active grant with id ${id}`)),
    },
  ];
}

/** `?patch=1` on an access request adds the policy change to commit, as a unified diff. */
function withPatch(req: AdminRequest, a: Approval, policy: Policy): Record<string, unknown> {
  const body = approvalJson(a);
  if (req.query.get('patch') && a.kind === 'access') {
    const text = readFileSync(policy.file, 'utf8');
    body.patch = unifiedDiff(text, applyRequestToPolicy(text, a), relative(dirname(policy.file), policy.file));
  }
  return body;
}

export function routeAdmin(routes: AdminRoute[], req: AdminRequest): AdminResponse | undefined {
  for (const r of routes) {
    const m = r.pattern.exec(req.path);
    if (m && r.method === req.method) return r.handle(req, m.slice(1));
  }
  const pathKnown = routes.some((r) => r.pattern.test(req.path));
  return pathKnown ? adminError('CW_ERR_ADMIN_METHOD', `${req.method} is not supported on ${req.path}`) : undefined;
}
