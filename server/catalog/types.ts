/**
 * The resource catalog's shape. One entry per integration, whatever the language: the bindings say how
 * each language spells it, the rest (kind, provider, endpoints, credentials, representative operation)
 * is shared. Adding an integration is one entry plus a fixture (see docs/scanner.md).
 */
import type { ResourceKind } from '../scan/types.js';

/**
 * Where a value comes from in a call, as a small path language:
 * - `0`, `1`…: a positional argument;
 * - `0.configuration.baseURL`: a property inside an argument (nested objects);
 * - `*.client`: that property in any object argument (for calls whose option object moves, e.g. `fromDocuments`).
 */
export type ArgPath = string;

/** How JavaScript / TypeScript code reaches the integration. */
export interface JsBinding {
  /** The npm package (or subpath), e.g. "@langchain/openai"; "<global>" for globals such as fetch. */
  module: string;
  /** Export names that construct it: "ChatOpenAI", "default", "default.get" (a method of the default export). */
  exports: string[];
  /** Static factories on the export that also construct it (PineconeStore.fromDocuments…). */
  statics?: string[];
  /** Other packages that re-export the same thing (e.g. "@langchain/community/chat_models/openai"). */
  alsoFrom?: string[];
}

/**
 * How Python code reaches the integration. Python arg paths: a number is a positional argument, a name a
 * keyword argument (`base_url`), dots go into a dict value (`config.url`, `0.url`); list every spelling
 * (aliases such as `openai_api_base`, or `url` and `0` for a parameter passed either way), most specific first.
 * Unset paths fall back to the entry's shared spec (env defaults, provider endpoint).
 */
export interface PyBinding {
  /** The module that exports it, e.g. "langchain_openai"; its submodules match too. */
  module: string;
  /** Other modules that export the same thing (re-exports such as "langchain_community.chat_models"). */
  alsoFrom?: string[];
  /**
   * Names that construct it: a class or function ("ChatOpenAI", "create_engine"), or a call on an instance
   * of one of the module's classes, written `Class().method` ("Session().get").
   */
  names: string[];
  /** Class methods that also construct it ("from_documents", "from_uri"). */
  statics?: string[];
  /** The construct is a resource use only when one of these is written (`Chroma(host=…)`; a local Chroma is not). */
  requires?: ArgPath[];
  /** Python spelling of `endpoint.from`. */
  endpoint?: ArgPath[];
  /** Python spelling of `endpoint.fields` (SQL drivers, Redis). */
  fields?: EndpointSpec['fields'];
  /** Python spelling of `endpoint.template.from` (Azure, AWS region, Vertex location). */
  template?: ArgPath[];
  /** Environment variables the Python SDK reads for the endpoint, before the entry's `endpoint.env`. */
  env?: string[];
  /** Overrides the entry's `endpoint.default` (null: no endpoint unless the code writes one). */
  default?: string | null;
  /** Overrides the entry's `endpoint.scheme` for targets composed from fields. */
  scheme?: string;
  /** Python spelling of `credential.from`. */
  credential?: ArgPath[];
  /** Environment variables the Python SDK reads for the key, before the entry's `credential.env`. */
  credentialEnv?: string[];
  /** Python spelling of `model`. */
  model?: ArgPath[];
  /** For `http-call`: where the method is written (`requests.request("POST", url)`); otherwise the verb's name. */
  method?: ArgPath[];
  /** The keyword a quick fix writes the gateway base URL to ("base_url", "openai_api_base"…). */
  fixProperty?: string;
  /** The keyword a quick fix writes the chain key to ("api_key"). */
  keyProperty?: string;
}

/** The representative operation a use is checked with: what the SDK sends for this kind of resource. */
export type RepresentativeOperation =
  /** `path` is appended to the base URL's path (after the gateway's `/<connection>` prefix is removed); `{model}` is the resolved model or "model". */
  | { kind: 'http'; method: string; path: string }
  | { kind: 'sql'; class: 'read' | 'write' }
  | { kind: 'mcp'; tool: string };

export interface EndpointSpec {
  /** Where the code can set the base URL / connection target, most specific first. */
  from?: ArgPath[];
  /** Connection parts given as separate fields (SQL clients): host/port/database/user. */
  fields?: { host?: ArgPath[]; port?: ArgPath[]; database?: ArgPath[]; user?: ArgPath[]; scheme?: ArgPath[] };
  /** Environment variables the SDK reads when the code sets nothing. */
  env?: string[];
  /** The provider's own endpoint, used when nothing else is set. */
  default?: string;
  /** A URL built from one value (Azure instance name, AWS region): `url` holds `{}` where the value goes. */
  template?: { from?: ArgPath[]; env?: string[]; url: string };
  /** For SQL: the URL scheme and default port of composed targets. */
  scheme?: string;
  defaultPort?: number;
  /** How the base URL's property is spelled in an options object, for quick fixes (e.g. "configuration.baseURL"). */
  fixProperty?: string;
  /** What a gateway base URL looks like after the `/<connection>` prefix (e.g. "/v1" for OpenAI's SDK). */
  gatewaySuffix?: string;
}

export interface CredentialSpec {
  from?: ArgPath[];
  /** Environment variables the SDK reads when the code sets no key. */
  env?: string[];
}

export interface CatalogEntry {
  /** Stable id: "<provider>.<what>", e.g. "openai.chat". */
  id: string;
  title: string;
  kind: ResourceKind;
  /** Short lowercase provider name; null when it comes from the target (raw HTTP, SQL drivers, MCP). */
  provider: string | null;
  /** Absent for integrations only Python code reaches (requests, psycopg, PyGithub…). */
  js?: JsBinding[];
  /** Absent for integrations only JavaScript code reaches (axios, got, pg…). */
  python?: PyBinding[];
  endpoint: EndpointSpec;
  credential?: CredentialSpec;
  /** Where the model name is written (used in `{model}` of the operation path). */
  model?: ArgPath[];
  /** The operation checked against the policy; absent when the gateway cannot carry this protocol (Redis, MongoDB). */
  operation?: RepresentativeOperation;
  /**
   * Special analysis the language module applies to this entry, for shapes a path cannot express:
   * `http-call` (URL + method from fetch/axios/got arguments), `init-chat-model` (provider from a "provider:model" string),
   * `mcp-servers` (one use per server in a MultiServerMCPClient config).
   */
  special?: 'http-call' | 'init-chat-model' | 'mcp-servers' | 'mcp-stdio';
  /** For chat models: how `initChatModel("provider:model")` names this provider, and model-name prefixes it infers from. */
  initChatModel?: { provider: string; modelPrefixes?: string[] };
  /** For `http-call`: the method a member call implies (`axios.post` → POST). */
  notes?: string;
}
