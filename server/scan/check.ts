/**
 * The policy check: a resource use (or a hard-coded secret) → a finding with chain, connection, status,
 * rule and severity. Decisions come from the policy module's `evaluate()`; this file only decides which
 * connection a use maps to and which representative operation to ask about.
 */
import { isAbsolute, relative, dirname, sep } from 'node:path';
import { compileGlob, compilePolicy, evaluate, DEFAULT_SEVERITY, type CompiledPolicy, type Connection, type Operation, type Policy } from '../../gateway/policy/index.js';
import { secretReferences } from '../../gateway/policy/secrets.js';
import type { Resolution, ResourceUse } from './use.js';
import type { SecretHit } from './secrets.js';
import type { Finding, FixData, ScanSeverity, ScanStatus } from './types.js';
import { ruleForStatus } from './rules.js';
import { hasCompleteOrigin } from './use.js';

interface Endpoint {
  scheme: string;
  host: string;
  port: number;
  path: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);
const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, postgres: 5432, postgresql: 5432, mysql: 3306, redis: 6379, rediss: 6379, mongodb: 27017, ws: 80, wss: 443 };

/** parseEndpoint's answers: a scan asks about the same few targets and upstreams for every use. Bounded. */
const endpoints = new Map<string, Readonly<Endpoint> | null>();

export function parseEndpoint(value: string): Readonly<Endpoint> | null {
  let ep = endpoints.get(value);
  if (ep === undefined) {
    if (endpoints.size >= 10_000) endpoints.clear();
    ep = parseEndpointUncached(value);
    endpoints.set(value, ep && Object.freeze(ep));
  }
  return ep;
}

function parseEndpointUncached(value: string): Endpoint | null {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : /^[\w.-]+(:\d+)?(\/.*)?$/.test(value) ? `https://${value}` : null;
  if (!text) return null;
  try {
    const u = new URL(text);
    const scheme = u.protocol.replace(/:$/, '').toLowerCase().split('+')[0]!;
    const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (!host) return null;
    return { scheme, host, port: u.port ? Number(u.port) : (DEFAULT_PORT[scheme] ?? 0), path: decodeURI(u.pathname || '/') };
  } catch {
    return null;
  }
}

/** "127.0.0.1:8790", "[::1]:8790", "localhost:8790" → host and port. */
export function parseListen(listen: string): { host: string; port: number } | null {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(listen.trim());
  return m ? { host: m[1]!.toLowerCase(), port: Number(m[2]) } : null;
}

function sameHostPort(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  return a.port === b.port && (a.host === b.host || (LOOPBACK.has(a.host) && LOOPBACK.has(b.host)));
}

/** A target fit for output: no password, no query string. */
export function displayTarget(value: string): string {
  if (value.startsWith('stdio:')) return value;
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]+):[^@/\s]*@/i, '$1@').replace(/\?.*$/, '');
}

type Route =
  | { via: 'gateway'; connection: string; rest: string }
  | { via: 'gateway-unknown'; name: string }
  | { via: 'direct'; connection: string | null }
  | { via: 'unresolved'; why: string }
  | { via: 'local' };

export class PolicyChecker {
  readonly compiled: CompiledPolicy | undefined;
  private readonly chainGlobs: Array<{ chain: string; globs: ReturnType<typeof compileGlob>[] }> = [];
  private readonly policyDir: string | undefined;
  private readonly chains = new Map<string, string | null>();

  constructor(readonly policy: Policy | undefined) {
    this.compiled = policy ? compilePolicy(policy) : undefined;
    this.policyDir = policy ? dirname(policy.file) : undefined;
    for (const [chain, c] of Object.entries(policy?.chains ?? {})) this.chainGlobs.push({ chain, globs: c.sources.map((s) => compileGlob(s.replace(/^\.\//, ''), '/')) });
  }

  /** The chain whose `sources` globs (relative to the policy file's folder) include the file. */
  chainFor(absFile: string): string | null {
    // Every finding of a file asks (a scan of 1,000 files: ~5,000 times); the answer depends on the file only.
    let chain = this.chains.get(absFile);
    if (chain === undefined) this.chains.set(absFile, (chain = this.chainForUncached(absFile)));
    return chain;
  }

  private chainForUncached(absFile: string): string | null {
    if (!this.policyDir) return null;
    const rel = relative(this.policyDir, absFile);
    if (rel.startsWith('..') || isAbsolute(rel)) return null;
    const posix = rel.split(sep).join('/');
    for (const { chain, globs } of this.chainGlobs) if (globs.some((g) => g.test(posix))) return chain;
    return null;
  }

  severity(status: ScanStatus | 'secret'): ScanSeverity {
    if (!this.policy) return 'hint';
    return this.policy.scan.severity[status] ?? DEFAULT_SEVERITY[status];
  }

  checkSecret(hit: SecretHit, file: string, relFile: string): Finding {
    const rule = ruleForStatus('secret');
    return {
      file: relFile, ...hit.range, kind: 'secret', provider: hit.provider, target: null, chain: this.chainFor(file), connection: null,
      status: 'unapproved', rule: null, severity: this.severity('secret'),
      message: `Hard-coded ${hit.label} (${hit.redacted}): move it to an environment variable such as ${hit.suggestedEnvVar}, or let the gateway inject it`,
      code: rule.code, catalogId: null,
      fix: { secretRange: hit.range, suggestedEnvVar: hit.suggestedEnvVar },
    };
  }

  checkUse(use: ResourceUse, relFile: string): Finding {
    const chain = this.chainFor(use.file);
    const d = use.describedBy;
    const targetText = targetOf(use.target);
    // A provider derived from the target (raw HTTP, MCP, SQL drivers) is already in the message's target.
    const who = use.provider && use.entry.provider !== null && !use.label.includes(use.provider) ? `${use.label} (${use.provider})` : use.label;
    const fix: FixData = {};
    if (use.target.state !== 'default' && use.target.range) fix.baseUrlRange = use.target.range;
    if (use.optionsRange) fix.optionsRange = use.optionsRange;
    if (use.fix) Object.assign(fix, use.fix);
    else if (d.endpoint.fixProperty) fix.baseUrlProperty = d.endpoint.fixProperty;
    if (use.credential && use.credential.state !== 'default' && use.credential.range) fix.apiKeyRange = use.credential.range;
    if (use.credential?.env) fix.envVar = use.credential.env;
    const base: Omit<Finding, 'connection' | 'status' | 'rule' | 'severity' | 'message' | 'code'> = { file: relFile, ...use.range, kind: use.entry.kind, provider: use.provider, target: targetText, chain, catalogId: use.entry.id };
    const finish = (status: ScanStatus, connection: string | null, rule: string | null, message: string): Finding => {
      if (connection) fix.connection = connection;
      return { ...base, connection, status, rule, severity: this.severity(status), message, code: ruleForStatus(status).code, catalogId: use.entry.id, fix };
    };
    if (!this.policy || !this.compiled) {
      const why = unresolvedReason(use.target);
      const where = why ? ` (endpoint not resolvable statically: ${why})` : targetText ? ` → ${targetText}` : '';
      return finish('unknown', null, null, `${who}${where}: no chainwarden.yaml, so the policy cannot be checked`);
    }

    const route = this.route(use);
    const gatewayUrl = (conn: string | null): string | undefined => this.gatewayUrlFor(use, conn);
    if (route.via === 'unresolved') return finish('unknown', null, null, `${who}: the endpoint cannot be resolved statically (${route.why})`);
    if (route.via === 'local') return finish('unknown', null, null, `${who} opens a local database file (${targetText}): not a network resource, so no connection can cover it`);
    if (route.via === 'gateway-unknown') return finish('unapproved', null, null, `${who} goes through the gateway to "/${route.name}", but the policy has no connection named "${route.name}"`);
    if (route.via === 'direct') {
      const g = gatewayUrl(route.connection);
      if (g) fix.gatewayBaseUrl = g;
      const where = targetText ?? `${use.provider ?? 'the provider'}'s own endpoint`;
      if (route.connection) return finish('bypass', route.connection, null, `${who} calls ${where} directly instead of through the gateway (connection "${route.connection}")${g ? `; use ${g}` : ''}`);
      return finish('unapproved', null, null, `${who} calls ${where}, which no connection in the policy covers`);
    }
    const conn = this.policy.connections[route.connection]!;
    // Behind the gateway, a raw client's real provider is the connection's upstream, not the gateway's address.
    if (use.entry.provider === null && use.describedBy.provider === null) base.provider = conn.provider ?? parseEndpoint(conn.upstream)?.host ?? base.provider;
    const ownSecret = this.holdsProviderSecret(use, conn);
    if (ownSecret) return finish('bypass', route.connection, null, `${who} goes through the gateway but holds the provider's own credential (${ownSecret}); pass the chain key and let the gateway inject the real one`);
    const op = this.operationFor(use, route.rest);
    if (!op) return finish('unknown', route.connection, null, `${who}: no representative operation to check on connection "${route.connection}"`);
    const opText = formatOp(op) + (use.target.state === 'set' && use.target.partial ? '…' : '');
    fix.operation = opText;
    const decision = evaluate(this.compiled, { chain, groups: [], connection: route.connection, operation: op });
    const partialPath = use.target.state === 'set' && use.target.partial !== undefined;
    if (partialPath && op.kind === 'http' && !this.prefixDecidesAll(route.connection, chain, op.method, op.path)) {
      return finish('unknown', route.connection, null, `${who} goes through the gateway (connection "${route.connection}"), but only the start of its path is static (${opText}) and the policy treats paths under it differently`);
    }
    const chainText = chain ? `chain "${chain}"` : 'this file (it belongs to no chain)';
    if (decision.effect === 'allow' || decision.effect === 'flag') {
      return finish('approved', route.connection, decision.rule, `${who} goes through the gateway (connection "${route.connection}"): ${opText} is ${decision.effect === 'flag' ? 'allowed and flagged' : 'allowed'} by rule "${decision.rule}"`);
    }
    if (decision.effect === 'approve') return finish('needs-approval', route.connection, decision.rule, `${who} goes through the gateway (connection "${route.connection}"): ${opText} needs approval (rule "${decision.rule}")`);
    // An MCP client or an HTTP client instance (axios.create) has no single operation: it is approved when the
    // chain may do something on the connection; each call is still checked by the gateway.
    const clientOnly = op.kind === 'mcp' || (use.entry.kind === 'http' && !use.method);
    if (clientOnly) {
      const partial = this.partialRule(route.connection, chain);
      const what = op.kind === 'mcp' ? 'some tools are' : 'some operations are';
      if (partial) return finish('approved', route.connection, partial, `${who} goes through the gateway (connection "${route.connection}"): ${what} allowed by rule "${partial}"`);
    }
    const why = decision.reasons.length ? decision.reasons[0] : decision.errors[0] ?? 'no rule allows it';
    return finish('unapproved', route.connection, decision.rule, `${who} goes through the gateway (connection "${route.connection}"), but ${opText} is not allowed for ${chainText}: ${why}`);
  }

  private route(use: ResourceUse): Route {
    const policy = this.policy!;
    const t = use.target;
    const why = unresolvedReason(t);
    if (why) return { via: 'unresolved', why };
    if (t.state === 'unresolved') return { via: 'unresolved', why: t.why };
    if (t.value === null) return { via: 'direct', connection: this.connectionByProvider(use.provider) };
    if (t.value.startsWith('sqlite:')) return { via: 'local' };
    if (t.value.startsWith('stdio:')) {
      const hit = Object.values(policy.connections).find((c) => c.upstream === t.value);
      return { via: 'direct', connection: hit?.name ?? null };
    }
    const ep = parseEndpoint(t.value);
    if (!ep) return { via: 'unresolved', why: `"${displayTarget(t.value)}" is not a URL` };
    const listen = parseListen(policy.gateway.listen);
    if (listen && (ep.scheme === 'http' || ep.scheme === 'https' || ep.scheme === 'ws') && sameHostPort(ep, listen)) {
      const [, name = '', ...rest] = ep.path.split('/');
      if (!policy.connections[name]) return { via: 'gateway-unknown', name };
      return { via: 'gateway', connection: name, rest: '/' + rest.join('/') };
    }
    for (const c of Object.values(policy.connections)) {
      if (c.type !== 'postgres') continue;
      const l = parseListen(c.listen);
      if (l && sameHostPort(ep, l)) return { via: 'gateway', connection: c.name, rest: '' };
    }
    for (const c of Object.values(policy.connections)) {
      const up = parseEndpoint(c.upstream);
      if (up && up.host === ep.host && (c.type !== 'postgres' || up.port === ep.port)) return { via: 'direct', connection: c.name };
      if (c.hosts.some((h) => compileGlob(h.toLowerCase(), '.').test(ep.host))) return { via: 'direct', connection: c.name };
    }
    return { via: 'direct', connection: use.entry.provider ? this.connectionByProvider(use.provider) : null };
  }

  private connectionByProvider(provider: string | null): string | null {
    if (!provider) return null;
    return Object.values(this.policy!.connections).find((c) => c.provider === provider)?.name ?? null;
  }

  private holdsProviderSecret(use: ResourceUse, conn: Connection): string | null {
    const c = use.credential;
    // A literal in the provider's own key format (sk-… for OpenAI) is the provider's key, wherever it is sent.
    if (c?.state === 'set' && c.keyOf && c.keyOf === use.provider) return `a hard-coded ${use.provider} key`;
    const env = c && c.state !== 'default' ? c.env : undefined;
    if (!env) return null;
    const own = new Set(use.describedBy.credential?.env ?? []);
    const templates = conn.type === 'postgres' ? [conn.credential.password] : [conn.auth.inject?.value];
    for (const t of templates) if (t) for (const r of secretReferences(t)) if ('env' in r) own.add(r.env);
    return own.has(env) ? env : null;
  }

  private operationFor(use: ResourceUse, rest: string): Operation | null {
    const op = use.describedBy.operation;
    if (!op) return null;
    if (op.kind === 'sql') return { kind: 'sql', class: op.class, tables: [] };
    if (op.kind === 'mcp') return { kind: 'mcp', tool: op.tool };
    if (use.method) return { kind: 'http', method: use.method, path: rest || '/' };
    const basePath = rest.replace(/\/+$/, '');
    const path = (basePath + op.path.replace('{model}', use.model ?? 'model')) || '/';
    return { kind: 'http', method: op.method, path };
  }

  /**
   * For a path known only up to a prefix: whether every rule pattern for this chain and method either covers
   * all paths under the prefix (`/v1/**`) or none of them, so the decision for the prefix is the decision for all.
   */
  private prefixDecidesAll(connection: string, chain: string | null, method: string, prefix: string): boolean {
    for (const r of this.policy!.rules) {
      if (!r.connections.includes(connection) || !this.ruleAppliesTo(r.chains, chain)) continue;
      for (const pattern of [...r.allow, ...r.deny, ...r.flag, ...(r.approve?.ops ?? [])]) {
        const m = /^\s*([A-Za-z*|]+)\s+(\S+)\s*$/.exec(pattern);
        const text = pattern.trim();
        if (text === '*' || text === '**') continue;
        if (!m) return false;
        const methods = m[1]!.toUpperCase().split('|');
        if (!methods.includes('*') && !methods.includes(method)) continue;
        const glob = m[2]!;
        const literal = glob.split(/[*?]/)[0]!;
        const coversAll = glob.endsWith('/**') && !/[*?]/.test(glob.slice(0, -3)) && prefix.startsWith(glob.slice(0, -2));
        const disjoint = !literal.startsWith(prefix) && !prefix.startsWith(literal);
        if (!coversAll && !disjoint) return false;
      }
    }
    return true;
  }

  private ruleAppliesTo(chains: string[] | undefined, chain: string | null): boolean {
    if (!chains) return false;
    return chains.some((c) => c === '*' || c === chain || (chain !== null && /[*?]/.test(c) && compileGlob(c, '/').test(chain)));
  }

  private partialRule(connection: string, chain: string | null): string | null {
    for (const r of this.policy!.rules) {
      if (!r.connections.includes(connection) || (!r.allow.length && !r.flag.length)) continue;
      if (this.ruleAppliesTo(r.chains, chain)) return r.name;
    }
    return null;
  }

  private gatewayUrlFor(use: ResourceUse, connection: string | null): string | undefined {
    const policy = this.policy!;
    const conn = connection ? policy.connections[connection] : undefined;
    if (!conn) return undefined;
    if (conn.type === 'postgres') {
      const ep = use.target.state !== 'unresolved' && use.target.value ? parseEndpoint(use.target.value) : null;
      const db = ep?.path.replace(/^\//, '') || 'postgres';
      return `postgres://${this.chainFor(use.file) ?? 'chain'}@${conn.listen}/${db}`;
    }
    const base = `http://${policy.gateway.listen}/${conn.name}`;
    if (use.method && use.target.state !== 'unresolved' && use.target.value) {
      const ep = parseEndpoint(use.target.value);
      return ep ? base + ep.path : base;
    }
    return base + (use.describedBy.endpoint.gatewaySuffix ?? '');
  }
}

/** Why a target cannot be routed, or null: unresolved, or a prefix that stops before the host ends. */
function unresolvedReason(r: Resolution): string | null {
  if (r.state === 'unresolved') return r.why;
  if (r.state === 'set' && r.partial && !hasCompleteOrigin(r.value)) return `only "${displayTarget(r.value)}…" is static (${r.partial.why})`;
  return null;
}

function targetOf(r: Resolution): string | null {
  if (r.state === 'unresolved' || r.value === null) return null;
  if (r.state === 'set' && r.partial) return hasCompleteOrigin(r.value) ? displayTarget(r.value) + '…' : null;
  return displayTarget(r.value);
}

function formatOp(op: Operation): string {
  if (op.kind === 'http') return `${op.method} ${op.path}`;
  if (op.kind === 'sql') return op.tables.length ? `${op.class} ${op.tables.join(',')}` : op.class;
  return `tool ${op.tool}`;
}
