import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, loadPolicyFile } from '../../gateway/policy/load.js';
import { formatDiagnostic } from '../../gateway/policy/diagnostics.js';
import { EXAMPLE_POLICY } from '../helpers/paths.js';

const base = `version: 1
chains:
  support-bot: { owner: team-support, sources: ["apps/support/**"] }
connections:
  openai:
    type: http
    upstream: https://api.openai.com
    auth: { inject: { header: authorization, value: "Bearer \${env:OPENAI_API_KEY}" } }
  warehouse:
    type: postgres
    listen: 127.0.0.1:15432
    upstream: postgres://etl@db.example.com:5432/warehouse
    credential: { password: env:WAREHOUSE_PASSWORD }
rules:
  - name: chat
    chains: [support-bot]
    connection: openai
    allow: ["POST /v1/chat/completions"]
`;

function errorsOf(text: string, options = {}) {
  return parsePolicy(text, 'p.yaml', options).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

test('the example policy is valid', () => {
  const { policy, diagnostics } = loadPolicyFile(EXAMPLE_POLICY);
  assert.deepEqual(diagnostics, []);
  assert.ok(policy);
  assert.equal(policy.connections.openai?.type, 'http');
  assert.equal(policy.rules.length, 5);
});

test('a valid document yields a typed policy with defaults', () => {
  const { policy } = parsePolicy(base, 'p.yaml');
  assert.ok(policy);
  assert.equal(policy.gateway.listen, '127.0.0.1:8790');
  assert.equal(policy.gateway.store, 'sqlite:.chainwarden/state.db');
  assert.equal(policy.approvals.timeoutMs, 300_000);
  assert.deepEqual(policy.rules[0]!.connections, ['openai']);
  assert.equal(policy.rules[0]!.at.line, 15);
});

test('three different mistakes give three positioned errors', () => {
  const text = base.replace('sources:', 'sorces:').replace('type: http', 'type: htp').replace('chains: [support-bot]', 'chains: [suport-bot]');
  assert.deepEqual(errorsOf(text), [
    'p.yaml:3:39: error: unknown key "sorces" in a chain (did you mean "sources"?); expected one of owner, description, sources',
    'p.yaml:6:11: error: unknown type "htp": expected one of "http", "postgres", "mcp" (did you mean "http"?)',
    'p.yaml:16:14: error: unknown chain "suport-bot" (did you mean "support-bot"?); chains are declared under "chains:"',
  ]);
});

const cases: Array<{ name: string; edit: (s: string) => string; expect: RegExp }> = [
  { name: 'bad YAML', edit: (s) => s + 'rules: [\n', expect: /^p\.yaml:\d+:\d+: error: / },
  { name: 'wrong version', edit: (s) => s.replace('version: 1', 'version: 2'), expect: /^p\.yaml:1:10: error: expected 1, got 2$/ },
  { name: 'missing version', edit: (s) => s.replace('version: 1\n', ''), expect: /error: a Chainwarden policy needs "version"/ },
  { name: 'wrong type', edit: (s) => s.replace('allow: ["POST /v1/chat/completions"]', 'allow: "POST /v1/chat/completions"'), expect: /^p\.yaml:18:12: error: expected a list of strings, got "POST/ },
  { name: 'unknown connection', edit: (s) => s.replace('connection: openai', 'connection: opena'), expect: /^p\.yaml:17:17: error: unknown connection "opena" \(did you mean "openai"\?\)/ },
  { name: 'unknown detector', edit: (s) => s.replace('    auth:', '    mask: [{ detector: credit_crd }]\n    auth:'), expect: /error: expected one of .*"credit_card".*got "credit_crd" \(did you mean "credit_card"\?\)/ },
  { name: 'inline secret', edit: (s) => s.replace('env:WAREHOUSE_PASSWORD', 'hunter2'), expect: /^p\.yaml:13:29: error: expected a secret reference.*literal value here would put a secret in the policy file$/ },
  { name: 'password in upstream URL', edit: (s) => s.replace('postgres://etl@', 'postgres://etl:pw@'), expect: /error: the upstream URL holds a password/ },
  { name: 'path glob that cannot match', edit: (s) => s.replace('"POST /v1/chat/completions"', '"POST v1/chat"'), expect: /error: the path "v1\/chat" can never match/ },
  { name: 'chain glob matching nothing', edit: (s) => s.replace('chains: [support-bot]', 'chains: ["billing-*"]'), expect: /error: the chain glob "billing-\*" matches no declared chain/ },
  { name: 'unknown HTTP method', edit: (s) => s.replace('"POST /v1/chat/completions"', '"FETCH /v1/chat"'), expect: /error: unknown HTTP method "FETCH"/ },
  { name: 'SQL op on an http connection', edit: (s) => s.replace('"POST /v1/chat/completions"', '"write sales.*"'), expect: /error: unknown HTTP method "WRITE".*\(connection "openai" is http\)/ },
  { name: 'rule without subject', edit: (s) => s.replace('    chains: [support-bot]\n    connection', '    connection'), expect: /error: rule "chat" says nobody it applies to/ },
  { name: 'rule without effect', edit: (s) => s.replace('    allow: ["POST /v1/chat/completions"]\n', ''), expect: /error: rule "chat" has no effect/ },
  { name: 'approval without approvers', edit: (s) => s + '    approve: { ops: ["POST /v1/files"], approvers: [] }\n', expect: /error: expected at least 1 item, got an empty list/ },
  { name: 'approval missing approvers key', edit: (s) => s + '    approve: { ops: ["POST /v1/files"] }\n', expect: /error: an approve block needs "approvers"/ },
  { name: 'bad duration', edit: (s) => s + '    approve: { ops: ["POST /v1/files"], approvers: [group:x], ttl: 1 hour }\n', expect: /error: expected a duration such as "30s"/ },
  { name: 'duplicate key', edit: (s) => s.replace('version: 1', 'version: 1\nversion: 1'), expect: /error: Map keys must be unique/ },
  { name: 'listen address clash', edit: (s) => s.replace('listen: 127.0.0.1:15432', 'listen: 127.0.0.1:8790'), expect: /error: address 127\.0\.0\.1:8790 is already used by gateway\.listen/ },
  { name: 'empty document', edit: () => '', expect: /error: the policy is empty/ },
  { name: 'regex mask without pattern', edit: (s) => s.replace('    auth:', '    mask: [{ detector: regex, name: order_id }]\n    auth:'), expect: /error: a regex mask needs "pattern"/ },
];

for (const c of cases) {
  test(`error: ${c.name}`, () => {
    const errors = errorsOf(c.edit(base));
    assert.ok(errors.length >= 1, 'expected an error');
    assert.ok(errors.some((e) => c.expect.test(e)), `no error matched ${c.expect}:\n${errors.join('\n')}`);
  });
}

test('unset env references are errors only when secrets must resolve', () => {
  assert.deepEqual(errorsOf(base), []);
  const errors = errorsOf(base, { resolveSecrets: true, env: { OPENAI_API_KEY: 'x' } });
  assert.deepEqual(errors, ['p.yaml:13:29: error: environment variable WAREHOUSE_PASSWORD is not set (referenced as "env:WAREHOUSE_PASSWORD")']);
  assert.deepEqual(errorsOf(base, { resolveSecrets: true, env: { OPENAI_API_KEY: 'x', WAREHOUSE_PASSWORD: 'y' } }), []);
});

test('error messages never echo a referenced secret value', () => {
  const env = { OPENAI_API_KEY: 'sk-live-abcdef0123456789' };
  const all = parsePolicy(base.replace('version: 1', 'version: 9'), 'p.yaml', { resolveSecrets: true, env }).diagnostics.map(formatDiagnostic).join('\n');
  assert.ok(!all.includes(env.OPENAI_API_KEY));
});

test('port 0 (any free port) may be named by several listeners', () => {
  const text = base.replace('version: 1', 'version: 1\ngateway: { listen: 127.0.0.1:0, admin: 127.0.0.1:0 }').replace('listen: 127.0.0.1:15432', 'listen: 127.0.0.1:0');
  assert.deepEqual(errorsOf(text), []);
});
