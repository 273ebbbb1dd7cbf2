/**
 * The audit trail webview's HTML: a table of records with filter inputs. The page posts its filters
 * back; the extension queries GET /v1/audit and re-renders. Everything interpolated is escaped, and
 * the page runs only its own nonce'd script. No VS Code import.
 */
import type { AuditQuery, AuditRecord } from './admin-api.js';

export interface AuditPage {
  records: readonly AuditRecord[];
  filters: AuditQuery;
  /** What to say instead of (or above) the table: gateway not running, admin API error. */
  notice?: string;
  /** When the records were read (shown so a live refresh is visible). */
  at: Date;
  nonce: string;
  cspSource: string;
}

const DECISIONS = ['', 'allow', 'deny', 'approve', 'flag'];

export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Filters from the page's message: only known keys, only strings, a bounded limit. */
export function auditFilters(raw: unknown): AuditQuery {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined);
  const decision = s(r.decision);
  const limit = typeof r.limit === 'number' && Number.isInteger(r.limit) ? Math.min(Math.max(r.limit, 1), 1000) : 200;
  const q: AuditQuery = { limit };
  const chain = s(r.chain);
  const connection = s(r.connection);
  const since = s(r.since);
  if (chain) q.chain = chain;
  if (connection) q.connection = connection;
  if (decision && DECISIONS.includes(decision)) q.decision = decision;
  if (since) q.since = since;
  return q;
}

/** The table rows alone: the live refresh replaces only these, so the filter inputs keep what is typed. */
export function auditRowsHtml(records: readonly AuditRecord[]): string {
  return records
    .map(
      (r) => `<tr class="d-${escapeHtml(r.decision)}"><td>${escapeHtml(r.ts_start)}</td><td>${escapeHtml(r.chain ?? '')}</td><td>${escapeHtml(r.connection)}</td>` +
        `<td>${escapeHtml(r.operation)}</td><td class="decision">${escapeHtml(r.decision)}</td><td>${escapeHtml(r.rule ?? '')}</td>` +
        `<td>${escapeHtml(r.status ?? '')}</td><td>${escapeHtml(r.latency_ms ?? '')}</td><td>${escapeHtml(r.approver ?? '')}${r.error ? ` ${escapeHtml(r.error)}` : ''}</td></tr>`,
    )
    .join('\n');
}

/** The line above the table: how many records and when they were read. */
export function auditStatusText(count: number, at: Date): string {
  return `${count} record${count === 1 ? '' : 's'} · read at ${at.toISOString()}`;
}

export function auditHtml(p: AuditPage): string {
  const f = p.filters;
  const rows = auditRowsHtml(p.records);
  const options = DECISIONS.map((d) => `<option value="${d}"${f.decision === d || (!f.decision && !d) ? ' selected' : ''}>${d || 'any decision'}</option>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${p.cspSource} 'nonce-${p.nonce}'; script-src 'nonce-${p.nonce}';">
<style nonce="${p.nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border); white-space: nowrap; }
.d-deny .decision { color: var(--vscode-errorForeground); } .d-allow .decision { color: var(--vscode-testing-iconPassed, green); }
.d-approve .decision, .d-flag .decision { color: var(--vscode-editorWarning-foreground); }
form { display: flex; gap: 6px; margin-bottom: 8px; } .notice { margin: 8px 0; color: var(--vscode-descriptionForeground); }
</style></head><body>
<form id="filters">
<input name="chain" placeholder="chain" value="${escapeHtml(f.chain ?? '')}">
<input name="connection" placeholder="connection" value="${escapeHtml(f.connection ?? '')}">
<select name="decision">${options}</select>
<input name="since" placeholder="since (e.g. 1h)" value="${escapeHtml(f.since ?? '')}">
<button type="submit">Filter</button>
</form>
<div class="notice" id="notice">${escapeHtml(p.notice ?? '')}</div>
<div class="notice" id="status">${escapeHtml(auditStatusText(p.records.length, p.at))}</div>
<table><thead><tr><th>time</th><th>chain</th><th>connection</th><th>operation</th><th>decision</th><th>rule</th><th>status</th><th>ms</th><th>approver / error</th></tr></thead>
<tbody id="rows">
${rows}
</tbody></table>
<script nonce="${p.nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('filters').addEventListener('submit', (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(e.target).entries());
  vscode.postMessage({ type: 'filter', filters: data });
});
// Live refresh: the extension sends rows it has escaped already (auditRowsHtml).
window.addEventListener('message', (e) => {
  const m = e.data;
  if (!m || m.type !== 'rows') return;
  document.getElementById('rows').innerHTML = m.rows;
  document.getElementById('status').textContent = m.status;
  document.getElementById('notice').textContent = m.notice || '';
});
</script>
</body></html>`;
}
