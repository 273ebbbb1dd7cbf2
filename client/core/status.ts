/** The status bar item's text and tooltip from the gateway state and the pending count. No VS Code import. */
import type { GatewayState } from './gateway-process.js';

export interface StatusView {
  text: string;
  tooltip: string;
  /** 'error' paints the item with the error background. */
  tone: 'normal' | 'warning' | 'error';
}

export function statusView(state: GatewayState, pending: number | null): StatusView {
  const queue = pending === null ? '' : pending === 1 ? ' · 1 pending' : ` · ${pending} pending`;
  const queueTip = pending === null ? 'Pending approvals: unknown (admin API not reachable).' : `Pending approvals: ${pending}.`;
  switch (state.kind) {
    case 'stopped':
      return { text: `$(shield) Chainwarden: stopped${queue}`, tooltip: `Gateway stopped. ${queueTip} Click to open the approvals view.`, tone: 'normal' };
    case 'starting':
      return { text: `$(loading~spin) Chainwarden: starting`, tooltip: 'Gateway starting…', tone: 'normal' };
    case 'running': {
      const where = state.port === null ? 'running' : `running on :${state.port}`;
      return { text: `$(shield) Chainwarden: ${where}${queue}`, tooltip: `Gateway ${where} (pid ${state.pid}). ${queueTip} Click to open the approvals view.`, tone: pending ? 'warning' : 'normal' };
    }
    case 'error':
      return { text: `$(error) Chainwarden: error${queue}`, tooltip: `Gateway error: ${state.message}. Click to open the approvals view; "Chainwarden: Show Gateway Log" shows why.`, tone: 'error' };
  }
}
