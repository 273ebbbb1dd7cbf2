/**
 * The gateway process: loads the policy (every secret resolved, or it does not start), opens the
 * audit store, starts the HTTP data plane and the admin API, and hot-reloads the policy.
 */
import type { AddressInfo } from 'node:net';
import { isAbsolute, resolve, dirname } from 'node:path';
import type { Server } from 'node:http';
import { requirePolicy, loadPolicyFile } from './policy/load.js';
import { PolicyWatcher } from './policy/watch.js';
import { resolveSecret } from './policy/secrets.js';
import type { Policy } from './policy/types.js';
import { formatDiagnostic } from './policy/diagnostics.js';
import type { OidcOptions } from './identity/oidc.js';
import { openStore } from './store/open.js';
import { AuditWriter } from './store/audit-writer.js';
import type { StateStore } from './store/types.js';
import { createAdminServer } from './admin.js';
import { policyReload } from './http/channels.js';
import { authorize, compose, identify, route, type PipelineHooks } from './http/pipeline.js';
import { forward } from './http/forwarder.js';
import { Runtime } from './http/runtime.js';
import { createDataPlane } from './http/server.js';
import { holdForApproval } from './http/hold.js';
import { ApprovalService } from './approvals/service.js';
import { MemoryApprovalRepo } from './approvals/repo.js';
import { WebhookNotifier } from './approvals/webhook.js';
import { approvalRoutes } from './admin/approval-routes.js';
import { startPostgresListeners, type PostgresListeners } from './pg/listener.js';
import { postgresHooks } from './wiring/postgres.js';
import { isIdentity } from './identity/identity.js';

export interface GatewayOptions {
  policyFile: string;
  env?: NodeJS.ProcessEnv;
  hooks?: PipelineHooks;
  oidc?: OidcOptions;
  /** Watch the policy file and reload on change (default true). */
  watch?: boolean;
  /** Notes for the operator (skipped connections, reloads); the decision log is separate. */
  note?: (text: string) => void;
}

export interface RunningGateway {
  url: string;
  adminUrl: string;
  store: StateStore;
  approvals: ApprovalService;
  /** The PostgreSQL listeners, one per postgres connection: connection → host:port (follows reloads). */
  readonly postgres: Array<{ connection: string; host: string; port: number }>;
  postgresSettled(): Promise<void>;
  readonly runtime: Runtime;
  reload(): { ok: boolean; errors: string[] };
  close(): Promise<{ drained: boolean; cut: number }>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const note = options.note ?? (() => undefined);
  const file = options.policyFile;
  const policy = requirePolicy(file, { env, resolveSecrets: true });
  let runtime = new Runtime(policy, env, undefined, options.oidc);
  for (const [name, why] of runtime.skipped) if (policy.connections[name]?.type !== 'postgres') note(`connection "${name}" skipped: ${why}`);

  const store = openStore(policy.gateway.store, file);
  const jsonl = policy.gateway.audit.jsonl;
  const writer = new AuditWriter(store, jsonl && (isAbsolute(jsonl) ? jsonl : resolve(dirname(file), jsonl)));
  const exchangeEnv = { writer, failOpen: policy.gateway.audit.failOpen };
  const approvals = new ApprovalService(store.approvals ?? new MemoryApprovalRepo(), policy);
  approvals.on('grants', (grants) => runtime.setGrants(grants));
  runtime.setGrants(approvals.activeGrants());
  let webhook = startWebhook(policy, env, note);
  webhook?.attach(approvals);
  const hooks: PipelineHooks = { onApprove: holdForApproval(() => approvals), ...options.hooks };
  const handle = compose([route, identify, authorize(hooks)], forward);
  const plane = createDataPlane({ runtime: () => runtime, env: exchangeEnv, handle });

  const adminToken = (p: Policy) => (p.gateway.adminToken ? resolveSecret(p.gateway.adminToken, env, p.file).reveal() : undefined);
  let token = adminToken(policy);

  let pg: PostgresListeners | undefined;
  const startPostgres = (p: Policy) => startPostgresListeners(p, postgresHooks({ runtime: () => runtime, approvals, writer, env, log: note }));
  const swap = (next: Policy): void => {
    const old = runtime;
    runtime = new Runtime(next, env, old, options.oidc);
    runtime.setGrants(approvals.activeGrants());
    approvals.setPolicy(next);
    webhook?.close();
    webhook = startWebhook(next, env, note);
    webhook?.attach(approvals);
    token = adminToken(next);
    exchangeEnv.failOpen = next.gateway.audit.failOpen;
    if (next.gateway.listen !== old.policy.gateway.listen || next.gateway.admin !== old.policy.gateway.admin) note('gateway.listen / gateway.admin changed: restart the gateway to move the listeners');
    void old.retire(runtime);
    postgresUpdate = followPostgres(next);
  };
  /** PostgreSQL listeners follow the policy too: started, moved or closed as connections change. */
  let postgresUpdate: Promise<void> = Promise.resolve();
  const followPostgres = (next: Policy): Promise<void> =>
    postgresUpdate.then(async () => {
      const wanted = Object.values(next.connections).some((c) => c.type === 'postgres');
      if (!pg && !wanted) return;
      try {
        if (pg) for (const line of await pg.update(next)) note(line);
        else {
          pg = await startPostgres(next);
          for (const l of pg.listeners) note(`postgres ${l.connection}: listening on ${l.host}:${l.port}`);
        }
      } catch (e) {
        note(`postgres listeners: ${(e as Error).message}`);
      }
    });
  const watcher = new PolicyWatcher(file, policy, { env, resolveSecrets: true });
  watcher.on('reload', (p) => {
    try {
      swap(p);
      policyReload.publish({ ok: true, file });
      note(`policy reloaded from ${file}`);
    } catch (e) {
      note(`policy reload failed, keeping the previous policy: ${(e as Error).message}`);
    }
  });
  watcher.on('rejected', (diagnostics) => {
    policyReload.publish({ ok: false, file, errors: diagnostics.map(formatDiagnostic) });
    note(`policy change rejected, keeping the previous policy:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  });
  if (options.watch !== false) watcher.start();

  const reload = (): { ok: boolean; errors: string[] } => {
    const { policy: next, diagnostics } = loadPolicyFile(file, { env, resolveSecrets: true });
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    if (!next) return { ok: false, errors };
    try {
      swap(next);
    } catch (e) {
      return { ok: false, errors: [(e as Error).message] };
    }
    return { ok: true, errors: [] };
  };

  const admin = createAdminServer({
    adminToken: () => token,
    store,
    reload,
    health: () => ({ inFlight: plane.inFlight, audit: writer.healthy ? 'ok' : 'failing', pendingApprovals: approvals.list({ kind: 'call', status: 'pending', limit: 1000 }).length }),
    routes: () => approvalRoutes({ service: approvals, policy: () => runtime.policy }),
    person: async (token) => {
      const id = await runtime.identity.resolve(token);
      return isIdentity(id) && id.method === 'oidc' ? { subject: id.subject, groups: id.groups, via: 'oidc' } : null;
    },
    approverGroups: () => new Set(runtime.policy.rules.flatMap((r) => r.approve?.approvers ?? []).filter((a) => a.startsWith('group:')).map((a) => a.slice(6))),
  });
  try {
    await listen(plane.server, policy.gateway.listen);
    await listen(admin, policy.gateway.admin);
    if (Object.values(policy.connections).some((c) => c.type === 'postgres')) {
      pg = await startPostgres(policy);
    }
  } catch (e) {
    plane.server.close();
    admin.close();
    await pg?.close();
    store.close();
    throw e;
  }

  return {
    url: `http://${hostPort(plane.server)}`,
    adminUrl: `http://${hostPort(admin)}`,
    store,
    approvals,
    get postgres() {
      return pg?.listeners ?? [];
    },
    /** Resolves when the PostgreSQL listeners have followed the last reload. */
    postgresSettled: () => postgresUpdate,
    get runtime() {
      return runtime;
    },
    reload,
    async close() {
      watcher.close();
      webhook?.close();
      await postgresUpdate;
      await pg?.close();
      admin.close();
      admin.closeAllConnections();
      const result = await plane.drain(runtime.policy.gateway.timeouts.drainMs);
      await runtime.retire(null);
      writer.close();
      store.close();
      return result;
    },
  };
}

function startWebhook(policy: Policy, env: NodeJS.ProcessEnv, note: (t: string) => void): WebhookNotifier | undefined {
  const w = policy.approvals.webhook;
  if (!w) return undefined;
  return new WebhookNotifier({
    url: w.url,
    secret: w.secret ? resolveSecret(w.secret, env, policy.file) : undefined,
    onFailure: (event, id, error) => note(`webhook ${event} for ${id} not delivered: ${error}`),
  });
}

/** "127.0.0.1:8790", "[::1]:8790", ":8790" (loopback) or "8790". */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  if (!m) throw Object.assign(new Error(`cannot listen on "${text}": expected HOST:PORT`), { code: 'CW_ERR_LISTEN' });
  return { host: m[1] || m[2] || '127.0.0.1', port: Number(m[3]) };
}

function listen(server: Server, address: string): Promise<void> {
  const { host, port } = parseListen(address);
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
}

function hostPort(server: Server): string {
  const a = server.address() as AddressInfo;
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}
