import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECTORS } from '../../gateway/mask/registry.js';
import { DETECTOR_NAMES } from '../../gateway/mask/names.js';
import { MASK_ERRORS } from '../../gateway/mask/errors.js';
import { REPO_ROOT } from '../helpers/paths.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'masking.md'), 'utf8');
const tables = readFileSync(join(REPO_ROOT, 'test', 'mask', 'detectors.test.ts'), 'utf8');

test('the registry defines exactly the detector names the policy validator accepts', () => {
  assert.deepEqual(Object.keys(DETECTORS).sort(), [...DETECTOR_NAMES].sort());
});

for (const [key, d] of Object.entries(DETECTORS)) {
  test(`detector ${key}: meta is complete and documented`, () => {
    assert.equal(d.meta.name, key);
    assert.ok(d.meta.description.length > 10);
    assert.equal(d.meta.url, `docs/masking.md#${key}`);
    assert.match(doc, new RegExp(`^### \`?${key}\`?$`, 'm'), `docs/masking.md has a "### ${key}" section`);
    assert.ok(tables.includes(`runDetectorTable('${key}',`), `test/mask/detectors.test.ts has a valid/invalid table for ${key}`);
  });
}

test('every masking error code is documented', () => {
  for (const code of Object.keys(MASK_ERRORS)) assert.ok(doc.includes(code), `${code} is in docs/masking.md`);
});

test('the example policy\'s mask entries compile', async () => {
  const { loadPolicyFile } = await import('../../gateway/policy/load.js');
  const { compileMasker } = await import('../../gateway/mask/masker.js');
  const { EXAMPLE_POLICY } = await import('../helpers/paths.js');
  const { policy } = loadPolicyFile(EXAMPLE_POLICY, { resolveSecrets: false });
  assert.ok(policy, 'the example policy loads');
  const specs = [...Object.values(policy.connections).flatMap((c) => c.mask), ...policy.rules.flatMap((r) => r.mask)];
  assert.ok(specs.length > 0);
  const masker = compileMasker(specs);
  assert.equal(masker.maskText('card 4111 1111 1111 1111').text, 'card 4111 **** **** 1111');
  assert.equal(masker.maskCell('email', 'public.customers', 'ann@example.com').value, 'a***@example.com');
});
