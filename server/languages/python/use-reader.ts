/**
 * Reading a Python call against a catalog entry: where it connects (written, composed from fields, an
 * environment default, the provider's default), its credential and model, and MCP stdio commands.
 */
import type { ArgPath, EndpointSpec } from '../../catalog/types.js';
import type { CatalogEntry, PyBinding } from '../../catalog/index.js';
import type { Resolution } from '../../scan/use.js';
import { readPath, toResolution, type Call } from './args.js';
import type { Evaluator, Value } from './evaluate.js';
import { rangeIn, type PyModule } from './module.js';

export class PyUseReader {
  constructor(
    /** The analyzer's current evaluator (it is replaced when caches are dropped). */
    private readonly ev: () => Evaluator,
    private readonly env: (file: string, name: string) => string | undefined,
  ) {}

  stdioFromDict(server: Extract<Value, { t: 'dict' }>, mod: PyModule): Resolution {
    const c = server.props.get('command')!;
    const cmd = toResolution({ value: c.value(), node: c.node, mod: c.mod }, mod);
    if (cmd.state !== 'set') return cmd;
    const argv = server.props.get('args')?.value();
    const words = argv?.t === 'list' ? argv.items.filter((i): i is { t: 'str'; v: string } => i.t === 'str').map((i) => i.v) : [];
    return { ...cmd, value: `stdio:${[cmd.value, ...words].join(' ')}` };
  }

  stdioTarget(call: Call): Resolution {
    const command = readPath(this.ev(), call, 'command') ?? readPath(this.ev(), call, '0');
    if (!command) return { state: 'unresolved', why: 'no command' };
    const cmd = toResolution(command, call.mod);
    if (cmd.state !== 'set') return cmd;
    const argv = readPath(this.ev(), call, 'args') ?? readPath(this.ev(), call, '1');
    const words = argv?.value.t === 'list' ? argv.value.items.filter((i): i is { t: 'str'; v: string } => i.t === 'str').map((i) => i.v) : [];
    return { ...cmd, value: `stdio:${[cmd.value, ...words].join(' ')}` };
  }

  /** Where the use connects: written in the code, composed from fields, an env default, or the provider's default. */
  endpoint(spec: EndpointSpec, call: Call, mod: PyModule): Resolution {
    for (const path of spec.from ?? []) {
      const found = readPath(this.ev(), call, path);
      if (!found || found.value.t === 'dict' || found.value.t === 'list' || found.value.t === 'inst') continue;
      const r = toResolution(found, mod);
      return r.state === 'set' ? { ...r, value: dsnToUrl(r.value, spec.scheme) } : r;
    }
    if (spec.fields?.host) {
      const host = this.firstResolution(spec.fields.host, call, mod);
      if (host) {
        const parts: Record<string, Resolution | undefined> = { host };
        for (const k of ['port', 'database', 'user', 'scheme'] as const) parts[k] = this.firstResolution(spec.fields[k] ?? [], call, mod);
        for (const r of Object.values(parts)) if (r && r.state === 'unresolved') return r;
        const val = (r: Resolution | undefined) => (r && r.state === 'set' ? r.value : undefined);
        const scheme = val(parts.scheme) ?? spec.scheme ?? 'postgres';
        const user = val(parts.user);
        const port = val(parts.port) ?? String(spec.defaultPort ?? '');
        const db = val(parts.database);
        return { state: 'set', value: `${scheme}://${user ? user + '@' : ''}${val(parts.host)}${port ? ':' + port : ''}${db ? '/' + db : ''}`, ...(host.state === 'set' && host.range ? { range: host.range } : {}) };
      }
    }
    if (spec.template) {
      const v = this.firstResolution(spec.template.from ?? [], call, mod);
      if (v?.state === 'unresolved') return v;
      if (v?.state === 'set') return { ...v, value: spec.template.url.replace('{}', v.value) };
      for (const name of spec.template.env ?? []) {
        const e = this.env(mod.file, name);
        if (e !== undefined) return { state: 'default', value: spec.template.url.replace('{}', e), env: name };
      }
    }
    for (const name of spec.env ?? []) {
      const e = this.env(mod.file, name);
      if (e !== undefined) return { state: 'default', value: name === 'PGHOST' ? `postgres://${e}:5432` : e, env: name };
    }
    if (spec.default) return { state: 'default', value: spec.default };
    if (spec.scheme && spec.defaultPort) return { state: 'default', value: `${spec.scheme}://localhost:${spec.defaultPort}` };
    return { state: 'default', value: null };
  }

  firstResolution(paths: ArgPath[], call: Call, mod: PyModule): Resolution | undefined {
    const found = firstFound(this.ev(), call, paths);
    return found ? toResolution(found, mod) : undefined;
  }

  credential(entry: CatalogEntry, binding: PyBinding, call: Call, mod: PyModule): Resolution | null {
    const env = [...(binding.credentialEnv ?? []), ...(entry.credential?.env ?? [])];
    if (!entry.credential && !binding.credential) return null;
    for (const path of binding.credential ?? []) {
      const found = readPath(this.ev(), call, path);
      if (!found) continue;
      const range = found.mod === mod ? { range: rangeIn(mod, found.node) } : {};
      const v = found.value;
      if (v.t === 'str') return v.env ? { state: 'set', value: '', env: v.env, ...range } : { state: 'set', value: '', ...range };
      if (v.t === 'env') return { state: 'unresolved', why: `${v.name} is not set in any .env file`, env: v.name, ...range };
      if (v.t === 'dict' || v.t === 'inst' || v.t === 'ref') return { state: 'set', value: '', ...range };
      return { state: 'unresolved', why: v.t === 'unknown' ? v.why : 'not a static value', ...range };
    }
    return { state: 'default', value: null, ...(env[0] ? { env: env[0] } : {}) };
  }

  stringAt(call: Call, paths: ArgPath[]): string | null {
    const found = firstFound(this.ev(), call, paths);
    return found?.value.t === 'str' ? found.value.v : null;
  }
}

export function firstFound(ev: Evaluator, call: Call, paths: readonly ArgPath[]): ReturnType<typeof readPath> {
  for (const p of paths) {
    const found = readPath(ev, call, p);
    if (found) return found;
  }
  return undefined;
}

/** The entry's endpoint spec with the binding's Python spelling. */
/** pyEndpoint's specs, built once per binding and entry (catalog data does not change in a process). */
const endpointSpecs = new WeakMap<PyBinding, WeakMap<CatalogEntry, EndpointSpec>>();

export function pyEndpoint(entry: CatalogEntry, b: PyBinding): EndpointSpec {
  let byEntry = endpointSpecs.get(b);
  if (!byEntry) endpointSpecs.set(b, (byEntry = new WeakMap()));
  let spec = byEntry.get(entry);
  if (!spec) byEntry.set(entry, (spec = Object.freeze(buildEndpointSpec(entry, b))));
  return spec;
}

function buildEndpointSpec(entry: CatalogEntry, b: PyBinding): EndpointSpec {
  const e = entry.endpoint;
  return {
    ...e,
    from: b.endpoint ?? [],
    fields: b.fields,
    template: e.template ? { ...e.template, from: b.template ?? [] } : b.template ? { from: b.template, url: '{}' } : undefined,
    env: [...(b.env ?? []), ...(e.env ?? [])],
    default: b.default !== undefined ? (b.default ?? undefined) : e.default,
    scheme: b.scheme ?? e.scheme,
  };
}

/** `host=db port=5432 dbname=x user=y` (libpq key/value DSN) → a URL; anything else unchanged. */
function dsnToUrl(value: string, scheme: string | undefined): string {
  if (!/^\s*\w+\s*=/.test(value) || value.includes('://')) return value;
  const kv = new Map<string, string>();
  for (const m of value.matchAll(/(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g)) kv.set(m[1]!, m[2]!.replace(/^'|'$/g, ''));
  const host = kv.get('host') ?? 'localhost';
  const user = kv.get('user');
  const port = kv.get('port') ?? '5432';
  const db = kv.get('dbname') ?? kv.get('database');
  return `${scheme ?? 'postgres'}://${user ? user + '@' : ''}${host}:${port}${db ? '/' + db : ''}`;
}

export function schemeProvider(target: Resolution): string | null {
  if (target.state === 'unresolved' || !target.value) return null;
  const m = /^([a-z0-9+]+):/i.exec(target.value);
  if (!m) return null;
  const s = m[1]!.toLowerCase().split('+')[0]!;
  return s === 'postgresql' ? 'postgres' : s;
}

export function stdioProvider(target: Resolution): string | null {
  if (target.state !== 'set') return null;
  const words = target.value.slice('stdio:'.length).split(' ');
  const launcher = /(^|\/)(npx|uvx|bunx|pnpm|node|python3?|uv|deno|pipx)$/.test(words[0] ?? '');
  const pkg = words.find((w, i) => i > 0 && !w.startsWith('-') && w !== 'run');
  return (launcher && pkg ? pkg : words[0]) ?? null;
}
