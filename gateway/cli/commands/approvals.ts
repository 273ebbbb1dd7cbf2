import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT, UsageError, type Command } from '../command.js';
import { ADMIN_OPTION_HELP, ADMIN_OPTIONS, adminFromArgs } from '../admin-arg.js';
import { formatTable } from '../table.js';

type Row = Record<string, any>;

export function approvalRows(items: Row[], now = Date.now()): string {
  return formatTable(
    ['ID', 'STATUS', 'CHAIN', 'CONNECTION', 'OPERATION', 'RULE', 'REQUESTED', 'EXPIRES'],
    items.map((a) => [a.id, a.status, a.chain ?? '-', a.connection, a.operation, a.rule ?? '-', ago(Date.parse(a.requested_at), now), a.status === 'pending' ? `in ${Math.max(0, Math.round((Date.parse(a.expires_at) - now) / 1000))}s` : '-']),
  );
}

function ago(t: number, now: number): string {
  const s = Math.max(0, Math.round((now - t) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

export const approvals: Command = {
  name: 'approvals',
  summary: 'List held calls waiting for approval (or follow the queue with --watch)',
  usage: '[--status pending|approved|denied|expired] [--watch] [--json]',
  options: { ...ADMIN_OPTIONS, status: { type: 'string' }, watch: { type: 'boolean' } },
  optionHelp: { ...ADMIN_OPTION_HELP, status: 'Which approvals (default: pending).', watch: 'Keep printing changes until interrupted.' },
  async run(ctx) {
    const client = adminFromArgs(ctx);
    const status = (ctx.values.status as string | undefined) ?? 'pending';
    if (ctx.values.watch && ctx.values.json) throw new UsageError('--watch prints text; use the admin API for a JSON feed');
    const fetchList = async () => (await client.call<{ approvals: Row[] }>('GET', `/v1/approvals?status=${encodeURIComponent(status)}`)).approvals;
    if (!ctx.values.watch) {
      const list = await fetchList();
      ctx.out(ctx.values.json ? JSON.stringify({ approvals: list }, null, 2) : list.length ? approvalRows(list) : `no ${status} approvals`);
      return EXIT.ok;
    }
    const seen = new Map<string, string>();
    ctx.out(`watching ${status} approvals (Ctrl-C to stop)`);
    while (!ctx.signal.aborted) {
      const list = await fetchList().catch((e) => {
        ctx.err(String((e as Error).message));
        return [] as Row[];
      });
      const current = new Set(list.map((a) => a.id));
      for (const a of list) {
        if (seen.get(a.id) !== a.status) ctx.out(`+ ${a.id} ${a.chain ?? '-'} → ${a.connection} "${a.operation}" (rule "${a.rule ?? '-'}", approvers ${a.approvers.join(', ')}) — chainwarden approve ${a.id} --once`);
        seen.set(a.id, a.status);
      }
      for (const id of [...seen.keys()]) {
        if (!current.has(id)) {
          ctx.out(`- ${id} is no longer ${status}`);
          seen.delete(id);
        }
      }
      await sleep(1000, undefined, { signal: ctx.signal }).catch(() => undefined);
    }
    return EXIT.ok;
  },
};
