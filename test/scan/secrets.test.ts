/** Hard-coded secret detection: each detector has a positive and a near miss; messages never hold the value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET_DETECTORS, classifySecret } from '../../server/scan/secrets.js';
import { Workspace } from '../../server/scan/api.js';

const R = { line: 1, column: 1, endLine: 1, endColumn: 2 };
// Fake values in the real formats (built by concatenation so the file itself holds no key-shaped literal).
const fake = (prefix: string, body: string) => prefix + body;
const CASES: Record<string, { hit: string; miss: string }> = {
  'anthropic-key': { hit: fake('sk-ant-', 'api03-Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz'), miss: 'sk-ant-short' },
  'openai-key': { hit: fake('sk-proj-', 'Zx81Qm2Lw0Rt7Yp4Kd9Vb3Nc6Hs'), miss: 'sk-not a key at all' },
  'tavily-key': { hit: fake('tvly-dev-', 'A1b2C3d4E5f6G7h8I9j0'), miss: 'tvly-' },
  'github-token': { hit: fake('ghp_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'), miss: 'ghp_abc' },
  'slack-token': { hit: fake('xoxb-', '1234567890-abcdefABCDEF'), miss: 'xoxb-' },
  'aws-access-key': { hit: fake('AKIA', 'IOSFODNN7EXAMPLE'), miss: 'AKIA-not-a-key' },
  'google-api-key': { hit: fake('AIza', 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'), miss: 'AIzaShort' },
  'groq-key': { hit: fake('gsk_', 'A1b2C3d4E5f6G7h8I9j0K1l2'), miss: 'gsk_1' },
  'pinecone-key': { hit: fake('pcsk_', 'A1b2C3d4E5f6G7h8I9j0K1l2'), miss: 'pcsk_' },
  'huggingface-token': { hit: fake('hf_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6'), miss: 'hf_model_name' },
  'langsmith-key': { hit: fake('lsv2_pt_', 'A1b2C3d4E5f6G7h8I9j0K1l2'), miss: 'lsv2_' },
  'gitlab-token': { hit: fake('glpat-', 'A1b2C3d4E5f6G7h8I9j0'), miss: 'glpat-' },
  'stripe-key': { hit: fake('sk_live_', 'A1b2C3d4E5f6G7h8I9j0K1'), miss: 'sk_test_A1b2C3d4' },
  'private-key': { hit: fake('-----BEGIN RSA ', 'PRIVATE KEY-----\nMIIE'), miss: '-----BEGIN PUBLIC KEY-----' },
};

for (const d of SECRET_DETECTORS) {
  test(`secret detector ${d.id}: positive, near miss, redaction`, () => {
    const c = CASES[d.id];
    assert.ok(c, `no test case for detector ${d.id}`);
    const hit = classifySecret(c.hit, null, R);
    assert.equal(hit?.detector, d.id);
    assert.ok(!hit!.redacted.includes(c.hit.slice(d.prefix + 2)), 'the redacted preview hides the value');
    assert.equal(classifySecret(c.miss, null, R)?.detector === d.id, false);
  });
}

test('high-entropy values count only under key/token/secret/password names, placeholders never', () => {
  const value = 'q8Zr2LmX0vB7nW4kT1yP';
  assert.equal(classifySecret(value, 'apiKey', R)?.detector, 'high-entropy');
  assert.equal(classifySecret(value, 'client_secret', R)?.suggestedEnvVar, 'CLIENT_SECRET');
  assert.equal(classifySecret(value, 'description', R), null);
  assert.equal(classifySecret(value, 'secretName', R), null);
  assert.equal(classifySecret(value, 'maxTokens', R), null);
  assert.equal(classifySecret(value, 'GITHUB_TOKEN', R)?.detector, 'high-entropy');
  assert.equal(classifySecret('your-api-key-here', 'apiKey', R), null);
  assert.equal(classifySecret('OPENAI_API_KEY', 'apiKey', R), null);
  assert.equal(classifySecret('aaaaaaaaaaaaaaaa', 'password', R), null);
  assert.equal(classifySecret('postgres://app:s3cr3t-pw@db:5432/app', null, R)?.detector, 'url-password');
  assert.equal(classifySecret('postgres://app@db:5432/app', null, R), null);
});

test('a file with secrets: findings of kind secret at the literal, messages redacted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-secrets-'));
  try {
    const key = CASES['anthropic-key']!.hit;
    const token = 'Pz4Kq9Lw2Xv7Rb1Nt6Ym';
    writeFileSync(join(dir, 'app.ts'), `const config = {\n  anthropicKey: '${key}',\n  dbPassword: "${token}",\n  note: "${token}",\n};\nexport default config;\n`);
    const ws = new Workspace({ root: dir });
    const found = ws.analyzeFile(join(dir, 'app.ts'));
    assert.deepEqual(found.map((f) => [f.kind, f.line, f.column, f.code]), [['secret', 2, 17, 'CW003'], ['secret', 3, 15, 'CW003']]);
    for (const f of found) {
      assert.ok(!f.message.includes(key) && !f.message.includes(token));
      assert.ok(!JSON.stringify(f).includes(key) && !JSON.stringify(f).includes(token));
    }
    assert.match(found[0]!.message, /Anthropic API key \(sk-ant-… \(\d+ chars\)\)/);
    assert.deepEqual(found[1]!.fix?.secretRange, { line: 3, column: 15, endLine: 3, endColumn: 37 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
