/**
 * "Request access": files an access request with the gateway's admin API (POST /v1/requests, see
 * docs/approvals.md) and, when no gateway answers, writes it to .chainwarden/requests/<id>.json beside
 * the policy so it can be filed later (or reviewed in a pull request). The admin token is resolved
 * from the policy by the admin client and never appears in messages.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { AdminApiError, AdminClient, adminClientOptions } from '../../gateway/admin/client.js';
import type { Policy } from '../../gateway/policy/index.js';
import type { RequestAccessResult } from './protocol.js';

export interface AccessRequest {
  chain: string;
  connection: string;
  operation: string;
  reason: string;
  /** Where the request came from, recorded in a request file. */
  source?: { file: string; line?: number };
}

export interface RequestAccessOptions {
  policy: Policy;
  /** The admin API URL from the client's settings; else CHAINWARDEN_ADMIN_URL, else http://<gateway.admin>. */
  adminUrl?: string | null;
  env?: NodeJS.ProcessEnv;
}

/** Admin API answers that mean "this gateway cannot take requests" rather than "no": fall back to a file. */
const FALLBACK_STATUSES = new Set([0, 404, 405, 501, 502, 503]);

export function defaultReason(req: Pick<AccessRequest, 'chain' | 'connection' | 'operation'>): string {
  return `Chain "${req.chain}" needs ${req.operation} on connection "${req.connection}" (requested from the editor).`;
}

export async function requestAccess(req: AccessRequest, opts: RequestAccessOptions): Promise<RequestAccessResult & { message: string; adminUrl: string }> {
  const clientOptions = adminClientOptions(opts.policy, opts.env ?? process.env, opts.adminUrl ? { admin: opts.adminUrl } : {});
  const client = new AdminClient(clientOptions);
  const body = { chain: req.chain, connection: req.connection, operation: req.operation, reason: req.reason };
  try {
    const answer = await client.call<{ id?: unknown; status?: unknown }>('POST', '/v1/requests', body);
    const id = typeof answer.id === 'string' ? answer.id : 'unknown';
    const status = typeof answer.status === 'string' ? answer.status : 'pending';
    return {
      id, status, via: 'gateway', adminUrl: clientOptions.baseUrl,
      message: `Access request ${id} filed with the gateway (${status}): ${req.chain} → ${req.connection} "${req.operation}". An approver answers it with "chainwarden approve ${id} --for 1h".`,
    };
  } catch (e) {
    if (!(e instanceof AdminApiError) || !FALLBACK_STATUSES.has(e.status)) throw e;
    const written = await writeRequestFile(req, opts.policy);
    const why = e.status === 0 ? `no gateway answered at ${clientOptions.baseUrl}` : `the gateway at ${clientOptions.baseUrl} does not take access requests (HTTP ${e.status})`;
    return {
      ...written, via: 'file', adminUrl: clientOptions.baseUrl,
      message: `Access request ${written.id} saved to ${written.path} because ${why}. File it with "chainwarden request --chain ${req.chain} --connection ${req.connection} --op '${req.operation}'" once the gateway runs, or commit the file for review.`,
    };
  }
}

async function writeRequestFile(req: AccessRequest, policy: Policy): Promise<{ id: string; status: string; path: string }> {
  const id = `req_local_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  const dir = join(dirname(policy.file), '.chainwarden', 'requests');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${id}.json`);
  const record = {
    id, kind: 'access', status: 'pending',
    chain: req.chain, connection: req.connection, operation: req.operation, reason: req.reason,
    requested_at: new Date().toISOString(),
    ...(req.source ? { source: req.source } : {}),
  };
  // "wx": never overwrite an existing request.
  await writeFile(path, JSON.stringify(record, null, 2) + '\n', { flag: 'wx', mode: 0o644 });
  return { id, status: 'pending', path };
}
