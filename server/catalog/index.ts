/** The resource catalog: every entry in one sorted list, and the lookups the language modules use. */
import type { CatalogEntry, JsBinding, PyBinding } from './types.js';
import { MODEL_ENTRIES } from './entries/models.js';
import { TOOL_ENTRIES } from './entries/tools.js';
import { VECTOR_STORE_ENTRIES } from './entries/vector-stores.js';
import { NETWORK_ENTRIES } from './entries/network.js';

export type { CatalogEntry, JsBinding, PyBinding } from './types.js';

export const CATALOG: readonly CatalogEntry[] = [...MODEL_ENTRIES, ...TOOL_ENTRIES, ...VECTOR_STORE_ENTRIES, ...NETWORK_ENTRIES].sort((a, b) => a.id.localeCompare(b.id));

export interface JsMatch {
  entry: CatalogEntry;
  /** The export (or `Export.static`) that matched, for messages. */
  name: string;
  /** Set when a static factory matched (`PineconeStore.fromDocuments`). */
  factory?: string;
}

const byExport = new Map<string, JsMatch>();
const byStatic = new Map<string, JsMatch>();
const modules = new Set<string>();

for (const entry of CATALOG) {
  for (const b of entry.js ?? []) {
    for (const module of [b.module, ...(b.alsoFrom ?? [])]) {
      modules.add(module);
      for (const name of b.exports) {
        const key = `${module}#${name}`;
        if (byExport.has(key)) throw new Error(`catalog: ${key} is claimed by ${byExport.get(key)!.entry.id} and ${entry.id}`);
        byExport.set(key, { entry, name: displayName(module, name) });
        for (const s of b.statics ?? []) byStatic.set(`${key}.${s}`, { entry, name: `${displayName(module, name)}.${s}`, factory: s });
      }
    }
  }
}

function displayName(module: string, name: string): string {
  if (name === 'default') return module === '<global>' ? 'fetch' : module;
  if (name.startsWith('default.')) return `${module}.${name.slice(8)}`;
  return module === 'pg' ? `pg.${name}` : name;
}

/** Whether any catalog entry lives in this package (a cheap filter before evaluating a callee). */
export function catalogHasModule(module: string): boolean {
  return modules.has(module);
}

/**
 * The entry a JavaScript symbol constructs. `path` is the member path from the module:
 * ["ChatOpenAI"], ["default", "Pool"] (import pg from "pg"; pg.Pool), [] (a namespace or require()).
 */
export function matchJs(module: string, path: readonly string[]): JsMatch | undefined {
  for (const key of candidateKeys(path)) {
    const hit = byExport.get(`${module}#${key}`) ?? byStatic.get(`${module}#${key}`);
    if (hit) return hit;
  }
  return undefined;
}

function candidateKeys(path: readonly string[]): string[] {
  const keys = [path.join('.')];
  if (path.length === 0) return ['default'];
  if (path[0] === 'default') keys.push(path.slice(1).join('.'));
  else keys.push(['default', ...path].join('.'));
  return keys.filter((k) => k !== '');
}

/** The chat-model entry `initChatModel` uses for a provider name ("openai", "google-genai"…) or a model name. */
export function chatEntryForInit(provider: string | null, model: string | null): CatalogEntry | undefined {
  const chats = CATALOG.filter((e) => e.initChatModel);
  if (provider) return chats.find((e) => e.initChatModel!.provider === provider);
  if (model) return chats.find((e) => e.initChatModel!.modelPrefixes?.some((p) => model.startsWith(p)));
  return undefined;
}

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id);
}

export function jsBindingsOf(entry: CatalogEntry): readonly JsBinding[] {
  return entry.js ?? [];
}

export interface PyMatch {
  entry: CatalogEntry;
  binding: PyBinding;
  /** The name (or `Name.factory`) that matched, for messages. */
  name: string;
  factory?: string;
}

/** Python names by their last one or two segments ("ChatOpenAI", "Session().get", "PineconeVectorStore.from_documents"). */
const pyByName = new Map<string, Array<{ modules: string[]; match: PyMatch }>>();
for (const entry of CATALOG) {
  for (const binding of entry.python ?? []) {
    const modules = [binding.module, ...(binding.alsoFrom ?? [])];
    const put = (key: string, match: PyMatch): void => {
      const list = pyByName.get(key) ?? [];
      for (const other of list) for (const m of modules) if (other.modules.includes(m)) throw new Error(`catalog: ${m}.${key} is claimed by ${other.match.entry.id} and ${entry.id}`);
      list.push({ modules, match });
      pyByName.set(key, list);
    };
    for (const name of binding.names) {
      put(name, { entry, binding, name });
      for (const s of binding.statics ?? []) put(`${name}.${s}`, { entry, binding, name: `${name}.${s}`, factory: s });
    }
  }
}

/** Every name segment a Python binding can end a call with ("ChatOpenAI", "get", "from_documents"): a cheap filter before evaluating a callee. */
export const PY_CALL_NAMES: ReadonlySet<string> = new Set(
  [...pyByName.keys()].flatMap((k) => k.split('.')).map((seg) => seg.replace(/\(\)$/, '')),
);

/**
 * The entry a Python symbol constructs, from its dotted name as imported: "langchain_openai.ChatOpenAI",
 * "requests.Session().get". A name matches in its binding's module, its `alsoFrom` modules and their submodules.
 */
export function matchPy(dotted: string): PyMatch | undefined {
  const parts = dotted.split('.');
  for (let k = 1; k <= Math.min(3, parts.length - 1); k++) {
    const hits = pyByName.get(parts.slice(-k).join('.'));
    if (!hits) continue;
    const prefix = parts.slice(0, -k).join('.');
    for (const { modules, match } of hits) if (modules.some((m) => prefix === m || (prefix.startsWith(m + '.') && !prefix.includes('()')))) return match;
  }
  return undefined;
}

/** The chat-model entry `init_chat_model` uses for a Python provider name ("google_genai", "bedrock_converse") or a model name. */
export function chatEntryForPythonInit(provider: string | null, model: string | null): CatalogEntry | undefined {
  if (provider) {
    const norm = (p: string) => p.replace(/_/g, '-').replace(/^bedrock-converse$/, 'bedrock').replace(/^together$/, 'together');
    return CATALOG.find((e) => e.initChatModel && e.python?.length && norm(e.initChatModel.provider) === norm(provider));
  }
  return chatEntryForInit(null, model);
}
