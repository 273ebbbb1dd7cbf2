/**
 * What the Chainwarden views show, as plain data: the extension turns each node into a TreeItem.
 * No VS Code import, so the grouping and wording are tested without an editor.
 */
import type { InventoryEntry } from '../../server/lsp/protocol.js';
import type { ApprovalItem, GrantItem } from './admin-api.js';

export interface TreeNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** Drives the inline and context-menu actions declared in package.json (`viewItem == …`). */
  contextValue?: string;
  /** A codicon id. */
  icon?: string;
  children?: TreeNode[];
  /** For resources: where to jump (absolute path, 1-based line and column). */
  location?: { file: string; line: number; column: number };
}

/**
 * One resource use from the server's inventory (`chainwarden/inventory`, declared once in the shared
 * protocol module), with the file as an absolute path to jump to and its project-relative form.
 */
export type InventoryFinding = Omit<InventoryEntry, 'uri' | 'file' | 'severity'> & { file: string; relative: string };

const STATUS_ORDER = ['bypass', 'unapproved', 'needs-approval', 'unknown', 'secret', 'approved'];
const STATUS_ICON: Record<string, string> = { approved: 'pass', unapproved: 'error', bypass: 'warning', 'needs-approval': 'watch', unknown: 'question', secret: 'key' };

export function approvalNodes(items: readonly ApprovalItem[], now = Date.now()): TreeNode[] {
  return [...items]
    .sort((a, b) => a.requested_at.localeCompare(b.requested_at))
    .map((a) => ({
      id: `approval:${a.id}`,
      label: `${a.chain} → ${a.connection}`,
      description: `${a.operation} · ${age(a.requested_at, now)}`,
      tooltip: [`${a.kind === 'access' ? 'Access request' : 'Held call'} ${a.id}`, `operation: ${a.operation}`, a.rule ? `rule: ${a.rule}` : '', a.reason ? `reason: ${a.reason}` : '', summaryText(a.summary)].filter(Boolean).join('\n'),
      contextValue: 'approval',
      icon: a.kind === 'access' ? 'key' : 'watch',
    }));
}

export function requestNodes(items: readonly ApprovalItem[], now = Date.now()): TreeNode[] {
  return [...items]
    .sort((a, b) => b.requested_at.localeCompare(a.requested_at))
    .map((r) => ({
      id: `request:${r.id}`,
      label: `${r.chain} → ${r.connection}`,
      description: `${r.operation} · ${r.status} · ${age(r.requested_at, now)}`,
      tooltip: [`Access request ${r.id} (${r.status})`, r.reason ? `reason: ${r.reason}` : '', r.decided_by ? `answered by ${r.decided_by}` : '', r.decision_reason ? `answer: ${r.decision_reason}` : ''].filter(Boolean).join('\n'),
      contextValue: r.status === 'pending' ? 'approval' : 'request',
      icon: r.status === 'approved' ? 'pass' : r.status === 'denied' ? 'circle-slash' : r.status === 'expired' ? 'history' : 'watch',
    }));
}

export function grantNodes(items: readonly GrantItem[], now = Date.now()): TreeNode[] {
  return [...items]
    .sort((a, b) => a.expires_at.localeCompare(b.expires_at))
    .map((g) => ({
      id: `grant:${g.id}`,
      label: `${g.chain} → ${g.connection}`,
      description: `${g.operation} · ${remaining(g.expires_at, now)}`,
      tooltip: [`Grant ${g.id}`, `expires ${g.expires_at}`, g.granted_by ? `granted by ${g.granted_by}` : ''].filter(Boolean).join('\n'),
      contextValue: 'grant',
      icon: 'unlock',
    }));
}

/** The inventory grouped chain → status → uses, statuses ordered by urgency. */
export function resourceNodes(findings: readonly InventoryFinding[]): TreeNode[] {
  const byChain = new Map<string, InventoryFinding[]>();
  for (const f of findings) {
    const key = f.chain ?? '(no chain)';
    (byChain.get(key) ?? byChain.set(key, []).get(key)!).push(f);
  }
  return [...byChain.keys()].sort(chainOrder).map((chain) => {
    const uses = byChain.get(chain)!;
    const byStatus = new Map<string, InventoryFinding[]>();
    for (const f of uses) (byStatus.get(f.status) ?? byStatus.set(f.status, []).get(f.status)!).push(f);
    const statuses = [...byStatus.keys()].sort((a, b) => rank(a) - rank(b));
    return {
      id: `chain:${chain}`,
      label: chain,
      description: `${uses.length} resource use${uses.length === 1 ? '' : 's'}`,
      icon: 'symbol-namespace',
      contextValue: 'chain',
      children: statuses.map((status) => ({
        id: `chain:${chain}/${status}`,
        label: status,
        description: String(byStatus.get(status)!.length),
        icon: STATUS_ICON[status] ?? 'circle-outline',
        contextValue: 'status',
        children: byStatus.get(status)!
          .sort((a, b) => a.relative.localeCompare(b.relative) || a.line - b.line)
          .map((f) => ({
            id: `use:${f.file}:${f.line}:${f.column}:${f.kind}`,
            label: `${f.provider ?? 'unresolved'} (${f.kind})`,
            description: `${f.connection ? `${f.connection} · ` : ''}${f.relative}:${f.line}`,
            tooltip: f.message,
            icon: STATUS_ICON[status] ?? 'circle-outline',
            contextValue: 'resource',
            location: { file: f.file, line: f.line, column: f.column },
          })),
      })),
    };
  });
}

function rank(status: string): number {
  const i = STATUS_ORDER.indexOf(status);
  return i < 0 ? STATUS_ORDER.length : i;
}

function chainOrder(a: string, b: string): number {
  // "(no chain)" last: code outside every chain's sources is the odd one out.
  if (a.startsWith('(') !== b.startsWith('(')) return a.startsWith('(') ? 1 : -1;
  return a.localeCompare(b);
}

function summaryText(summary: unknown): string {
  if (summary === null || summary === undefined) return '';
  if (typeof summary === 'string') return summary;
  return Object.entries(summary as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n');
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function age(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return 'unknown time';
  return `${span(Math.max(0, ms))} ago`;
}

/** "expires in 59 min" or "expired". */
export function remaining(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (!Number.isFinite(ms)) return 'no expiry';
  return ms <= 0 ? 'expired' : `expires in ${span(ms)}`;
}

function span(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}
