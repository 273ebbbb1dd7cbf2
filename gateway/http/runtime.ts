/**
 * Everything the data path derives from one policy: the compiled rules, who callers are, and one
 * upstream (undici Pool, resolved credential) per HTTP connection. A reload builds a new Runtime
 * and swaps it in; requests already running finish on the one they started with.
 */
import { Pool } from 'undici';
import { compilePolicy, evaluate, withGrants, type CompiledPolicy, type Decision, type Grant } from '../policy/engine.js';
import { compileMasker, type Masker } from '../mask/masker.js';
import { resolveSecret } from '../policy/secrets.js';
import type { HttpConnection, Policy } from '../policy/types.js';
import { IdentityResolver } from '../identity/identity.js';
import { OidcVerifier, type OidcOptions } from '../identity/oidc.js';

export interface Upstream {
  name: string;
  connection: HttpConnection;
  origin: string;
  /** The upstream URL's own path prefix, "" when none. */
  basePath: string;
  pool: Pool;
  /** The injected credential header; the value is revealed only here, never logged. */
  inject: { header: string; value: string } | undefined;
  caller: HttpConnection['auth']['caller'];
  headersTimeout: number;
  bodyTimeout: number;
  /** Origin + key, to reuse a pool across reloads when nothing about it changed. */
  poolKey: string;
}

const DECISION_CACHE_MAX = 10_000;

export class Runtime {
  private current: CompiledPolicy;
  private readonly maskers = new WeakMap<Decision, Masker | null>();
  readonly identity: IdentityResolver;
  readonly upstreams = new Map<string, Upstream>();
  /** Connections this listener does not serve, with why (postgres has its own listener). */
  readonly skipped = new Map<string, string>();
  private readonly decisions = new Map<string, Decision>();

  constructor(readonly policy: Policy, env: NodeJS.ProcessEnv, previous?: Runtime, oidcOptions?: OidcOptions) {
    this.current = compilePolicy(policy);
    const oidc = policy.identity.oidc ? new OidcVerifier(policy.identity.oidc, policy.file, oidcOptions) : undefined;
    this.identity = new IdentityResolver(policy, env, oidc);
    const t = policy.gateway.timeouts;
    for (const conn of Object.values(policy.connections)) {
      if (conn.type !== 'http') {
        this.skipped.set(conn.name, conn.type === 'postgres' ? `a postgres connection is served on its own listener (${conn.listen})` : `an ${conn.type} connection is not served on the HTTP listener yet`);
        continue;
      }
      const url = new URL(conn.upstream);
      const connectMs = conn.timeouts.connectMs ?? t.connectMs;
      const poolKey = `${url.origin}\0${connectMs}`;
      const reused = previous?.poolFor(poolKey);
      const pool = reused ?? new Pool(url.origin, { connect: { timeout: connectMs }, keepAliveTimeout: 4_000, pipelining: 1 });
      this.upstreams.set(conn.name, {
        name: conn.name,
        connection: conn,
        origin: url.origin,
        basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, ''),
        pool,
        inject: conn.auth.inject ? { header: conn.auth.inject.header, value: resolveSecret(conn.auth.inject.value, env, policy.file).reveal() } : undefined,
        caller: conn.auth.caller,
        headersTimeout: conn.timeouts.headersMs ?? t.headersMs,
        bodyTimeout: conn.timeouts.bodyMs ?? t.bodyMs,
        poolKey,
      });
    }
  }

  /** The compiled policy with the grants overlay (the PostgreSQL path reads it per statement). */
  get compiled(): CompiledPolicy {
    return this.current;
  }

  /** Replaces the grants overlay; takes effect for the next call (a revoked grant stops at once). */
  setGrants(grants: readonly Grant[]): void {
    this.current = withGrants(this.current, grants);
    this.decisions.clear();
  }

  /** The masking for a decided call: the connection's masks plus the deciding rules'; null when none. */
  maskerFor(connection: string, d: Decision): Masker | null {
    let m = this.maskers.get(d);
    if (m === undefined) {
      const specs = [...(this.policy.connections[connection]?.mask ?? []), ...d.mask];
      m = specs.length ? compileMasker(specs) : null;
      if (m?.empty) m = null;
      this.maskers.set(d, m);
    }
    return m;
  }

  /**
   * The decision for a call. The engine is pure over (policy, request), so answers are cached
   * per runtime; the cache is bounded and dropped with the runtime on reload.
   */
  decide(chain: string | null, groups: readonly string[], connection: string, method: string, path: string): Decision {
    const key = `${chain}\0${groups.length ? groups.join('\0') : ''}\0${connection}\0${method}\0${path}`;
    let d = this.decisions.get(key);
    if (d === undefined) {
      d = evaluate(this.current, { chain, groups, connection, operation: { kind: 'http', method, path } });
      // A decision that rests on a grant is time-bound (the grant expires): never cached.
      if (d.grant !== null) return d;
      if (this.decisions.size >= DECISION_CACHE_MAX) this.decisions.clear();
      this.decisions.set(key, d);
    }
    return d;
  }

  private poolFor(key: string): Pool | undefined {
    for (const u of this.upstreams.values()) if (u.poolKey === key) return u.pool;
    return undefined;
  }

  /** Closes pools the next runtime does not reuse. */
  async retire(next: Runtime | null): Promise<void> {
    const kept = new Set<Pool>(next ? [...next.upstreams.values()].map((u) => u.pool) : []);
    const closing = new Set<Pool>();
    for (const u of this.upstreams.values()) if (!kept.has(u.pool)) closing.add(u.pool);
    await Promise.all([...closing].map((p) => p.close().catch(() => undefined)));
  }
}
