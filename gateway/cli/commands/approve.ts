import { parseDuration } from '../../policy/duration.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { ADMIN_OPTION_HELP, ADMIN_OPTIONS, adminFromArgs } from '../admin-arg.js';

export const approve: Command = {
  name: 'approve',
  summary: 'Approve a held call or access request, once or for a time',
  usage: 'ID [--once | --for 1h]',
  options: { ...ADMIN_OPTIONS, once: { type: 'boolean' }, for: { type: 'string' } },
  optionHelp: { ...ADMIN_OPTION_HELP, once: 'Release this call only (default for held calls).', for: 'Grant the same chain, connection and operation for a duration ("30m", "1h").' },
  async run(ctx) {
    const id = ctx.positionals[0];
    if (!id) throw new UsageError('which approval? pass its ID (see "chainwarden approvals")');
    if (ctx.values.once && ctx.values.for) throw new UsageError('--once and --for exclude each other');
    const forText = ctx.values.for as string | undefined;
    if (forText !== undefined && !parseDuration(forText)) throw new UsageError(`--for: expected a duration such as "30m" or "1h", got "${forText}"`);
    const body = forText ? { for: forText } : { once: true };
    const path = id.startsWith('req_') ? `/v1/requests/${encodeURIComponent(id)}/approve` : `/v1/approvals/${encodeURIComponent(id)}/approve`;
    const a = await adminFromArgs(ctx).call('POST', path, body);
    if (ctx.values.json) ctx.out(JSON.stringify(a, null, 2));
    else ctx.out(`approved ${a.id} (${a.chain} → ${a.connection} "${a.operation}")${forText ? ` for ${forText}: grant ${(a.grant as { grantId?: string })?.grantId ?? ''}` : ', once'} by ${a.decided_by}`);
    return EXIT.ok;
  },
};
