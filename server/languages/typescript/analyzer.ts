/**
 * The TypeScript/JavaScript language module: finds catalog constructs in a file and resolves their
 * endpoint, credential and model. One parse per file (cached); imports are followed file by file.
 */
import ts from 'typescript';
import { dirname } from 'node:path';
import { chatEntryForInit, matchJs, type CatalogEntry, type JsMatch } from '../../catalog/index.js';
import type { ArgPath, EndpointSpec } from '../../catalog/types.js';
import type { Resolution, ResourceUse } from '../../scan/use.js';
import { classifySecret, type SecretHit } from '../../scan/secrets.js';
import { readPath, rangeOf, toResolution } from './args.js';
import { Evaluator, type EvalHost, type Value } from './evaluate.js';
import { parseModule, resolveRelative, type ModuleInfo } from './module.js';

export interface AnalyzerIO {
  /** The file's text (editor overlay first, then disk), or null if it cannot be read. */
  readText(file: string): string | null;
  /** A variable from the .env files that apply to `file`. */
  env(file: string, name: string): string | undefined;
  fileExists(file: string): boolean;
}

export interface FileAnalysis {
  uses: ResourceUse[];
  secrets: SecretHit[];
  /** Files this analysis read (imports followed), the file itself excluded. */
  deps: string[];
  parseErrors: number;
}

const HTTP_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const MCP_CLIENT_OPTIONS = new Set(['throwOnLoadError', 'prefixToolNameWithServerName', 'additionalToolNamePrefix', 'useStandardContentBlocks', 'onConnectionError', 'outputHandling', 'defaultToolTimeout', 'mcpServers']);

export class TypeScriptAnalyzer implements EvalHost {
  private readonly modules = new Map<string, ModuleInfo | null>();
  private readonly resolutions = new Map<string, string | null>();
  private memo = new WeakMap<ts.Node, ResourceUse[]>();
  private readonly depStack: Set<string>[] = [];
  private ev: Evaluator;

  constructor(private readonly io: AnalyzerIO) {
    this.ev = new Evaluator(this);
  }

  /** Forget a file's parse (its text changed) and every derived result. */
  invalidate(file: string, created = false): void {
    this.modules.delete(file);
    if (created) this.resolutions.clear();
    this.memo = new WeakMap();
    this.ev = new Evaluator(this);
  }

  /** Forget derived results only (the .env files changed). */
  invalidateValues(): void {
    this.memo = new WeakMap();
    this.ev = new Evaluator(this);
  }

  module(file: string): ModuleInfo | null {
    for (const s of this.depStack) s.add(file);
    if (this.modules.has(file)) return this.modules.get(file)!;
    const text = this.io.readText(file);
    const info = text === null ? null : parseModule(file, text);
    this.modules.set(file, info);
    return info;
  }

  resolve(fromFile: string, spec: string): string | null {
    if (!spec.startsWith('.') && !spec.startsWith('/')) return null;
    const key = `${dirname(fromFile)}\0${spec}`;
    let hit = this.resolutions.get(key);
    if (hit === undefined) this.resolutions.set(key, (hit = resolveRelative(fromFile, spec, (f) => this.io.fileExists(f))));
    return hit;
  }

  env(file: string, name: string): string | undefined {
    return this.io.env(file, name);
  }

  useAt(node: ts.CallExpression | ts.NewExpression, info: ModuleInfo): ResourceUse | undefined {
    return this.usesAt(node, info)[0];
  }

  analyze(file: string): FileAnalysis {
    const deps = new Set<string>();
    this.depStack.push(deps);
    try {
      const info = this.module(file);
      if (!info) return { uses: [], secrets: [], deps: [], parseErrors: 0 };
      const uses: ResourceUse[] = [];
      const secrets: SecretHit[] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) || ts.isNewExpression(node)) uses.push(...this.usesAt(node, info));
        else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
          const hit = classifySecret(node.text, fieldNameOf(node), rangeOf(node, info.sf));
          if (hit) secrets.push(hit);
        }
        ts.forEachChild(node, visit);
      };
      visit(info.sf);
      deps.delete(file);
      const parseErrors = (info.sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length ?? 0;
      return { uses, secrets, deps: [...deps].sort(), parseErrors };
    } finally {
      this.depStack.pop();
    }
  }

  private usesAt(node: ts.CallExpression | ts.NewExpression, info: ModuleInfo): ResourceUse[] {
    const hit = this.memo.get(node);
    if (hit) return hit;
    this.memo.set(node, []); // re-entrancy guard
    const deps = new Set<string>();
    this.depStack.push(deps);
    let result: ResourceUse[] = [];
    try {
      const callee = this.ev.eval(node.expression, info);
      const match = matchCallee(callee);
      if (match) result = this.build(match, node, info);
    } finally {
      this.depStack.pop();
    }
    for (const d of deps) for (const s of this.depStack) s.add(d);
    this.memo.set(node, result);
    return result;
  }

  private build(match: JsMatch & { label: string }, node: ts.CallExpression | ts.NewExpression, info: ModuleInfo): ResourceUse[] {
    const entry = match.entry;
    const args = [...(node.arguments ?? [])];
    const range = rangeOf(node, info.sf);
    const base = { entry, file: info.file, range, label: match.label };
    const options = args.find((a) => ts.isObjectLiteralExpression(a));
    const optionsRange = options ? { optionsRange: rangeOf(options, info.sf) } : {};
    switch (entry.special) {
      case 'init-chat-model':
        return [this.initChatModel(base, args, info)];
      case 'mcp-servers':
        return this.mcpServers(base, args, info);
      case 'mcp-stdio': {
        const target = this.stdioTarget(args, '0', info);
        return [{ ...base, ...optionsRange, provider: stdioProvider(target), describedBy: entry, target, credential: null, model: null }];
      }
      case 'http-call': {
        const target = this.endpoint(entry.endpoint, args, info);
        if (target.state === 'set' && !/^[a-z][a-z0-9+.-]*:/i.test(target.value)) return []; // a same-origin path, not an external resource
        const verb = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text.toLowerCase() : '';
        const method = HTTP_VERBS.has(verb) ? verb.toUpperCase() : (this.stringAt(args, ['1.method', '0.method'], info) ?? 'GET').toUpperCase();
        return [{ ...base, provider: hostOf(target), describedBy: entry, target, credential: null, model: null, method }];
      }
      default: {
        const target = this.endpoint(entry.endpoint, args, info);
        const provider = entry.provider ?? (entry.kind === 'sql' ? schemeProvider(target) : hostOf(target));
        return [{ ...base, ...optionsRange, provider, describedBy: entry, target, credential: this.credential(entry, args, info), model: this.stringAt(args, entry.model ?? [], info) }];
      }
    }
  }

  private initChatModel(base: Omit<ResourceUse, 'provider' | 'describedBy' | 'target' | 'credential' | 'model'>, args: ts.Expression[], info: ModuleInfo): ResourceUse {
    const first = args[0] ? this.ev.eval(args[0], info) : ({ t: 'undef' } as Value);
    const explicit = this.stringAt(args, ['1.modelProvider'], info);
    let provider: string | null = explicit;
    let model: string | null = null;
    let why: string | null = null;
    if (first.t === 'str') {
      const colon = first.v.indexOf(':');
      if (!provider && colon > 0) {
        provider = first.v.slice(0, colon);
        model = first.v.slice(colon + 1);
      } else model = first.v;
    } else if (first.t !== 'undef') why = first.t === 'unknown' ? first.why : first.t === 'env' ? `${first.name} is not set in any .env file` : 'the model is not a static string';
    const delegate = chatEntryForInit(provider, model);
    if (!delegate) {
      const reason = why ?? (provider ? `no catalog entry for provider "${provider}"` : 'the provider is chosen at run time');
      return { ...base, provider: null, describedBy: base.entry, target: { state: 'unresolved', why: reason }, credential: null, model };
    }
    // initChatModel passes its second argument to the provider's constructor.
    const shifted: CatalogEntry = { ...delegate, endpoint: shiftEndpoint(delegate.endpoint), credential: delegate.credential ? { ...delegate.credential, from: (delegate.credential.from ?? []).map(shift) } : undefined };
    return {
      ...base,
      label: `initChatModel (${delegate.js?.[0]?.exports[0] ?? delegate.id})`,
      provider: delegate.provider,
      describedBy: delegate,
      target: this.endpoint(shifted.endpoint, args, info),
      credential: this.credential(shifted, args, info),
      model,
    };
  }

  private mcpServers(base: Omit<ResourceUse, 'provider' | 'describedBy' | 'target' | 'credential' | 'model'>, args: ts.Expression[], info: ModuleInfo): ResourceUse[] {
    const entry = base.entry;
    const config = args[0] ? this.ev.eval(args[0], info) : ({ t: 'undef' } as Value);
    let servers: Value = config;
    if (config.t === 'obj' && config.props.has('mcpServers')) servers = config.props.get('mcpServers')!.value();
    if (servers.t !== 'obj') {
      const why = servers.t === 'unknown' ? servers.why : 'the server list is not static';
      return [{ ...base, provider: null, describedBy: entry, target: { state: 'unresolved', why }, credential: null, model: null }];
    }
    const out: ResourceUse[] = [];
    for (const [name, prop] of servers.props) {
      if (servers === config && MCP_CLIENT_OPTIONS.has(name)) continue;
      const range = prop.sf === info.sf ? rangeOf(prop.node, info.sf) : base.range;
      const server = prop.value();
      const label = `MCP server "${name}"`;
      let target: Resolution;
      if (server.t !== 'obj') target = { state: 'unresolved', why: server.t === 'unknown' ? server.why : 'server config is not static' };
      else if (server.props.has('url')) {
        const node = prop.node;
        const holder = ts.isPropertyAssignment(node) ? node.initializer : node;
        target = this.endpoint({ from: ['0.url'] }, [holder as ts.Expression], this.module(prop.sf.fileName) ?? info);
      } else if (server.props.has('command')) {
        const node = prop.node;
        const holder = ts.isPropertyAssignment(node) ? node.initializer : node;
        target = this.stdioTarget([holder as ts.Expression], '0', this.module(prop.sf.fileName) ?? info);
      } else target = { state: 'unresolved', why: 'server has neither url nor command' };
      const provider = target.state === 'set' && target.value.startsWith('stdio:') ? stdioProvider(target) : hostOf(target);
      out.push({ ...base, range, label, server: name, provider, describedBy: entry, target, credential: null, model: null });
    }
    return out;
  }

  private stdioTarget(args: ts.Expression[], at: string, info: ModuleInfo): Resolution {
    const command = readPath(this.ev, info, args, `${at}.command`);
    if (!command) return { state: 'unresolved', why: 'no command' };
    const cmd = toResolution(command, info.sf);
    if (cmd.state !== 'set') return cmd;
    const argv = readPath(this.ev, info, args, `${at}.args`);
    const words: string[] = [];
    if (argv?.value.t === 'arr') for (const a of argv.value.items) if (a.t === 'str') words.push(a.v);
    return { ...cmd, value: `stdio:${[cmd.value, ...words].join(' ')}` };
  }

  /** Where the use connects: written in the code, composed from fields, an env default, or the provider's default. */
  private endpoint(spec: EndpointSpec, args: ts.Expression[], info: ModuleInfo): Resolution {
    for (const path of spec.from ?? []) {
      const found = readPath(this.ev, info, args, path);
      if (!found || found.value.t === 'obj' || found.value.t === 'arr') continue;
      return toResolution(found, info.sf);
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
        const e = this.io.env(info.file, name);
        if (e !== undefined) return { state: 'default', value: spec.template.url.replace('{}', e), env: name };
      }
    }
    for (const name of spec.env ?? []) {
      const e = this.io.env(info.file, name);
      if (e !== undefined) return { state: 'default', value: name === 'PGHOST' ? `postgres://${e}:5432` : e, env: name };
    }
    if (spec.default) return { state: 'default', value: spec.default };
    if (spec.scheme) return { state: 'default', value: `${spec.scheme}://localhost:${spec.defaultPort ?? ''}` };
    return { state: 'default', value: null };
  }

  private firstFound(paths: ArgPath[], args: ts.Expression[], info: ModuleInfo): Resolution | undefined {
    for (const p of paths) {
      const found = readPath(this.ev, info, args, p);
      if (found && found.value.t !== 'obj') return toResolution(found, info.sf);
    }
    return undefined;
  }

  private credential(entry: CatalogEntry, args: ts.Expression[], info: ModuleInfo): Resolution | null {
    const spec = entry.credential;
    if (!spec) return null;
    for (const path of spec.from ?? []) {
      const found = readPath(this.ev, info, args, path);
      if (!found) continue;
      const range = found.sf === info.sf ? { range: rangeOf(found.node, found.sf) } : {};
      const v = found.value;
      if (v.t === 'str') return v.env ? { state: 'set', value: '', env: v.env, ...range } : { state: 'set', value: '', ...range };
      if (v.t === 'env') return { state: 'unresolved', why: `${v.name} is not set in any .env file`, env: v.name, ...range };
      if (v.t === 'obj') continue;
      return { state: 'unresolved', why: v.t === 'unknown' ? v.why : 'not a static value', ...range };
    }
    return { state: 'default', value: null, ...(spec.env?.[0] ? { env: spec.env[0] } : {}) };
  }

  private stringAt(args: ts.Expression[], paths: ArgPath[], info: ModuleInfo): string | null {
    for (const p of paths) {
      const found = readPath(this.ev, info, args, p);
      if (found?.value.t === 'str') return found.value.v;
    }
    return null;
  }
}

const DEFAULT_PORTS: Record<string, number> = { postgres: 5432, mysql: 3306, mariadb: 3306, mssql: 1433, mongodb: 27017, redis: 6379 };

function normaliseScheme(s: string): string {
  return s === 'postgresql' ? 'postgres' : s;
}

function shift(path: ArgPath): ArgPath {
  return path.startsWith('0.') ? `1.${path.slice(2)}` : path;
}

function shiftEndpoint(e: EndpointSpec): EndpointSpec {
  return { ...e, from: (e.from ?? []).filter((p) => p !== '0').map(shift), ...(e.template ? { template: { ...e.template, from: (e.template.from ?? []).map(shift) } } : {}) };
}

function matchCallee(v: Value): (JsMatch & { label: string }) | undefined {
  if (v.t === 'class') {
    const m = matchCallee(v.base);
    return m ? { ...m, label: `subclass of ${m.label}` } : undefined;
  }
  if (v.t !== 'ref') return undefined;
  const m = matchJs(v.module, v.path);
  return m ? { ...m, label: m.name } : undefined;
}

/** The host of a resolved URL target, used as the provider of raw HTTP calls and MCP servers. */
export function hostOf(target: Resolution): string | null {
  if (target.state === 'unresolved' || target.value === null) return null;
  try {
    const u = new URL(target.value);
    return u.hostname.replace(/^\[|\]$/g, '') || null;
  } catch {
    return null;
  }
}

function schemeProvider(target: Resolution): string | null {
  if (target.state === 'unresolved' || !target.value) return null;
  const m = /^([a-z0-9+]+):/i.exec(target.value);
  return m ? normaliseScheme(m[1]!.toLowerCase().split('+')[0]!) : null;
}

function stdioProvider(target: Resolution): string | null {
  if (target.state !== 'set') return null;
  const words = target.value.slice('stdio:'.length).split(' ');
  // `npx -y @modelcontextprotocol/server-github` → the package, not npx.
  const pkg = words.find((w, i) => i > 0 && !w.startsWith('-'));
  const launcher = /(^|\/)(npx|uvx|bunx|pnpm|node|python3?|deno)$/.test(words[0] ?? '');
  return (launcher && pkg ? pkg : words[0]) ?? null;
}

/** The name a string literal is assigned to (`apiKey: "…"`, `const token = "…"`), for the secret detector. */
function fieldNameOf(node: ts.Node): string | null {
  const p = node.parent;
  if (!p) return null;
  if (ts.isPropertyAssignment(p) && p.initializer === node) return p.name.getText();
  if (ts.isVariableDeclaration(p) && p.initializer === node) return p.name.getText();
  if (ts.isBinaryExpression(p) && p.right === node && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = p.left;
    return ts.isPropertyAccessExpression(left) ? left.name.text : left.getText();
  }
  if (ts.isPropertyDeclaration(p) && p.initializer === node) return p.name.getText();
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return fieldNameOf(p);
  return null;
}
