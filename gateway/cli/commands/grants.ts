import { EXIT, UsageError, type Command } from '../command.js';
import { ADMIN_OPTION_HELP, ADMIN_OPTIONS, adminFromArgs } from '../admin-arg.js';
import { formatTable } from '../table.js';

export const grants: Command = {
  name: 'grants',
  summary: 'List active grants from approved requests',
  usage: '[--json]',
  options: { ...ADMIN_OPTIONS },
  optionHelp: { ...ADMIN_OPTION_HELP },
  async run(ctx) {
    const { grants: list } = await adminFromArgs(ctx).call<{ grants: Array<Record<string, any>> }>('GET', '/v1/grants');
    if (ctx.values.json) ctx.out(JSON.stringify({ grants: list }, null, 2));
    else ctx.out(list.length ? formatTable(['ID', 'CHAIN', 'CONNECTION', 'OPERATION', 'EXPIRES', 'GRANTED BY'], list.map((g) => [g.id, g.chain, g.connection, g.operation, g.expires_at ?? 'never', g.granted_by ?? '-'])) : 'no active grants');
    return EXIT.ok;
  },
};

export const revoke: Command = {
  name: 'revoke',
  summary: 'Revoke a grant; it stops at once',
  usage: 'GRANT_ID',
  options: { ...ADMIN_OPTIONS },
  optionHelp: { ...ADMIN_OPTION_HELP },
  async run(ctx) {
    const id = ctx.positionals[0];
    if (!id) throw new UsageError('which grant? pass its ID (see "chainwarden grants")');
    await adminFromArgs(ctx).call('DELETE', `/v1/grants/${encodeURIComponent(id)}`);
    ctx.out(`revoked ${id}`);
    return EXIT.ok;
  },
};
