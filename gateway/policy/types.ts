/** The validated, typed policy. Produced only by `loadPolicy`; everything downstream reads this. */
import type { DetectorName } from '../mask/names.js';
import type { SecretTemplate } from './secrets.js';
import type { OperationKindName } from './operations.js';

export type Effect = 'allow' | 'deny' | 'approve' | 'flag';
export const EFFECTS: readonly Effect[] = ['deny', 'approve', 'flag', 'allow'];

export type FindingStatus = 'approved' | 'unapproved' | 'bypass' | 'needs-approval' | 'unknown' | 'secret';
export type Severity = 'error' | 'warning' | 'info' | 'hint' | 'off';

/** Where a thing was written, for explain output and editor navigation. */
export interface SourceSpan {
  line: number;
  column: number;
}

export interface MaskSpec {
  detector: DetectorName;
  name?: string;
  pattern?: string;
  paths?: string[];
  columns?: string[];
  replace: 'partial' | 'token';
}

export interface Chain {
  name: string;
  owner?: string;
  description?: string;
  sources: string[];
}

interface ConnectionBase {
  name: string;
  provider?: string;
  hosts: string[];
  mask: MaskSpec[];
  at: SourceSpan;
}

export interface HttpConnection extends ConnectionBase {
  type: 'http';
  upstream: string;
  auth: { caller: 'auto' | 'bearer' | 'x-api-key' | 'api-key' | 'x-goog-api-key'; inject?: { header: string; value: SecretTemplate } };
  timeouts: { connectMs?: number; headersMs?: number; bodyMs?: number };
}

export interface PostgresConnection extends ConnectionBase {
  type: 'postgres';
  listen: string;
  upstream: string;
  credential: { user?: string; password?: SecretTemplate };
  tls: { upstream: 'disable' | 'require' | 'verify-full'; ca?: string; cert?: string; key?: string };
}

export interface McpConnection extends ConnectionBase {
  type: 'mcp';
  upstream: string;
  auth: { inject?: { header: string; value: SecretTemplate } };
}

export type Connection = HttpConnection | PostgresConnection | McpConnection;

export interface ApproveSpec {
  ops: string[];
  approvers: string[];
  ttlMs?: number;
  timeoutMs?: number;
  once: boolean;
  when?: { rowsOver?: number; unfiltered?: boolean };
  includeBody: boolean;
}

export interface Rule {
  name: string;
  description?: string;
  /** Position in the file's rule list; ties are explained in file order. */
  index: number;
  chains?: string[];
  groups?: string[];
  connections: string[];
  allow: string[];
  deny: string[];
  flag: string[];
  approve?: ApproveSpec;
  mask: MaskSpec[];
  at: SourceSpan;
}

export interface IdentityKey {
  chain: string;
  key: SecretTemplate;
  id: string;
}

export interface OidcSettings {
  issuer: string;
  audience: string[];
  jwks: string;
  groupsClaim: string;
  chainClaim: string;
  chainHeaderGroups: string[];
  clockSkewMs: number;
}

export interface Policy {
  file: string;
  version: 1;
  gateway: {
    listen: string;
    admin: string;
    store: string;
    adminToken?: SecretTemplate;
    audit: { jsonl?: string; failOpen: boolean };
    timeouts: { connectMs: number; headersMs: number; bodyMs: number; drainMs: number };
  };
  identity: { keys: IdentityKey[]; oidc?: OidcSettings };
  chains: Record<string, Chain>;
  connections: Record<string, Connection>;
  rules: Rule[];
  approvals: { timeoutMs: number; webhook?: { url: string; secret?: SecretTemplate } };
  scan: { severity: Record<FindingStatus, Severity>; exclude: string[] };
}

/** Which operation kind each connection type speaks. Adding a connection type is one entry here and one in the schema. */
export const CONNECTION_OPERATION_KIND: Record<Connection['type'], OperationKindName> = {
  http: 'http',
  postgres: 'sql',
  mcp: 'mcp',
};

export const DEFAULT_SEVERITY: Record<FindingStatus, Severity> = {
  approved: 'off',
  unapproved: 'error',
  bypass: 'warning',
  'needs-approval': 'info',
  unknown: 'warning',
  secret: 'error',
};
