import { findPolicyFile, requirePolicy, type LoadOptions } from '../policy/load.js';
import type { Policy } from '../policy/types.js';
import { UsageError, type CommandContext } from './command.js';

/** The policy a verb works on: --policy, CHAINWARDEN_POLICY, or chainwarden.yaml here or above. */
export function policyFromArgs(ctx: CommandContext, options: LoadOptions = {}): Policy {
  const file = findPolicyFile(ctx.values.policy as string | undefined, ctx.cwd, ctx.env);
  if (!file) throw new UsageError('no chainwarden.yaml found here or above; pass --policy FILE');
  return requirePolicy(file, { env: ctx.env, ...options });
}
