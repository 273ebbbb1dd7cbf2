/** Every CLI verb, sorted by name. Adding a verb: one file in ./commands and one line here. */
import type { Command } from './command.js';
import { auditCommand } from './commands/audit.js';
import { gatewayCommand } from './commands/gateway.js';
import { policyCheck } from './commands/policy-check.js';
import { policyExplain } from './commands/policy-explain.js';
import { policySchemaCommand } from './commands/policy-schema.js';

export const commands: readonly Command[] = [auditCommand, gatewayCommand, policyCheck, policyExplain, policySchemaCommand].sort((a, b) => a.name.localeCompare(b.name));
