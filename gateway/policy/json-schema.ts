import { policySchema } from './policy-schema.js';
import { toJsonSchema } from './schema-dsl.js';

/** The JSON Schema shipped as schemas/chainwarden.schema.json, generated from the validator's own schema. */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://chainwarden.dev/schemas/chainwarden.schema.json',
    title: 'Chainwarden policy (chainwarden.yaml)',
    ...toJsonSchema(policySchema),
  };
}
