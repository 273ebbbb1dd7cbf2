import { existsSync } from 'node:fs';
import { auditQuery } from '../../admin.js';
import { findPolicyFile, requirePolicy } from '../../policy/load.js';
import { openStore, storePath } from '../../store/open.js';
import type { AuditRecord } from '../../store/types.js';
import { EXIT, UsageError, type Command } from '../command.js';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Read the audit trail: one record per call, newest first',
  usage: '[--chain C] [--connection N] [--since 1h] [--limit N] [--json] [--policy FILE]',
  options: {
    chain: { type: 'string' },
    connection: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    policy: { type: 'string' },
  },
  optionHelp: {
    chain: 'Only calls by this chain.',
    connection: 'Only calls to this connection.',
    since: 'Only calls since a duration ago (30m, 1h, 2d) or an ISO timestamp.',
    limit: 'At most N records (default 100).',
    json: 'Print the records as JSON.',
  },
  run(ctx) {
    const file = findPolicyFile(ctx.values.policy as string | undefined, ctx.cwd, ctx.env);
    if (!file) throw new UsageError('no chainwarden.yaml found here or above; pass --policy FILE');
    const policy = requirePolicy(file, { env: ctx.env });
    const params = new URLSearchParams();
    for (const k of ['chain', 'connection', 'since', 'limit']) if (typeof ctx.values[k] === 'string') params.set(k, ctx.values[k] as string);
    const query = auditQuery(params);
    if (typeof query === 'string') throw new UsageError(`--${query}`);
    const { path } = storePath(policy.gateway.store, file);
    let records: AuditRecord[] = [];
    if (existsSync(path)) {
      const store = openStore(policy.gateway.store, file, { readonly: true });
      try {
        records = store.queryAudit(query);
      } finally {
        store.close();
      }
    }
    if (ctx.values.json) ctx.out(JSON.stringify({ records }, null, 2));
    else ctx.out(table(records));
    return EXIT.ok;
  },
};

function table(records: AuditRecord[]): string {
  if (records.length === 0) return 'no audit records';
  const rows = records.map((r) => [r.ts_start, r.decision + (r.flagged ? '*' : ''), r.chain ?? '-', r.connection ?? '-', r.operation, String(r.status), r.latency_ms.toFixed(1), r.rule ?? r.error ?? '']);
  const head = ['TIME', 'DECISION', 'CHAIN', 'CONNECTION', 'OPERATION', 'STATUS', 'MS', 'RULE/ERROR'];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
