/** Turns the shape-checked raw document into the typed Policy, filling in defaults. */
import { parseDuration } from './duration.js';
import { parseSecretTemplate, type SecretTemplate } from './secrets.js';
import type { Path, YamlContext } from './yaml-walk.js';
import type { ApproveSpec, Chain, Connection, FindingStatus, MaskSpec, Policy, Rule, Severity, SourceSpan } from './types.js';
import { DEFAULT_SEVERITY } from './types.js';

type Raw = Record<string, any>;

export const DEFAULTS = {
  listen: '127.0.0.1:8790',
  admin: '127.0.0.1:8791',
  store: 'sqlite:.chainwarden/state.db',
  connectMs: 10_000,
  headersMs: 300_000,
  bodyMs: 300_000,
  drainMs: 10_000,
  approvalTimeoutMs: 300_000,
  clockSkewMs: 30_000,
};

/** Lists keep only the items that validated; their errors are already reported. */
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function buildPolicy(raw: Raw, file: string, ctx: YamlContext): Policy {
  const at = (path: Path): SourceSpan => {
    const node = ctx.nodeAt(path, 'key');
    const pos = ctx.lines.linePos(node?.range?.[0] ?? 0);
    return { line: pos.line, column: pos.col };
  };
  const secret = (text: string | undefined, path: Path): SecretTemplate | undefined => {
    if (text === undefined) return undefined;
    const t = parseSecretTemplate(text);
    if (typeof t === 'string') {
      ctx.report(ctx.nodeAt(path), t, 'CW_POLICY_SECRET');
      return undefined;
    }
    return t;
  };
  const ms = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : parseDuration(v) ?? fallback);
  const masks = (list: Raw[] | undefined): MaskSpec[] =>
    (list ?? []).filter(Boolean).map((m) => ({ detector: m.detector, name: m.name, pattern: m.pattern, paths: m.paths, columns: m.columns, replace: m.replace ?? 'partial' }));

  const g: Raw = raw.gateway ?? {};
  const chains: Record<string, Chain> = {};
  for (const [name, c] of Object.entries<Raw>(raw.chains ?? {})) {
    if (c === undefined) continue;
    chains[name] = { name, owner: c?.owner, description: c?.description, sources: strings(c?.sources) };
  }

  const connections: Record<string, Connection> = {};
  for (const [name, c] of Object.entries<Raw>(raw.connections ?? {})) {
    if (!c || !c.type || !c.upstream) continue;
    const base = { name, provider: c.provider, hosts: strings(c.hosts), mask: masks(c.mask), at: at(['connections', name]) };
    const injectOf = (path: Path): { header: string; value: SecretTemplate } | undefined => {
      const inject = c.auth?.inject;
      if (!inject) return undefined;
      const value = secret(inject.value, [...path, 'value']);
      return value ? { header: String(inject.header).toLowerCase(), value } : undefined;
    };
    if (c.type === 'http') {
      connections[name] = {
        ...base,
        type: 'http',
        upstream: c.upstream.replace(/\/+$/, ''),
        auth: { caller: c.auth?.caller ?? 'auto', inject: injectOf(['connections', name, 'auth', 'inject']) },
        timeouts: { connectMs: c.timeouts?.connect && parseDuration(c.timeouts.connect), headersMs: c.timeouts?.headers && parseDuration(c.timeouts.headers), bodyMs: c.timeouts?.body && parseDuration(c.timeouts.body) },
      };
    } else if (c.type === 'postgres') {
      connections[name] = {
        ...base,
        type: 'postgres',
        listen: c.listen,
        upstream: c.upstream,
        credential: { user: c.credential?.user, password: secret(c.credential?.password, ['connections', name, 'credential', 'password']) },
        tls: { upstream: c.tls?.upstream ?? 'disable', ca: c.tls?.ca, cert: c.tls?.cert, key: c.tls?.key },
      };
    } else {
      connections[name] = { ...base, type: 'mcp', upstream: c.upstream.replace(/\/+$/, ''), auth: { inject: injectOf(['connections', name, 'auth', 'inject']) } };
    }
  }

  const rules: Rule[] = (raw.rules ?? []).flatMap((r: Raw | undefined, index: number): Rule[] => {
    if (!r || typeof r.name !== 'string' || r.connection === undefined) return [];
    const a: Raw | undefined = r.approve;
    const approve: ApproveSpec | undefined = a && {
      ops: strings(a.ops),
      approvers: strings(a.approvers),
      ttlMs: a.ttl ? parseDuration(a.ttl) : undefined,
      timeoutMs: a.timeout ? parseDuration(a.timeout) : undefined,
      once: a.once ?? false,
      when: a.when,
      includeBody: a.includeBody ?? false,
    };
    return [{
      name: r.name,
      description: r.description,
      index,
      chains: r.chains && strings(r.chains),
      groups: r.groups && strings(r.groups),
      connections: strings(Array.isArray(r.connection) ? r.connection : [r.connection]),
      allow: strings(r.allow),
      deny: strings(r.deny),
      flag: strings(r.flag),
      approve,
      mask: masks(r.mask),
      at: at(['rules', index]),
    }];
  });

  const oidc = raw.identity?.oidc;
  const severity = { ...DEFAULT_SEVERITY, ...(raw.scan?.severity ?? {}) } as Record<FindingStatus, Severity>;
  return {
    file,
    version: 1,
    gateway: {
      listen: g.listen ?? DEFAULTS.listen,
      admin: g.admin ?? DEFAULTS.admin,
      store: g.store ?? DEFAULTS.store,
      adminToken: secret(g.adminToken, ['gateway', 'adminToken']),
      audit: { jsonl: g.audit?.jsonl, failOpen: g.audit?.failOpen ?? false },
      timeouts: {
        connectMs: ms(g.timeouts?.connect, DEFAULTS.connectMs),
        headersMs: ms(g.timeouts?.headers, DEFAULTS.headersMs),
        bodyMs: ms(g.timeouts?.body, DEFAULTS.bodyMs),
        drainMs: ms(g.timeouts?.drain, DEFAULTS.drainMs),
      },
    },
    identity: {
      keys: (raw.identity?.keys ?? []).flatMap((k: Raw | undefined, i: number) => {
        if (!k?.chain) return [];
        const key = secret(k.key, ['identity', 'keys', i, 'key']);
        return key ? [{ chain: k.chain, key, id: k.id ?? `${k.chain}#${i + 1}` }] : [];
      }),
      oidc: oidc && {
        issuer: oidc.issuer,
        audience: strings(Array.isArray(oidc.audience) ? oidc.audience : [oidc.audience]),
        jwks: oidc.jwks,
        groupsClaim: oidc.groupsClaim ?? 'groups',
        chainClaim: oidc.chainClaim ?? 'chain',
        chainHeaderGroups: strings(oidc.chainHeaderGroups),
        clockSkewMs: ms(oidc.clockSkew, DEFAULTS.clockSkewMs),
      },
    },
    chains,
    connections,
    rules,
    approvals: {
      timeoutMs: ms(raw.approvals?.timeout, DEFAULTS.approvalTimeoutMs),
      webhook: raw.approvals?.webhook && { url: raw.approvals.webhook.url, secret: secret(raw.approvals.webhook.secret, ['approvals', 'webhook', 'secret']) },
    },
    scan: { severity, exclude: strings(raw.scan?.exclude) },
  };
}
