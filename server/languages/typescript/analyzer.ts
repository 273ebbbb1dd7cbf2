/**
 * The TypeScript/JavaScript language module: finds catalog constructs in a file and resolves their
 * endpoint, credential and model. One parse per file (cached); imports are followed file by file.
 */
import tsc from './ts.js';
import type * as ts from 'typescript';
import { dirname } from 'node:path';
import { chatEntryForInit, matchJs, type CatalogEntry, type JsMatch } from '../../catalog/index.js';
import type { Resolution, ResourceUse } from '../../scan/use.js';
import { classifySecret, type SecretHit } from '../../scan/secrets.js';
import type { FileAnalysis, LanguageAnalyzer, LanguageIO } from '../index.js';
import { readPath, rangeOf } from './args.js';
import { Evaluator, type EvalHost, type Value } from './evaluate.js';
import { parseModule, resolveRelative, type ModuleInfo } from './module.js';
import { PathAliases } from './path-aliases.js';
import { UseReader, defaultsOnly, hostOf, schemeProvider, shiftEntry, stdioProvider } from './use-reader.js';


/** Client instances whose method calls are requests (`api.get(…)`). */
const HTTP_INSTANCES = new Set(['http.axios-instance', 'http.got-instance']);

/** axios/got joining: an absolute URL wins; otherwise base + "/" + path, one slash between. */
function joinUrl(base: Resolution, path: Resolution): Resolution {
  if (path.state === 'set' && !path.partial && /^[a-z][a-z0-9+.-]*:\/\//i.test(path.value)) return path;
  if (base.state === 'unresolved' || base.value === null) return base.state === 'unresolved' ? base : { state: 'unresolved', why: 'the instance has no base URL' };
  const root = base.value.replace(/\/+$/, '');
  if (path.state === 'set') return { state: 'set', value: `${root}/${path.value.replace(/^\/+/, '')}`, ...(path.partial ? { partial: path.partial } : {}), ...(path.range ? { range: path.range } : {}) };
  if (path.state === 'unresolved') return { state: 'set', value: `${root}/`, partial: { why: path.why } };
  return { state: 'set', value: root };
}

const HTTP_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const MCP_CLIENT_OPTIONS = new Set(['throwOnLoadError', 'prefixToolNameWithServerName', 'additionalToolNamePrefix', 'useStandardContentBlocks', 'onConnectionError', 'outputHandling', 'defaultToolTimeout', 'mcpServers']);

export class TypeScriptAnalyzer implements EvalHost, LanguageAnalyzer {
  private readonly modules = new Map<string, ModuleInfo | null>();
  private readonly resolutions = new Map<string, string | null>();
  private memo = new WeakMap<ts.Node, ResourceUse[]>();
  private readonly depStack: Set<string>[] = [];
  private ev: Evaluator;
  private readonly read: UseReader;

  private readonly aliases: PathAliases;

  constructor(private readonly io: LanguageIO) {
    this.aliases = new PathAliases((f) => io.readText(f), (f) => io.fileExists(f));
    this.ev = new Evaluator(this);
    this.read = new UseReader(() => this.ev, (f, n) => this.io.env(f, n));
  }

  /** Forget a file's parse (its text changed) and every derived result. */
  invalidate(file: string, created = false): void {
    this.modules.delete(file);
    if (PathAliases.isConfigFile(file)) {
      this.aliases.clear();
      this.resolutions.clear();
    }
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

  /** The project file an import names, or null for a package (also a path alias that maps to no file). */
  resolve(fromFile: string, spec: string): string | null {
    const key = `${dirname(fromFile)}\0${spec}`;
    let hit = this.resolutions.get(key);
    if (hit === undefined) this.resolutions.set(key, (hit = this.resolveUncached(fromFile, spec)));
    return hit;
  }

  isPathAlias(fromFile: string, spec: string): boolean {
    return this.aliases.isAlias(fromFile, spec);
  }

  private resolveUncached(fromFile: string, spec: string): string | null {
    const exists = (f: string) => this.io.fileExists(f);
    if (spec.startsWith('.') || spec.startsWith('/')) return resolveRelative(fromFile, spec, exists);
    for (const candidate of this.aliases.candidates(fromFile, spec)) {
      const file = resolveRelative(fromFile, candidate, exists);
      if (file) return file;
    }
    return null;
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
      if (!info) return { uses: [], secrets: [], deps: [] };
      const uses: ResourceUse[] = [];
      const secrets: SecretHit[] = [];
      const visit = (node: ts.Node): void => {
        if (tsc.isCallExpression(node) || tsc.isNewExpression(node)) uses.push(...this.usesAt(node, info));
        else if (tsc.isStringLiteral(node) || tsc.isNoSubstitutionTemplateLiteral(node)) {
          const hit = classifySecret(node.text, fieldNameOf(node), rangeOf(node, info.sf));
          if (hit) secrets.push(hit);
        }
        tsc.forEachChild(node, visit);
      };
      visit(info.sf);
      deps.delete(file);
      return { uses, secrets, deps: [...deps].sort() };
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
      else if (callee.t === 'use' && HTTP_INSTANCES.has(callee.use.entry.id) && tsc.isCallExpression(node)) result = this.instanceCall(callee.use, node, info);
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
    const options = args.find((a) => tsc.isObjectLiteralExpression(a));
    const optionsRange = options ? { optionsRange: rangeOf(options, info.sf) } : {};
    switch (entry.special) {
      case 'init-chat-model': {
        const use = this.initChatModel(base, args, info);
        return use ? [use] : [];
      }
      case 'mcp-servers':
        return this.mcpServers(base, args, info);
      case 'mcp-stdio': {
        const target = this.read.stdioTarget(args, '0', info);
        return [{ ...base, ...optionsRange, provider: stdioProvider(target), describedBy: entry, target, credential: null, model: null }];
      }
      case 'http-call': {
        const target = this.read.endpoint(entry.endpoint, args, info);
        if (target.state === 'set' && !/^[a-z][a-z0-9+.-]*:/i.test(target.value)) return []; // a same-origin path, not an external resource
        const verb = tsc.isPropertyAccessExpression(node.expression) ? node.expression.name.text.toLowerCase() : '';
        const method = HTTP_VERBS.has(verb) ? verb.toUpperCase() : (this.read.stringAt(args, ['1.method', '0.method'], info) ?? 'GET').toUpperCase();
        return [{ ...base, provider: hostOf(target), describedBy: entry, target, credential: null, model: null, method }];
      }
      default: {
        // `new ChatOpenAI("gpt-4o", { … })`: the model first, the options second.
        const spec = this.modelFirst(entry, args, info) ? shiftEntry(entry) : entry;
        const target = this.read.endpoint(spec.endpoint, args, info);
        const provider = entry.provider ?? (entry.kind === 'sql' ? schemeProvider(target) : hostOf(target));
        return [{ ...base, ...optionsRange, provider, describedBy: entry, target, credential: this.read.credential(spec, args, info), model: this.read.stringAt(args, entry.model ?? [], info) }];
      }
    }
  }

  /**
   * A model named by a "provider:model" string: `initChatModel(model, options)` (options go to the provider's
   * constructor) or `createAgent({ model: "openai:gpt-4o" })` (SDK defaults). Null when the model is an instance.
   */
  /** `api.post("/incidents")` on an `axios.create` / `got.extend` instance: the instance's base URL joined with the path. */
  private instanceCall(instance: ResourceUse, node: ts.CallExpression, info: ModuleInfo): ResourceUse[] {
    const callee = node.expression;
    let verb = 'request';
    if (tsc.isPropertyAccessExpression(callee)) {
      // Only `api.get(…)` on the instance itself, not `api.defaults.headers.get(…)`.
      if (!tsc.isIdentifier(callee.expression)) return [];
      verb = callee.name.text.toLowerCase();
      if (!HTTP_VERBS.has(verb) && verb !== 'request') return [];
    } else if (!tsc.isIdentifier(callee)) return [];
    const args = [...node.arguments];
    const method = HTTP_VERBS.has(verb) ? verb.toUpperCase() : (this.read.stringAt(args, ['1.method', '0.method'], info) ?? 'GET').toUpperCase();
    const path = this.read.endpoint({ from: ['0', '0.url'] }, args, info);
    return [{
      entry: instance.entry, file: info.file, range: rangeOf(node, info.sf), label: `${instance.label} instance .${verb}`,
      provider: instance.provider, describedBy: instance.entry, target: joinUrl(instance.target, path), credential: null, model: null, method,
    }];
  }

  private initChatModel(base: Omit<ResourceUse, 'provider' | 'describedBy' | 'target' | 'credential' | 'model'>, args: ts.Expression[], info: ModuleInfo): ResourceUse | null {
    const modelPath = base.entry.model?.[0] ?? '0';
    const optionsFollow = modelPath === '0';
    const found = readPath(this.ev, info, args, modelPath);
    const first = found?.value ?? ({ t: 'undef' } as Value);
    // createAgent({ model }) with an instance (or something that may be one): the instance is reported where it is built.
    if (!optionsFollow && first.t !== 'str' && first.t !== 'env' && first.t !== 'prefix') return null;
    const explicit = optionsFollow ? this.read.stringAt(args, ['1.modelProvider'], info) : null;
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
      const reason = why ? `the model is chosen at run time: ${why}` : provider ? `no catalog entry for provider "${provider}"` : 'the provider is chosen at run time';
      return { ...base, provider: null, describedBy: base.entry, target: { state: 'unresolved', why: reason }, credential: null, model };
    }
    // initChatModel passes its second argument to the provider's constructor; a model string alone gets the defaults.
    const shifted = optionsFollow ? shiftEntry(delegate) : defaultsOnly(delegate);
    return {
      ...base,
      label: `${base.label} (${delegate.js?.[0]?.exports[0] ?? delegate.id})`,
      provider: delegate.provider,
      describedBy: delegate,
      target: this.read.endpoint(shifted.endpoint, args, info),
      credential: this.read.credential(shifted, args, info),
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
        const holder = tsc.isPropertyAssignment(node) ? node.initializer : node;
        target = this.read.endpoint({ from: ['0.url'] }, [holder as ts.Expression], this.module(prop.sf.fileName) ?? info);
      } else if (server.props.has('command')) {
        const node = prop.node;
        const holder = tsc.isPropertyAssignment(node) ? node.initializer : node;
        target = this.read.stdioTarget([holder as ts.Expression], '0', this.module(prop.sf.fileName) ?? info);
      } else target = { state: 'unresolved', why: 'server has neither url nor command' };
      const provider = target.state === 'set' && target.value.startsWith('stdio:') ? stdioProvider(target) : hostOf(target);
      out.push({ ...base, range, label, server: name, provider, describedBy: entry, target, credential: null, model: null });
    }
    return out;
  }

  /** Whether a model entry is called with the model name first (`new ChatAnthropic("claude-…", options)`). */
  private modelFirst(entry: CatalogEntry, args: ts.Expression[], info: ModuleInfo): boolean {
    if (!entry.model?.includes('0') || !args[0] || tsc.isObjectLiteralExpression(args[0])) return false;
    const v = this.ev.eval(args[0], info);
    return v.t === 'str' || v.t === 'prefix' || v.t === 'env' || (args.length > 1 && v.t === 'unknown');
  }

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

/** The name a string literal is assigned to (`apiKey: "…"`, `const token = "…"`), for the secret detector. */
function fieldNameOf(node: ts.Node): string | null {
  const p = node.parent;
  if (!p) return null;
  if (tsc.isPropertyAssignment(p) && p.initializer === node) return p.name.getText();
  if (tsc.isVariableDeclaration(p) && p.initializer === node) return p.name.getText();
  if (tsc.isBinaryExpression(p) && p.right === node && p.operatorToken.kind === tsc.SyntaxKind.EqualsToken) {
    const left = p.left;
    return tsc.isPropertyAccessExpression(left) ? left.name.text : left.getText();
  }
  if (tsc.isPropertyDeclaration(p) && p.initializer === node) return p.name.getText();
  if (tsc.isBinaryExpression(p) && p.operatorToken.kind === tsc.SyntaxKind.QuestionQuestionToken) return fieldNameOf(p);
  return null;
}
