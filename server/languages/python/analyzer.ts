/**
 * The Python language module: finds catalog constructs in .py files and notebooks and resolves their
 * endpoint, credential and model, into the same ResourceUse the TypeScript module reports (so findings,
 * statuses, diagnostics and fix data are identical). One tree-sitter parse per file (cached); local
 * imports are followed file by file.
 */
import { chatEntryForPythonInit, matchPy, PY_CALL_NAMES, type PyBinding, type PyMatch } from '../../catalog/index.js';
import type { FixData } from '../../scan/types.js';
import type { Resolution, ResourceUse } from '../../scan/use.js';
import { classifySecret, type SecretHit } from '../../scan/secrets.js';
import { hostOf } from '../typescript/use-reader.js';
import { readCall, toResolution, writes, type Call } from './args.js';
import { firstFound, pyEndpoint, PyUseReader, schemeProvider, stdioProvider } from './use-reader.js';
import { classBases, Evaluator, plainStringValue, type EvalHost, type Value } from './evaluate.js';
import { parseModule, rangeIn, resolvePyModule, type PyModule } from './module.js';
import { callOfName, scanNodes, type Node } from './parser.js';

export interface PyAnalyzerIO {
  readText(file: string): string | null;
  env(file: string, name: string): string | undefined;
  fileExists(file: string): boolean;
  /** The workspace root: absolute imports are looked up from the file's folder up to here. */
  root: string;
}

export interface FileAnalysis {
  uses: ResourceUse[];
  secrets: SecretHit[];
  deps: string[];
  parseErrors: number;
}

/** How the chain key is read in Python, for the quick fix that routes a client through the gateway. */
export const PY_KEY_EXPRESSION = 'os.environ["CHAINWARDEN_KEY"]';
/** Parsed trees kept at most (see trimCache). */
const MAX_TREES = 32;
const HTTP_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const MCP_TRANSPORT_URL = new Set(['sse', 'streamable_http', 'http', 'websocket']);

type Base = Pick<ResourceUse, 'entry' | 'file' | 'range' | 'label'>;

export class PythonAnalyzer implements EvalHost {
  private readonly modules = new Map<string, PyModule | null>();
  private readonly resolutions = new Map<string, string | null>();
  private memo = new Map<string, ResourceUse[]>();
  private readonly depStack: Set<string>[] = [];
  private ev: Evaluator;
  private readonly read = new PyUseReader(() => this.ev, (f, n) => this.io.env(f, n));

  constructor(private readonly io: PyAnalyzerIO) {
    this.ev = new Evaluator(this);
  }

  invalidate(file: string, created = false): void {
    this.modules.get(file)?.tree.delete();
    this.modules.delete(file);
    if (created || file.endsWith('__init__.py')) this.resolutions.clear();
    this.invalidateValues();
  }

  invalidateValues(): void {
    this.memo = new Map();
    this.ev = new Evaluator(this);
  }

  module(file: string): PyModule | null {
    for (const s of this.depStack) s.add(file);
    const cached = this.modules.get(file);
    if (cached !== undefined) {
      // Most recently used last, for trimCache.
      this.modules.delete(file);
      this.modules.set(file, cached);
      return cached;
    }
    const text = this.io.readText(file);
    const mod = text === null ? null : parseModule(file, text);
    this.modules.set(file, mod);
    return mod;
  }

  resolveModule(fromFile: string, spec: string): string | null {
    const key = `${fromFile.slice(0, fromFile.lastIndexOf('/'))}\0${spec}`;
    let hit = this.resolutions.get(key);
    if (hit === undefined) this.resolutions.set(key, (hit = resolvePyModule(fromFile, spec, this.io.root, (f) => this.io.fileExists(f))));
    return hit;
  }

  env(file: string, name: string): string | undefined {
    return this.io.env(file, name);
  }

  useAt(call: Node, mod: PyModule): ResourceUse | undefined {
    return this.usesAt(call, mod)[0];
  }

  analyze(file: string): FileAnalysis {
    this.trimCache(file);
    const deps = new Set<string>();
    this.depStack.push(deps);
    try {
      const mod = this.module(file);
      if (!mod) return { uses: [], secrets: [], deps: [], parseErrors: 0 };
      const uses: ResourceUse[] = [];
      const secrets: SecretHit[] = [];
      const { calls, strings, aliases } = scanNodes(mod.root);
      const localNames = this.localCallNamesOf(mod, aliases);
      for (const { nameNode, name } of calls) if (PY_CALL_NAMES.has(name) || localNames.has(name)) uses.push(...this.usesAt(callOfName(nameNode), mod));
      for (const s of strings) {
        const hit = this.secretAt(s, mod);
        if (hit) secrets.push(hit);
      }
      return { uses, secrets, deps: [...deps].filter((d) => d !== file).sort(), parseErrors: mod.parseErrors };
    } finally {
      this.depStack.pop();
    }
  }

  /**
   * Besides the catalog's names (PY_CALL_NAMES), the names a call in this file may end with to be a catalog
   * construct: imported names and aliases, local classes.
   */
  private localCallNamesOf(mod: PyModule, aliases: readonly string[]): ReadonlySet<string> {
    const names = new Set<string>(mod.imports.keys());
    for (const a of aliases) names.add(a);
    for (const [k, b] of mod.bindings) if (b.some((n) => n.type === 'class_definition')) names.add(k);
    return names;
  }

  private secretAt(node: Node, mod: PyModule): SecretHit | null {
    if (node.endIndex - node.startIndex < 10) return null; // shorter than any credential
    const value = plainStringValue(node.text); // f-strings are built at run time: not a literal secret
    if (value === null) return null;
    const v = { v: value };
    // Known formats first; the field name is only needed for the high-entropy rule.
    const known = classifySecret(v.v, null, rangeIn(mod, node));
    if (known || v.v.length < 12 || /\s/.test(v.v)) return known;
    // The high-entropy rule also needs a secret-like name; look the name up only for values that pass the value tests.
    if (!classifySecret(v.v, 'token', rangeIn(mod, node))) return null;
    return classifySecret(v.v, fieldNameOf(node), rangeIn(mod, node));
  }

  /**
   * Parsed trees live in WebAssembly memory; a scan of thousands of files keeps only the most recently
   * used ones (files others import stay warm) and re-parses the rest on demand. Evicting drops the
   * evaluator's caches, which may hold nodes of the evicted trees.
   */
  private trimCache(keep: string): void {
    if (this.modules.size <= MAX_TREES) return;
    for (const [file, mod] of this.modules) {
      if (this.modules.size <= MAX_TREES * 0.75) break;
      if (file === keep) continue;
      mod?.tree.delete();
      this.modules.delete(file);
    }
    this.ev = new Evaluator(this);
  }

  private usesAt(node: Node, mod: PyModule): ResourceUse[] {
    const key = `${mod.file}:${node.startIndex}:${node.endIndex}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    this.memo.set(key, []); // re-entrancy guard
    const deps = new Set<string>();
    this.depStack.push(deps);
    let result: ResourceUse[] = [];
    try {
      const match = this.matchCallee(node, mod);
      if (match) result = this.build(match, node, mod);
    } finally {
      this.depStack.pop();
    }
    for (const d of deps) for (const s of this.depStack) s.add(d);
    this.memo.set(key, result);
    return result;
  }

  private matchCallee(node: Node, mod: PyModule): (PyMatch & { label: string }) | undefined {
    const fn = node.childForFieldName('function');
    if (!fn || !/^(identifier|attribute)$/.test(fn.type)) return undefined;
    return matchValue(this.ev.eval(fn, mod), this.ev, 0);
  }

  private build(match: PyMatch & { label: string }, node: Node, mod: PyModule): ResourceUse[] {
    const { entry, binding } = match;
    const call = readCall(this.ev, node, mod);
    if (binding.requires && !binding.requires.some((p) => writes(call, p))) return [];
    const base: Base = { entry, file: mod.file, range: rangeIn(mod, node), label: match.label };
    const argList = node.childForFieldName('arguments');
    const optionsRange = argList && argList.type === 'argument_list' ? { optionsRange: rangeIn(mod, argList) } : {};
    const fix = fixHints(binding);
    switch (entry.special) {
      case 'init-chat-model': {
        const use = this.initChatModel(base, call, binding, mod, optionsRange);
        return use ? [use] : [];
      }
      case 'mcp-servers':
        return this.mcpServers(base, call, binding, mod);
      case 'mcp-stdio': {
        const target = this.read.stdioTarget(call);
        return [{ ...base, ...optionsRange, provider: stdioProvider(target), describedBy: entry, target, credential: null, model: null }];
      }
      case 'http-call': {
        const found = firstFound(this.ev, call, binding.endpoint ?? []);
        if (found?.value.t === 'use') return []; // urlopen(Request(…)): reported where the request is built
        const target = found ? toResolution(found, mod) : ({ state: 'unresolved', why: 'no URL argument' } as Resolution);
        if (target.state === 'set' && !/^[a-z][a-z0-9+.-]*:/i.test(target.value)) return []; // a path relative to a client's base URL
        const verb = match.name.split('.').pop()!.replace(/^.*\(\)\./, '').toLowerCase();
        const written = firstFound(this.ev, call, binding.method ?? []);
        const method = written?.value.t === 'str' ? written.value.v.toUpperCase() : HTTP_VERBS.has(verb) ? verb.toUpperCase() : 'GET';
        return [{ ...base, provider: hostOf(target), describedBy: entry, target, credential: null, model: null, method }];
      }
      default: {
        const runtime = configurableAt(node);
        let target = this.read.endpoint(pyEndpoint(entry, binding), call, mod);
        if (runtime.some((k) => (binding.endpoint ?? []).includes(k))) target = { state: 'unresolved', why: `the endpoint is chosen at run time (configurable_fields: ${runtime.join(', ')})` };
        // SQLite (`sqlite:///chinook.db`) is a local file: listed as `sqlite:<file>`, which the policy check reports as local, like TypeScript's.
        if (target.state === 'set' && /^sqlite(\+\w+)?:\/\/\//.test(target.value)) target = { ...target, value: `sqlite:${target.value.replace(/^sqlite(\+\w+)?:\/\/\//, '')}` };
        const provider = entry.provider ?? (entry.kind === 'sql' ? schemeProvider(target) : hostOf(target));
        const model = runtime.some((k) => (binding.model ?? []).includes(k)) ? null : this.read.stringAt(call, binding.model ?? []);
        return [{ ...base, ...optionsRange, ...(fix ? { fix } : {}), provider, describedBy: entry, target, credential: this.read.credential(entry, binding, call, mod), model }];
      }
    }
  }

  /**
   * `init_chat_model("provider:model", **kwargs)` (the kwargs go to the provider's class) and agents built
   * from a model string (`create_agent("openai:gpt-4o", tools)`: the SDK defaults apply).
   */
  private initChatModel(base: Base, call: Call, binding: PyBinding, mod: PyModule, optionsRange: object): ResourceUse | null {
    const kwargsFollow = binding.names.includes('init_chat_model');
    const first = firstFound(this.ev, call, binding.model ?? ['model', '0']);
    // create_agent(model=ChatOpenAI(…)) or a model that may be one: the instance is reported where it is built.
    if (!kwargsFollow && first?.value.t !== 'str' && first?.value.t !== 'env') return null;
    const explicit = this.read.stringAt(call, ['model_provider']);
    let provider: string | null = explicit;
    let model: string | null = null;
    let why: string | null = null;
    const v = first?.value;
    if (v?.t === 'str') {
      const colon = v.v.indexOf(':');
      if (!provider && colon > 0) {
        provider = v.v.slice(0, colon);
        model = v.v.slice(colon + 1);
      } else model = v.v;
    } else if (v) why = `the model is chosen at run time: ${v.t === 'unknown' ? v.why : v.t === 'env' ? `${v.name} is not set in any .env file` : 'it is not a static string'}`;
    // configurable_fields="any" or ("model", "model_provider"): whatever is written is only a default.
    const cf = kwargsFollow ? firstFound(this.ev, call, ['configurable_fields']) : undefined;
    if (cf) {
      const fields = cf.value.t === 'str' ? [cf.value.v] : cf.value.t === 'list' ? cf.value.items.map((i) => (i.t === 'str' ? i.v : '?')) : ['?'];
      const runtime = fields.filter((f) => f === 'any' || f === '?' || f === 'model_provider' || f === 'model' || f === 'base_url');
      if (runtime.length) why = `the provider is chosen at run time (configurable_fields: ${fields.join(', ')})`;
    }
    const delegate = why ? undefined : chatEntryForPythonInit(provider, model);
    if (!delegate) {
      const reason = why ?? (provider ? `no catalog entry for provider "${provider}"` : 'the provider is chosen at run time');
      return { ...base, ...optionsRange, provider: null, describedBy: base.entry, target: { state: 'unresolved', why: reason }, credential: null, model };
    }
    const provBinding = delegate.python![0]!;
    const fix = fixHints(provBinding);
    // Only init_chat_model's keyword arguments reach the provider's class; an agent's do not.
    const args = kwargsFollow ? call : { ...call, args: { positional: [], keywords: new Map(), splat: false }, splatKeywords: new Map(), openSplat: false, openPositional: false };
    return {
      ...base, ...optionsRange, ...(fix ? { fix } : {}),
      label: `${base.label} (${provBinding.names[0]})`,
      provider: delegate.provider,
      describedBy: delegate,
      target: this.read.endpoint(pyEndpoint(delegate, provBinding), args, mod),
      credential: this.read.credential(delegate, provBinding, args, mod),
      model,
    };
  }

  private mcpServers(base: Base, call: Call, binding: PyBinding, mod: PyModule): ResourceUse[] {
    const entry = base.entry;
    const found = firstFound(this.ev, call, binding.endpoint ?? []);
    const servers = found?.value;
    if (!servers || servers.t !== 'dict') {
      if (!servers) return []; // servers added later (client.connect_to_server…): reported there if at all
      const why = servers.t === 'unknown' ? servers.why : 'the server list is not static';
      return [{ ...base, provider: null, describedBy: entry, target: { state: 'unresolved', why }, credential: null, model: null }];
    }
    const out: ResourceUse[] = [];
    for (const [name, prop] of servers.props) {
      const server = prop.value();
      const range = prop.mod === mod ? rangeIn(mod, prop.node.parent?.type === 'pair' ? prop.node.parent : prop.node) : base.range;
      let target: Resolution;
      if (server.t !== 'dict') target = { state: 'unresolved', why: server.t === 'unknown' ? server.why : 'server config is not static' };
      else {
        const transport = server.props.get('transport')?.value();
        const get = (k: string) => server.props.get(k);
        if (get('url') && (!transport || (transport.t === 'str' && MCP_TRANSPORT_URL.has(transport.v)))) {
          const p = get('url')!;
          target = toResolution({ value: p.value(), node: p.node, mod: p.mod }, mod);
        } else if (get('command')) target = this.read.stdioFromDict(server, mod);
        else target = { state: 'unresolved', why: 'server has neither url nor command' };
      }
      const provider = target.state === 'set' && target.value.startsWith('stdio:') ? stdioProvider(target) : hostOf(target);
      const fix: ResourceUse['fix'] = { syntax: 'python', baseUrlProperty: 'url' };
      out.push({ ...base, range, label: `MCP server "${name}"`, server: name, provider, describedBy: entry, target, credential: null, model: null, fix });
    }
    return out;
  }

}


function fixHints(b: PyBinding): ResourceUse['fix'] {
  const fix: Pick<FixData, 'baseUrlProperty' | 'syntax' | 'keyProperty' | 'keyExpression'> = { syntax: 'python' };
  if (b.fixProperty) fix.baseUrlProperty = b.fixProperty;
  if (b.keyProperty) {
    fix.keyProperty = b.keyProperty;
    fix.keyExpression = PY_KEY_EXPRESSION;
  } else if (b.credential?.length) fix.keyExpression = PY_KEY_EXPRESSION;
  return fix;
}

/** A callee's value → the catalog entry it constructs (through local subclasses). */
function matchValue(v: Value, ev: Evaluator, depth: number): (PyMatch & { label: string }) | undefined {
  if (depth > 8) return undefined;
  if (v.t === 'ref') {
    const m = matchPy([v.module, ...v.path].join('.'));
    // `requests.get`, `psycopg2.connect`, `requests.Session().get`; classes and LangChain functions by their own name.
    return m ? { ...m, label: /^[a-z]|\(\)/.test(m.name) && !m.binding.module.startsWith('lang') ? `${m.binding.module}.${m.name}` : m.name } : undefined;
  }
  if (v.t === 'class') {
    for (const b of classBases(v.node)) {
      const m = matchValue(ev.eval(b, v.mod), ev, depth + 1);
      if (m) return { ...m, label: `subclass of ${m.label}` };
    }
  }
  return undefined;
}

/**
 * Keywords made configurable at run time on the constructed object:
 * `ChatOpenAI(…).configurable_fields(model_name=ConfigurableField(id="model"))` → ["model_name"].
 */
function configurableAt(call: Node): string[] {
  const attr = call.parent;
  if (attr?.type !== 'attribute' || attr.childForFieldName('attribute')?.text !== 'configurable_fields') return [];
  const outer = attr.parent;
  if (outer?.type !== 'call') return [];
  const list = outer.childForFieldName('arguments');
  return (list?.namedChildren ?? []).filter((a) => a?.type === 'keyword_argument').map((a) => a!.childForFieldName('name')?.text ?? '');
}


/** The name a string literal is assigned to (`api_key="…"`, `TOKEN = "…"`, `{"password": "…"}`), for the secret detector. */
function fieldNameOf(node: Node): string | null {
  const p = node.parent;
  if (!p) return null;
  if (p.type === 'keyword_argument') return p.childForFieldName('name')?.text ?? null;
  if (p.type === 'assignment' && p.childForFieldName('right')?.startIndex === node.startIndex) {
    const left = p.childForFieldName('left');
    if (left?.type === 'identifier') return left.text;
    if (left?.type === 'attribute') return left.childForFieldName('attribute')?.text ?? null;
    if (left?.type === 'subscript') return left.childForFieldName('subscript')?.text ?? null;
    return null;
  }
  if (p.type === 'pair' && p.childForFieldName('value')?.startIndex === node.startIndex) return p.childForFieldName('key')?.text ?? null;
  if (p.type === 'boolean_operator' || p.type === 'parenthesized_expression') return fieldNameOf(p);
  if (p.type === 'argument_list' && p.parent?.type === 'call') {
    // os.getenv("X", "default"): the default is assigned to what the call is.
    const fn = p.parent.childForFieldName('function')?.text ?? '';
    if (/(getenv|environ\.get)$/.test(fn) && p.namedChildren[1]?.startIndex === node.startIndex) return fieldNameOf(p.parent);
  }
  return null;
}
