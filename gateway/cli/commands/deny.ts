import { EXIT, UsageError, type Command } from '../command.js';
import { ADMIN_OPTION_HELP, ADMIN_OPTIONS, adminFromArgs } from '../admin-arg.js';

export const deny: Command = {
  name: 'deny',
  summary: 'Deny a held call or access request, with a reason the caller sees',
  usage: 'ID --reason R',
  options: { ...ADMIN_OPTIONS, reason: { type: 'string' } },
  optionHelp: { ...ADMIN_OPTION_HELP, reason: 'Why; returned to the chain and recorded.' },
  async run(ctx) {
    const id = ctx.positionals[0];
    if (!id) throw new UsageError('which approval? pass its ID (see "chainwarden approvals")');
    const reason = ctx.values.reason as string | undefined;
    if (!reason?.trim()) throw new UsageError('--reason is required: the caller and the audit trail see it');
    const path = id.startsWith('req_') ? `/v1/requests/${encodeURIComponent(id)}/deny` : `/v1/approvals/${encodeURIComponent(id)}/deny`;
    const a = await adminFromArgs(ctx).call('POST', path, { reason });
    ctx.out(ctx.values.json ? JSON.stringify(a, null, 2) : `denied ${a.id} by ${a.decided_by}: ${reason}`);
    return EXIT.ok;
  },
};
