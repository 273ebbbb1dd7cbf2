import { findPolicyFile, loadPolicyFile } from '../policy/load.js';
import { AdminClient, adminClientOptions } from '../admin/client.js';
import type { CommandContext, Options } from './command.js';

/** Options every admin-API verb takes. */
export const ADMIN_OPTIONS: Options = {
  policy: { type: 'string' },
  admin: { type: 'string' },
  as: { type: 'string' },
  json: { type: 'boolean' },
};

export const ADMIN_OPTION_HELP: Record<string, string> = {
  policy: 'The policy whose gateway.admin address and adminToken to use.',
  admin: 'The admin API URL (default: CHAINWARDEN_ADMIN_URL, else http://<gateway.admin>).',
  as: 'Who is acting (default: CHAINWARDEN_USER, else your user name); recorded with every answer.',
  json: 'Print JSON.',
};

export function adminFromArgs(ctx: CommandContext): AdminClient {
  const file = findPolicyFile(ctx.values.policy as string | undefined, ctx.cwd, ctx.env);
  const policy = file ? loadPolicyFile(file, { env: ctx.env }).policy : undefined;
  return new AdminClient(adminClientOptions(policy, ctx.env, { admin: ctx.values.admin as string | undefined, as: ctx.values.as as string | undefined }));
}
