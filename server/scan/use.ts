/**
 * What a language module reports for each construct it recognises: a resource use, before any policy.
 * The policy check (check.ts) turns uses into findings. Language-neutral: Python fills the same shape.
 */
import type { CatalogEntry } from '../catalog/types.js';
import type { FixData, Range } from './types.js';

/** A value the analysis found (or not) for an endpoint or credential. */
export type Resolution =
  /** Written in the code (or a config module / .env value it reads). */
  | { state: 'set'; value: string; env?: string; range?: Range; partial?: { why: string }; keyOf?: string }
  /** Written, but not resolvable statically. */
  | { state: 'unresolved'; why: string; env?: string; range?: Range }
  /** Not written: the SDK's default (environment variable or the provider's endpoint) applies. */
  | { state: 'default'; value: string | null; env?: string };

export interface ResourceUse {
  entry: CatalogEntry;
  /** Absolute path. */
  file: string;
  range: Range;
  /** The provider; for entries whose provider depends on arguments (initChatModel) it is resolved here, null if not. */
  provider: string | null;
  /** The catalog entry whose endpoint/credential/operation describe the call (initChatModel delegates to the provider's chat entry). */
  describedBy: CatalogEntry;
  target: Resolution;
  credential: Resolution | null;
  model: string | null;
  /** For raw HTTP calls: the method. */
  method?: string;
  /** For MCP servers configured in a client: the server's name. */
  server?: string;
  /** The options object's span, for quick fixes that insert a property. */
  optionsRange?: Range;
  /** A short name for messages: `ChatOpenAI`, `fetch`, `pg.Pool`. */
  label: string;
  /**
   * Language-specific spelling for quick fixes, set by language modules whose spelling differs from the
   * entry's JavaScript one (Python: `base_url=` keyword arguments). `baseUrlProperty` here replaces the entry's `fixProperty`.
   */
  fix?: Pick<FixData, 'baseUrlProperty' | 'syntax' | 'keyProperty' | 'keyExpression'>;
}

/** Whether a URL prefix already holds its whole origin (`https://host/…`, not `https://api.`). */
export function hasCompleteOrigin(prefix: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+[/?#]/i.test(prefix);
}
