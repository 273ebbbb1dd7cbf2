/** Show Audit Trail: a webview table of recent records with filters, refreshed live while the gateway runs. */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { auditFilters, auditHtml, auditRowsHtml, auditStatusText } from './core/audit-view.js';
import type { AuditQuery, GatewayAdmin } from './core/admin-api.js';

const LIVE_REFRESH_MS = 2000;

export class AuditPanel {
  private static current: AuditPanel | undefined;
  private filters: AuditQuery = { limit: 200 };
  private timer: NodeJS.Timeout | undefined;

  static show(admin: () => GatewayAdmin | undefined, live: () => boolean): void {
    if (AuditPanel.current) {
      AuditPanel.current.panel.reveal();
      void AuditPanel.current.render();
      return;
    }
    const panel = vscode.window.createWebviewPanel('chainwarden.audit', 'Chainwarden Audit Trail', vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
    AuditPanel.current = new AuditPanel(panel, admin, live);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly admin: () => GatewayAdmin | undefined, private readonly live: () => boolean) {
    panel.webview.onDidReceiveMessage((m: { type?: string; filters?: unknown }) => {
      if (m?.type === 'filter') {
        this.filters = auditFilters(m.filters);
        void this.render();
      }
    });
    panel.onDidDispose(() => {
      clearInterval(this.timer);
      AuditPanel.current = undefined;
    });
    this.timer = setInterval(() => {
      if (this.panel.visible && this.live()) void this.render(true);
    }, LIVE_REFRESH_MS);
    void this.render();
  }

  /** A full page, or (live) only the rows, so what is typed in the filters stays. */
  private async render(rowsOnly = false): Promise<void> {
    const api = this.admin();
    let notice: string | undefined;
    let records: Awaited<ReturnType<GatewayAdmin['audit']>> = [];
    if (!api) notice = 'No policy found: set chainwarden.policyPath or add chainwarden.yaml.';
    else {
      try {
        records = await api.audit(this.filters);
        if (!this.live()) notice = 'The gateway is not running from this window; showing what its admin API returned.';
      } catch (e) {
        notice = `${(e as Error).message}`;
      }
    }
    const at = new Date();
    if (rowsOnly) {
      void this.panel.webview.postMessage({ type: 'rows', rows: auditRowsHtml(records), status: auditStatusText(records.length, at), notice: notice ?? '' });
      return;
    }
    this.panel.webview.html = auditHtml({ records, filters: this.filters, notice, at, nonce: randomBytes(16).toString('base64'), cspSource: this.panel.webview.cspSource });
  }
}
