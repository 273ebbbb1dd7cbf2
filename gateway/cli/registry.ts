/** Every CLI verb, sorted by name. Adding a verb: one file in ./commands and one line here. */
import type { Command } from './command.js';
import { auditCommand } from './commands/audit.js';
import { gatewayCommand } from './commands/gateway.js';
import { policyCheck } from './commands/policy-check.js';
import { policyExplain } from './commands/policy-explain.js';
import { policySchemaCommand } from './commands/policy-schema.js';
import { approvals } from './commands/approvals.js';
import { approve } from './commands/approve.js';
import { deny } from './commands/deny.js';
import { request, requestShow } from './commands/request.js';
import { grants, revoke } from './commands/grants.js';
import { lsp } from './commands/lsp.js';
import { scan } from './commands/scan.js';

export const commands: readonly Command[] = [
  approvals,
  approve,
  auditCommand,
  deny,
  gatewayCommand,
  grants,
  lsp,
  policyCheck,
  policyExplain,
  policySchemaCommand,
  request,
  requestShow,
  revoke,
  scan,
].sort((a, b) => a.name.localeCompare(b.name));
