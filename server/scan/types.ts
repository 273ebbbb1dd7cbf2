/** The scanner's public types: what a finding is. Language-neutral; shared by the CLI, SARIF output and the language server. */

export const RESOURCE_KINDS = ['chat_model', 'embeddings', 'vector_store', 'tool', 'http', 'sql', 'mcp', 'langgraph_remote', 'secret'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const SCAN_STATUSES = ['approved', 'unapproved', 'bypass', 'needs-approval', 'unknown'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

export type ScanSeverity = 'error' | 'warning' | 'info' | 'hint' | 'off';

/** A span in a file: 1-based lines and columns; the end is exclusive (one past the last character). */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** What code actions need to rewrite a finding: the spans to edit and the values to put there. */
export interface FixData {
  /** The argument or property that sets the base URL / connection string, if written in the code. */
  baseUrlRange?: Range;
  /** The object literal where a base-URL property can be inserted when none is written. */
  optionsRange?: Range;
  /** Property name the SDK reads the base URL from, as written in an options object (`configuration.baseURL`, `baseUrl`, `connectionString`…). */
  baseUrlProperty?: string;
  /** The argument or property that passes the credential. */
  apiKeyRange?: Range;
  /** The environment variable the credential comes from, if any (e.g. OPENAI_API_KEY). */
  envVar?: string;
  /** Where this client should point to go through the gateway, e.g. http://127.0.0.1:8790/openai/v1. */
  gatewayBaseUrl?: string;
  /** The policy connection the resource belongs to (for "Request access"). */
  connection?: string;
  /** The representative operation checked, as policy rules write it ("POST /v1/chat/completions", "read"). */
  operation?: string;
  /** For hard-coded secrets: the literal's span (to replace it with an env reference). */
  secretRange?: Range;
  /** For hard-coded secrets: a suggested environment variable name. */
  suggestedEnvVar?: string;
  /**
   * How edits are spelled. Absent: JavaScript/TypeScript (a `baseUrlProperty: "…"` property inserted in the
   * object literal at `optionsRange`). "python": keyword arguments (`base_url="…"`) inserted before the
   * closing `)` of the argument list at `optionsRange`.
   */
  syntax?: 'python';
  /** The keyword/property a quick fix writes the chain key to when no key argument is written (`api_key`). */
  keyProperty?: string;
  /** The expression that reads the chain key, in the file's language (`os.environ["CHAINWARDEN_KEY"]`). */
  keyExpression?: string;
}

/** One external resource use found in the code. The first fields are exactly DESIGN.md's scan JSON. */
export interface Finding extends Range {
  /** Relative to the scanned root, with `/` separators. */
  file: string;
  kind: ResourceKind;
  /** Short lowercase provider name, the host for raw HTTP, or null when it cannot be resolved statically. */
  provider: string | null;
  /** The URL / connection string / command the code talks to, or null when unresolved. Never contains a password. */
  target: string | null;
  /** The policy chain whose `sources` include the file, or null. */
  chain: string | null;
  /** The policy connection the resource maps to, or null. */
  connection: string | null;
  status: ScanStatus;
  /** The policy rule that decided, or null. */
  rule: string | null;
  severity: ScanSeverity;
  message: string;
  /** The diagnostic rule id (see server/scan/rules.ts and docs/rules/<code>.md), e.g. "CW002". */
  code: string;
  /** The catalog entry that recognised the construct (e.g. "openai.chat"), or null for secrets. */
  catalogId: string | null;
  fix?: FixData;
}
