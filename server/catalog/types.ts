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

/** How Python code reaches the integration (filled by the Python language module). */
export interface PyBinding {
  module: string;
  name: string;
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
  js: JsBinding[];
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
