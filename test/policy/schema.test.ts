import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { Ajv } from 'ajv';
import { parsePolicy } from '../../gateway/policy/load.js';
import { policyJsonSchema } from '../../gateway/policy/json-schema.js';
import { EXAMPLE_POLICY, REPO_ROOT } from '../helpers/paths.js';
import { pick, prng } from '../helpers/prng.js';

const SHAPE_CODES = new Set(['CW_POLICY_TYPE', 'CW_POLICY_ENUM', 'CW_POLICY_FORMAT', 'CW_POLICY_RANGE', 'CW_POLICY_UNKNOWN_KEY', 'CW_POLICY_REQUIRED', 'CW_POLICY_EMPTY', 'CW_POLICY_NAME', 'CW_POLICY_KEY']);

test('the shipped JSON Schema is the one generated from the validator', () => {
  const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'chainwarden.schema.json'), 'utf8'));
  assert.deepEqual(shipped, policyJsonSchema(), 'run: npm run policy:schema');
});

test('the JSON Schema and the validator agree on the shape of 3,000 documents', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(policyJsonSchema());
  const seed = readFileSync(EXAMPLE_POLICY, 'utf8');
  const rand = prng(7);
  const edits: Array<(s: string) => string> = [
    (s) => s,
    (s) => s.replace('caller: bearer', `caller: ${pick(rand, ['bearer', 'x-api-key', 'cookie', '1'])}`),
    (s) => s.replace('version: 1', `version: ${pick(rand, ['1', '2', '"1"', '1.5'])}`),
    (s) => s.replace('owner: team-support', `${pick(rand, ['owner', 'ownr', 'team'])}: ${pick(rand, ['team-support', '12', '[a]', '{}'])}`),
    (s) => s.replace('ttl: 1h', `ttl: ${pick(rand, ['1h', '90m', '1 hour', '5', 'soon'])}`),
    (s) => s.replace('type: postgres', `type: ${pick(rand, ['postgres', 'http', 'mysql'])}`),
    (s) => s.replace('approvers: [group:support-leads]', `approvers: ${pick(rand, ['[group:a]', '[]', '[lead]', 'group:a', '[user:bob, group:x]'])}`),
    (s) => s.replace('listen: 127.0.0.1:15432', `listen: ${pick(rand, ['127.0.0.1:15432', 'localhost', '[::1]:5433', ':80'])}`),
    (s) => s.replace('connection: tavily', `connection: ${pick(rand, ['tavily', '[tavily, openai]', '{a: 1}', '3'])}`),
    (s) => s.replace('    allow: ["POST /search"]\n', pick(rand, ['', '    allow: "POST /search"\n', '    allow: [1]\n', '    alow: ["POST /search"]\n'])),
    (s) => s.replace('  timeout: 5m', pick(rand, ['  timeout: 5m', '  timeout: 5', '  timeouts: 5m', '  webhook: { url: "https://hooks.example.com/x" }', '  webhook: { secret: env:X }'])),
    (s) => s.replace('unapproved: error', `unapproved: ${pick(rand, ['error', 'warning', 'fatal', 'off'])}`),
    (s) => s.replace('store: sqlite:.chainwarden/state.db', `store: ${pick(rand, ['sqlite:x.db', 'memory:', 'redis://x', 'postgres://h/db'])}`),
  ];
  let agreedValid = 0;
  let agreedInvalid = 0;
  for (let i = 0; i < 3000; i++) {
    let text = seed;
    for (let k = 0; k < 3; k++) text = pick(rand, edits)(text);
    const doc = parseDocument(text);
    if (doc.errors.length) continue;
    const schemaSaysValid = validate(doc.toJS()) as boolean;
    const shapeErrors = parsePolicy(text, 'p.yaml').diagnostics.filter((d) => d.severity === 'error' && SHAPE_CODES.has(d.code));
    assert.equal(shapeErrors.length === 0, schemaSaysValid, `disagreement on:\n${text}\nvalidator: ${shapeErrors.map((e) => e.message).join('; ')}\najv: ${ajv.errorsText(validate.errors)}`);
    if (schemaSaysValid) agreedValid++;
    else agreedInvalid++;
  }
  assert.ok(agreedValid > 100 && agreedInvalid > 100, `${agreedValid} valid, ${agreedInvalid} invalid`);
});
