import { EXIT, requireString, UsageError, type Command } from '../command.js';
import { ADMIN_OPTION_HELP, ADMIN_OPTIONS, adminFromArgs } from '../admin-arg.js';

export const request: Command = {
  name: 'request',
  summary: 'Ask for standing access: a chain, a connection, an operation, and why',
  usage: '--chain C --connection N --op OP --reason R',
  options: { ...ADMIN_OPTIONS, chain: { type: 'string' }, connection: { type: 'string' }, op: { type: 'string' }, reason: { type: 'string' } },
  optionHelp: { ...ADMIN_OPTION_HELP, chain: 'The chain that needs access.', connection: 'The connection from the policy.', op: 'The operation or pattern ("POST /v1/embeddings", "read public.*").', reason: 'Why; approvers see it.' },
  async run(ctx) {
    const body = { chain: requireString(ctx, 'chain'), connection: requireString(ctx, 'connection'), operation: requireString(ctx, 'op'), reason: requireString(ctx, 'reason') };
    const r = await adminFromArgs(ctx).call('POST', '/v1/requests', body);
    if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
    else ctx.out(`requested ${r.id}: ${body.chain} → ${body.connection} "${body.operation}"; approvers: ${(r.approvers as string[]).join(', ') || 'an admin'}\nfollow it with: chainwarden request show ${r.id}`);
    return EXIT.ok;
  },
};

export const requestShow: Command = {
  name: 'request show',
  summary: 'Show an access request; --patch prints the policy change to commit once approved',
  usage: 'ID [--patch] [--json]',
  options: { ...ADMIN_OPTIONS, patch: { type: 'boolean' } },
  optionHelp: { ...ADMIN_OPTION_HELP, patch: 'Print the rule this request adds to chainwarden.yaml, as a unified diff.' },
  async run(ctx) {
    const id = ctx.positionals[0];
    if (!id) throw new UsageError('which request? pass its ID');
    const r = await adminFromArgs(ctx).call('GET', `/v1/requests/${encodeURIComponent(id)}${ctx.values.patch ? '?patch=1' : ''}`);
    if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
    else if (ctx.values.patch) ctx.out(String(r.patch ?? ''));
    else ctx.out(`${r.id} ${r.status}: ${r.chain} → ${r.connection} "${r.operation}"\n  reason: ${r.reason}\n  approvers: ${(r.approvers as string[]).join(', ') || 'an admin'}${r.decided_by ? `\n  decided by ${r.decided_by}${r.decision_reason ? `: ${r.decision_reason}` : ''}` : ''}`);
    return EXIT.ok;
  },
};
