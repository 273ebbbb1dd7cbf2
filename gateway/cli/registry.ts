/** Every CLI verb, sorted by name. Adding a verb: one file in ./commands and one line here. */
import type { Command } from './command.js';
import { policyCheck } from './commands/policy-check.js';
import { policyExplain } from './commands/policy-explain.js';
import { policySchemaCommand } from './commands/policy-schema.js';
import { scan } from './commands/scan.js';

export const commands: readonly Command[] = [policyCheck, policyExplain, policySchemaCommand, scan].sort((a, b) => a.name.localeCompare(b.name));
