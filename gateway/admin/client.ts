/** The admin API as the CLI (and the VS Code extension) call it. */
import { userInfo } from 'node:os';
import { request } from 'undici';
import { resolveSecret } from '../policy/secrets.js';
import type { Policy } from '../policy/types.js';

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export interface AdminClientOptions {
  baseUrl: string;
  token?: string;
  /** The person acting, for audit and for the rule that nobody approves their own request. */
  actor?: string;
}

export function adminClientOptions(policy: Policy | undefined, env: NodeJS.ProcessEnv, overrides: { admin?: string; as?: string } = {}): AdminClientOptions {
  const baseUrl = overrides.admin ?? env.CHAINWARDEN_ADMIN_URL ?? `http://${policy?.gateway.admin ?? '127.0.0.1:8791'}`;
  let token = env.CHAINWARDEN_ADMIN_TOKEN;
  if (!token && policy?.gateway.adminToken) {
    try {
      token = resolveSecret(policy.gateway.adminToken, env, policy.file).reveal();
    } catch {
      token = undefined; // the request then fails with the admin API's own 401, which says what to do
    }
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ''), token, actor: overrides.as ?? env.CHAINWARDEN_USER ?? safeUser() };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export class AdminClient {
  constructor(private readonly opts: AdminClientOptions) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    if (this.opts.actor) headers['x-chainwarden-actor'] = this.opts.actor;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await request(`${this.opts.baseUrl}${path}`, { method: method as 'GET', headers, body: body === undefined ? undefined : JSON.stringify(body), headersTimeout: 10_000, bodyTimeout: 10_000 });
    } catch (e) {
      throw new AdminApiError(0, 'CW_ERR_ADMIN_UNREACHABLE', `cannot reach the gateway's admin API at ${this.opts.baseUrl} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); is "chainwarden gateway" running?`);
    }
    const text = await res.body.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new AdminApiError(res.statusCode, 'CW_ERR_ADMIN_BAD_RESPONSE', `the admin API answered ${res.statusCode} with a body that is not JSON`);
    }
    if (res.statusCode >= 400) {
      const err = json?.error ?? {};
      throw new AdminApiError(res.statusCode, err.code ?? `HTTP_${res.statusCode}`, err.message ?? `the admin API answered ${res.statusCode}`);
    }
    return json as T;
  }
}
