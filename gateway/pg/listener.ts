/**
 * `startPostgresListeners(policy, hooks)`: one loopback listener per `postgres` connection in the
 * policy. Secrets and SCRAM verifiers are resolved at start, so a missing one fails here, not later.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { resolveSecret, type MaskSpec, type Policy, type PostgresConnection } from '../policy/index.js';
import { loadParser } from './classify.js';
import { StartupFailure, startClient, tlsContext, type AuthSettings, type SessionCredential } from './client-auth.js';
import type { Identity, IdentityResolver } from '../identity/identity.js';
import { PgGatewayError } from './errors.js';
import type { PgHooks } from './hooks.js';
import { errorFromGateway, int32, message, readyForQuery } from './protocol.js';
import { deriveVerifier } from './scram.js';
import { Session } from './session.js';
import { StatementCache } from './statement-cache.js';
import { VolatileFunctions } from './volatile-functions.js';
import { connectUpstream, describeTarget, queryOnce, sendCancel, upstreamTarget, type UpstreamTarget } from './upstream.js';

export interface PostgresListeners {
  listeners: Array<{ connection: string; host: string; port: number }>;
  /**
   * Follows a reloaded policy: starts listeners for new `postgres` connections, restarts those whose
   * address, upstream, credential or TLS changed (their open sessions keep their upstream), and
   * closes removed ones with their sessions. Returns notes for the operator.
   */
  update(next: Policy): Promise<string[]>;
  /** Stops listening and ends every session. */
  close(): Promise<void>;
  /** Parse-cache counters, for benchmarks. */
  cache: StatementCache;
}

/** Startup parameters passed on to the upstream; anything else (options, search_path, role) is not. */
const FORWARDED_PARAMS = new Set(['application_name', 'datestyle', 'timezone', 'extra_float_digits', 'intervalstyle']);
const SCRAM_ITERATIONS = 4096;
const STARTUP_TIMEOUT_MS = 30_000;
const TABLE_NAMES_TTL_MS = 30_000;

interface CancelEntry {
  secret: number;
  session: Session;
  target: UpstreamTarget;
}
const cancelKeys = new Map<number, CancelEntry>();

function postgresConnections(policy: Policy): PostgresConnection[] {
  return Object.values(policy.connections).filter((c): c is PostgresConnection => c.type === 'postgres');
}

function parseListen(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(listen);
  if (!m) throw new Error(`invalid listen address "${listen}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Table OIDs → schema.table, for masking by table; refreshed as sessions start. */
class TableNames {
  private names = new Map<number, string>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  constructor(private readonly target: UpstreamTarget, readonly needed: () => boolean) {}
  lookup = (oid: number): string | null => this.names.get(oid) ?? null;
  refresh(): Promise<void> {
    if (Date.now() - this.loadedAt < TABLE_NAMES_TTL_MS || !this.needed()) return Promise.resolve();
    this.loading ??= queryOnce(
      this.target,
      "SELECT c.oid, n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','v','m','f')",
    )
      .then((rows) => {
        this.names = new Map(rows.map((r) => [Number(r[0]), String(r[1]).toLowerCase()]));
        this.loadedAt = Date.now();
      })
      .finally(() => (this.loading = null));
    return this.loading;
  }
}

export async function startPostgresListeners(policy: Policy, hooks: PgHooks): Promise<PostgresListeners> {
  await loadParser();
  const env = hooks.env ?? process.env;
  const cache = new StatementCache();
  const salt = randomBytes(16);
  const tls = tlsContext(hooks.tls);
  // Keys and chains come from the current policy: a reload that adds a key lets it in, one that
  // removes a key shuts it out (and ends the sessions opened with it, see `credentialCheck`).
  // SCRAM verifiers are derived once per identity resolver, i.e. once per policy version.
  const authByResolver = new WeakMap<IdentityResolver, Omit<AuthSettings, 'onCancel'>>();
  const currentAuth = (): Omit<AuthSettings, 'onCancel'> => {
    const identity = hooks.identity;
    let auth = authByResolver.get(identity);
    if (!auth) {
      const verifiers = identity.deriveFromKeys((key) => deriveVerifier(key, salt, SCRAM_ITERATIONS)).map((v) => ({ identity: v.identity, verifier: v.derived, fingerprint: v.fingerprint }));
      auth = { identity, mode: hooks.clientAuth ?? 'auto', tls, scram: { salt, iterations: SCRAM_ITERATIONS, verifiers }, chains: new Set(Object.keys(hooks.compiled().policy.chains)) };
      authByResolver.set(identity, auth);
    }
    return auth;
  };
  currentAuth();
  const sessions = new Set<Session>();
  const out: PostgresListeners['listeners'] = [];
  const log = (connection: string, level: 'info' | 'warn' | 'error', msg: string) => hooks.log?.({ level, connection, message: msg });

  const onCancel = (pid: number, secret: number) => {
    const entry = cancelKeys.get(pid);
    const b = Buffer.alloc(4);
    b.writeInt32BE(secret);
    const want = Buffer.alloc(4);
    want.writeInt32BE(entry?.secret ?? 0);
    if (!entry || !timingSafeEqual(b, want)) return;
    // A statement waiting for approval is cancelled here; one running upstream is cancelled there.
    if (!entry.session.approvals.abortAll()) sendCancel(entry.target, entry.session.upstream.backendKey).catch(() => {});
  };

  interface Listening {
    /** What a restart depends on: the address, the upstream and its credential and TLS. */
    config: string;
    server: Server;
  }
  const active = new Map<string, Listening>();
  const configOf = (c: PostgresConnection) => JSON.stringify([c.listen, c.upstream, c.credential, c.tls]);

  /** One loopback listener for one `postgres` connection; its secrets are resolved here, so a missing one fails now. */
  async function listenFor(pg: PostgresConnection, from: Policy): Promise<Listening> {
    const password = pg.credential.password ? resolveSecret(pg.credential.password, env, from.file) : undefined;
    const target = upstreamTarget(pg, password, from.gateway.timeouts.connectMs);
    // Masks are read from the current policy, so a reload that adds or changes one applies to every
    // session at once, as on the HTTP side.
    const currentMask = (): MaskSpec[] => {
      const c = hooks.compiled().policy.connections[pg.name];
      return c && c.type === 'postgres' ? (c as PostgresConnection).mask : [];
    };
    const tablesNeeded = (): boolean => {
      const p = hooks.compiled().policy;
      const ruleMasks = p.rules.filter((r) => r.connections.includes(pg.name)).flatMap((r) => r.mask);
      return [...currentMask(), ...ruleMasks].some((m) => m.columns?.some((c) => c.includes('.')));
    };
    const tables = new TableNames(target, tablesNeeded);
    const functions = new VolatileFunctions(target);
    const server = createServer((socket) => void accept(socket, pg, target, tables, functions, currentMask));
    const { host, port } = parseListen(pg.listen);
    // A listener restarted on the same address waits for the old socket to be released.
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    server.on('error', (e) => log(pg.name, 'error', `listener error: ${e.message}`));
    return { config: configOf(pg), server };
  }

  function publish(): void {
    out.length = 0;
    for (const [connection, l] of active) {
      const addr = l.server.address();
      if (addr && typeof addr === 'object') out.push({ connection, host: addr.address, port: addr.port });
    }
  }

  for (const pg of postgresConnections(policy)) active.set(pg.name, await listenFor(pg, policy));
  publish();

  async function accept(socket: Socket, pg: PostgresConnection, target: UpstreamTarget, tables: TableNames, functions: VolatileFunctions, currentMask: () => MaskSpec[]): Promise<void> {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    const timer = setTimeout(() => socket.destroy(), STARTUP_TIMEOUT_MS);
    let current: Socket = socket;
    try {
      const started = await startClient(socket, { ...currentAuth(), onCancel });
      if (started.kind === 'done') return clearTimeout(timer);
      current = started.socket;
      const params: Record<string, string> = { client_encoding: 'UTF8' };
      for (const [k, v] of started.params) if (FORWARDED_PARAMS.has(k.toLowerCase())) params[k] = v;
      const [upstream] = await Promise.all([
        connectUpstream(target, params),
        tables.refresh().catch((e: Error) => log(pg.name, 'warn', `table names: ${e.message}`)),
        functions.refresh().catch((e: Error) => log(pg.name, 'warn', `volatile functions: ${e.message}`)),
      ]);
      clearTimeout(timer);
      let pid: number;
      do pid = randomInt(1, 2 ** 31 - 1);
      while (cancelKeys.has(pid));
      const secret = randomInt(-(2 ** 31), 2 ** 31 - 1);
      current.cork();
      current.write(message('R', int32(0)));
      for (const ps of upstream.parameterStatus) current.write(ps);
      current.write(message('K', int32(pid), int32(secret)));
      current.write(readyForQuery(upstream.txStatus));
      current.uncork();
      const session = new Session(
        {
          connection: pg.name,
          target: describeTarget(target),
          hooks,
          cache,
          identity: started.identity,
          pid,
          get connectionMask() {
            return currentMask();
          },
          tableName: tables.lookup,
          effective: (info) => functions.effective(info),
          credentialProblem: credentialCheck(started.credential, started.identity),
          onClose: () => {
            cancelKeys.delete(pid);
            sessions.delete(session);
          },
        },
        current,
        upstream,
        started.leftover,
      );
      sessions.add(session);
      cancelKeys.set(pid, { secret, session, target });
    } catch (e) {
      clearTimeout(timer);
      if (e instanceof StartupFailure) current = e.socket;
      const cause = e instanceof StartupFailure ? e.error : e;
      const err = cause instanceof PgGatewayError ? cause : new PgGatewayError('CW_PG_BAD_STARTUP', (cause as Error).message, { fatal: true });
      if (!current.destroyed) current.end(errorFromGateway(err, true));
      if (err.code !== 'CW_PG_BAD_STARTUP') log(pg.name, 'warn', err.message);
    }
  }

  /**
   * Whether the session's credential is still good: a token until it expires, a key while the current
   * policy holds it (looked up again only when the policy changed).
   */
  function credentialCheck(credential: SessionCredential, identity: Identity): () => PgGatewayError | null {
    let checked = hooks.identity;
    const expiresAt = credential.kind === 'token' ? credential.expiresAt : undefined;
    return () => {
      if (expiresAt !== undefined && Date.now() >= expiresAt) return new PgGatewayError('CW_PG_TOKEN_EXPIRED', '', { fatal: true });
      const now = hooks.identity;
      if (now === checked) return null;
      if (credential.kind === 'key' && !now.hasKey(credential.fingerprint, identity.chain)) return new PgGatewayError('CW_PG_CREDENTIAL_REVOKED', '', { fatal: true });
      checked = now;
      return null;
    };
  }

  return {
    listeners: out,
    cache,
    async update(next: Policy): Promise<string[]> {
      const notes: string[] = [];
      const wanted = new Map(postgresConnections(next).map((c) => [c.name, c]));
      for (const [name, l] of [...active]) {
        const w = wanted.get(name);
        if (w && configOf(w) === l.config) continue;
        // Stop accepting; a removed connection's sessions end, a changed one's keep their upstream.
        l.server.close();
        active.delete(name);
        if (!w) {
          for (const s of sessions) if (s.ctx.connection === name) s.close(new PgGatewayError('CW_PG_CONNECTION_REMOVED', name, { fatal: true }));
          notes.push(`postgres ${name}: removed from the policy; its listener and sessions are closed`);
        }
      }
      for (const [name, w] of wanted) {
        if (active.has(name)) continue;
        try {
          active.set(name, await listenFor(w, next));
          notes.push(`postgres ${name}: listening on ${w.listen}`);
        } catch (e) {
          notes.push(`postgres ${name}: cannot listen on ${w.listen}: ${(e as Error).message}`);
        }
      }
      publish();
      return notes;
    },
    async close() {
      for (const s of sessions) s.close(new PgGatewayError('CW_PG_SHUTDOWN', '', { fatal: true }));
      await Promise.all([...active.values()].map((l) => new Promise<void>((r) => l.server.close(() => r()))));
      active.clear();
    },
  };
}
