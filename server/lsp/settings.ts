/** The `chainwarden` settings section as the server reads it (workspace/configuration), with defaults. */
import type { FindingStatus, Severity } from '../../gateway/policy/index.js';
import { DOCS_BASE_URL } from '../scan/rules.js';

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface Settings {
  /** The policy file, absolute or relative to the workspace folder; null: chainwarden.yaml found from the folder upwards. */
  policyPath: string | null;
  /** The gateway's admin API (e.g. http://127.0.0.1:8791); null: http://<gateway.admin> from the policy. */
  gatewayAdminUrl: string | null;
  /** Per-status severity overrides; they win over the policy's scan.severity. */
  severity: Partial<Record<FindingStatus, Severity>>;
  /** Where rule documentation lives: codeDescription.href = docsBaseUrl + CODE + ".md". */
  docsBaseUrl: string;
  /** Extra delay before a queued validation runs. 0 still coalesces edits that arrive together. */
  debounceMs: number;
  trace: { server: TraceLevel };
}

export const DEFAULT_SETTINGS: Settings = {
  policyPath: null,
  gatewayAdminUrl: null,
  severity: {},
  docsBaseUrl: DOCS_BASE_URL,
  debounceMs: 0,
  trace: { server: 'off' },
};

const STATUSES: readonly FindingStatus[] = ['approved', 'unapproved', 'bypass', 'needs-approval', 'unknown', 'secret'];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint', 'off'];
const TRACE: readonly TraceLevel[] = ['off', 'messages', 'verbose'];

/** Settings from whatever the client sent: unknown keys are ignored, wrong types fall back to defaults. */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const severity: Settings['severity'] = {};
  if (r.severity && typeof r.severity === 'object') {
    for (const [k, v] of Object.entries(r.severity)) {
      if (STATUSES.includes(k as FindingStatus) && SEVERITIES.includes(v as Severity)) severity[k as FindingStatus] = v as Severity;
    }
  }
  let docsBaseUrl = str(r.docsBaseUrl) ?? DEFAULT_SETTINGS.docsBaseUrl;
  if (!docsBaseUrl.endsWith('/')) docsBaseUrl += '/';
  const debounce = typeof r.debounceMs === 'number' && Number.isFinite(r.debounceMs) ? Math.min(Math.max(0, r.debounceMs), 5000) : 0;
  const traceRaw = (r.trace as Record<string, unknown> | undefined)?.server;
  return {
    policyPath: str(r.policyPath),
    gatewayAdminUrl: str(r.gatewayAdminUrl)?.replace(/\/+$/, '') ?? null,
    severity,
    docsBaseUrl,
    debounceMs: debounce,
    trace: { server: TRACE.includes(traceRaw as TraceLevel) ? (traceRaw as TraceLevel) : 'off' },
  };
}
