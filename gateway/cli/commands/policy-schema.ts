import { policyJsonSchema } from '../../policy/json-schema.js';
import { EXIT, type Command } from '../command.js';

export const policySchemaCommand: Command = {
  name: 'policy schema',
  summary: 'Print the JSON Schema of chainwarden.yaml',
  usage: '',
  options: {},
  run(ctx) {
    ctx.out(JSON.stringify(policyJsonSchema(), null, 2));
    return EXIT.ok;
  },
};
