/** Reading a use's endpoint, credential and model from its call, as the catalog entry's specs say. */
import type * as ts from 'typescript';
import type { ArgPath, CatalogEntry, EndpointSpec } from '../../catalog/types.js';
import { hasCompleteOrigin, type Resolution } from '../../scan/use.js';
import { readPath, rangeOf, toResolution } from './args.js';
import type { Evaluator } from './evaluate.js';
import type { ModuleInfo } from './module.js';
import { classifySecret } from '../../scan/secrets.js';

const NO_RANGE = { line: 0, column: 0, endLine: 0, endColumn: 0 };

export class UseReader {
  /** `ev` is a getter: the analyzer replaces its evaluator when files change. */
  constructor(private readonly ev: () => Evaluator, private readonly env: (file: string, name: string) => string | undefined) {}

  stdioTarget(args: ts.Expression[], at: string, info: ModuleInfo): Resolution {
    const command = readPath(this.ev(), info, args, `${at}.command`);
    if (!command) return { state: 'unresolved', why: 'no command' };
    const cmd = toResolution(command, info.sf);
    if (cmd.state !== 'set') return cmd;
    const argv = readPath(this.ev(), info, args, `${at}.args`);
    const words: string[] = [];
    if (argv?.value.t === 'arr') for (const a of argv.value.items) if (a.t === 'str') words.push(a.v);
    return { ...cmd, value: `stdio:${[cmd.value, ...words].join(' ')}` };
  }

  /** Where the use connects: written in the code, composed from fields, an env default, or the provider's default. */
  endpoint(spec: EndpointSpec, args: ts.Expression[], info: ModuleInfo): Resolution {
    for (const path of spec.from ?? []) {
      const found = readPath(this.ev(), info, args, path);
      if (!found || found.value.t === 'obj' || found.value.t === 'arr') continue;
      return toResolution(found, info.sf);
    }
    if (spec.fields?.scheme && spec.fields.database) {
      // An embedded database (TypeORM type "sqlite"/"better-sqlite3"): a file, not a host.
      const scheme = this.firstFound(spec.fields.scheme, args, info);
      const db = this.firstFound(spec.fields.database, args, info);
      if (scheme?.state === 'set' && LOCAL_DATABASES.has(scheme.value)) {
        return db?.state === 'set' ? { state: 'set', value: `sqlite:${db.value}` } : db ?? { state: 'unresolved', why: 'no database file' };
      }
    }
    if (spec.fields?.host) {
      const host = this.firstFound(spec.fields.host, args, info);
      if (host) {
        const parts: Record<string, Resolution | undefined> = { host };
        for (const k of ['port', 'database', 'user', 'scheme'] as const) parts[k] = this.firstFound(spec.fields[k] ?? [], args, info);
        for (const r of Object.values(parts)) if (r && r.state === 'unresolved') return r;
        const val = (r: Resolution | undefined) => (r && r.state === 'set' ? r.value : undefined);
        const scheme = normaliseScheme(val(parts.scheme) ?? spec.scheme ?? 'postgres');
        const user = val(parts.user);
        const port = val(parts.port) ?? String(DEFAULT_PORTS[scheme] ?? spec.defaultPort ?? '');
        const db = val(parts.database);
        return { state: 'set', value: `${scheme}://${user ? user + '@' : ''}${val(parts.host)}${port ? ':' + port : ''}${db ? '/' + db : ''}`, ...(host.state === 'set' && host.range ? { range: host.range } : {}) };
      }
    }
    if (spec.template) {
      const v = this.firstFound(spec.template.from ?? [], args, info);
      if (v?.state === 'unresolved') return v;
      if (v?.state === 'set') return { ...v, value: spec.template.url.replace('{}', v.value) };
      for (const name of spec.template.env ?? []) {
        const e = this.env(info.file, name);
        if (e !== undefined) return { state: 'default', value: spec.template.url.replace('{}', e), env: name };
      }
    }
    for (const name of spec.env ?? []) {
      const e = this.env(info.file, name);
      if (e !== undefined) return { state: 'default', value: name === 'PGHOST' ? `postgres://${e}:5432` : e, env: name };
    }
    if (spec.default) return { state: 'default', value: spec.default };
    if (spec.scheme) return { state: 'default', value: `${spec.scheme}://localhost:${spec.defaultPort ?? ''}` };
    return { state: 'default', value: null };
  }

  firstFound(paths: ArgPath[], args: ts.Expression[], info: ModuleInfo): Resolution | undefined {
    for (const p of paths) {
      const found = readPath(this.ev(), info, args, p);
      if (found && found.value.t !== 'obj') return toResolution(found, info.sf);
    }
    return undefined;
  }

  credential(entry: CatalogEntry, args: ts.Expression[], info: ModuleInfo): Resolution | null {
    const spec = entry.credential;
    if (!spec) return null;
    for (const path of spec.from ?? []) {
      const found = readPath(this.ev(), info, args, path);
      if (!found) continue;
      const range = found.sf === info.sf ? { range: rangeOf(found.node, found.sf) } : {};
      const v = found.value;
      // The value itself never leaves: only where it came from, and whose key format it has.
      const keyOf = v.t === 'str' ? classifySecret(v.v, null, NO_RANGE)?.provider : undefined;
      if (v.t === 'str') return { state: 'set', value: '', ...(v.env ? { env: v.env } : {}), ...(keyOf ? { keyOf } : {}), ...range };
      if (v.t === 'env') return { state: 'unresolved', why: `${v.name} is not set in any .env file`, env: v.name, ...range };
      if (v.t === 'obj') continue;
      return { state: 'unresolved', why: v.t === 'unknown' ? v.why : 'not a static value', ...range };
    }
    return { state: 'default', value: null, ...(spec.env?.[0] ? { env: spec.env[0] } : {}) };
  }

  stringAt(args: ts.Expression[], paths: ArgPath[], info: ModuleInfo): string | null {
    for (const p of paths) {
      const found = readPath(this.ev(), info, args, p);
      if (found?.value.t === 'str') return found.value.v;
    }
    return null;
  }
}

export const LOCAL_DATABASES = new Set(['sqlite', 'better-sqlite3', 'sqljs', 'capacitor', 'cordova', 'expo', 'nativescript', 'react-native']);

const DEFAULT_PORTS: Record<string, number> = { postgres: 5432, mysql: 3306, mariadb: 3306, mssql: 1433, mongodb: 27017, redis: 6379 };

export function normaliseScheme(s: string): string {
  return s === 'postgresql' ? 'postgres' : s;
}

export function shift(path: ArgPath): ArgPath {
  return path.startsWith('0.') ? `1.${path.slice(2)}` : path;
}

/** The entry as seen when no options are written: only environment defaults and the provider's endpoint. */
export function defaultsOnly(e: CatalogEntry): CatalogEntry {
  const { from: _from, fields: _fields, ...endpoint } = e.endpoint;
  return { ...e, endpoint: { ...endpoint, ...(endpoint.template ? { template: { ...endpoint.template, from: [] } } : {}) }, ...(e.credential ? { credential: { ...e.credential, from: [] } } : {}) };
}

/** The entry as seen when its options are the second argument. */
export function shiftEntry(e: CatalogEntry): CatalogEntry {
  return { ...e, endpoint: shiftEndpoint(e.endpoint), ...(e.credential ? { credential: { ...e.credential, from: (e.credential.from ?? []).map(shift) } } : {}) };
}

export function shiftEndpoint(e: EndpointSpec): EndpointSpec {
  return { ...e, from: (e.from ?? []).filter((p) => p !== '0').map(shift), ...(e.template ? { template: { ...e.template, from: (e.template.from ?? []).map(shift) } } : {}) };
}

/** The host of a resolved URL target, used as the provider of raw HTTP calls and MCP servers. */
export function hostOf(target: Resolution): string | null {
  if (target.state === 'unresolved' || target.value === null) return null;
  if (target.state === 'set' && target.partial && !hasCompleteOrigin(target.value)) return null;
  try {
    const u = new URL(target.value);
    return u.hostname.replace(/^\[|\]$/g, '') || null;
  } catch {
    return null;
  }
}

export function schemeProvider(target: Resolution): string | null {
  if (target.state === 'unresolved' || !target.value) return null;
  const m = /^([a-z0-9+]+):/i.exec(target.value);
  return m ? normaliseScheme(m[1]!.toLowerCase().split('+')[0]!) : null;
}

export function stdioProvider(target: Resolution): string | null {
  if (target.state !== 'set') return null;
  const words = target.value.slice('stdio:'.length).split(' ');
  // `npx -y @modelcontextprotocol/server-github` → the package, not npx.
  const pkg = words.find((w, i) => i > 0 && !w.startsWith('-'));
  const launcher = /(^|\/)(npx|uvx|bunx|pnpm|node|python3?|deno)$/.test(words[0] ?? '');
  return (launcher && pkg ? pkg : words[0]) ?? null;
}

