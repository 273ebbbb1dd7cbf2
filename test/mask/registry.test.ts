import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECTORS } from '../../gateway/mask/registry.js';
import { DETECTOR_NAMES } from '../../gateway/mask/names.js';
import { MASK_ERRORS } from '../../gateway/mask/errors.js';
import { REPO_ROOT } from '../helpers/paths.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'masking.md'), 'utf8');

test('the registry defines exactly the detector names the policy validator accepts', () => {
  assert.deepEqual(Object.keys(DETECTORS).sort(), [...DETECTOR_NAMES].sort());
});

for (const [key, d] of Object.entries(DETECTORS)) {
  test(`detector ${key}: meta is complete and documented`, () => {
    assert.equal(d.meta.name, key);
    assert.ok(d.meta.description.length > 10);
    assert.equal(d.meta.url, `docs/masking.md#${key}`);
    assert.match(doc, new RegExp(`^### \`?${key}\`?$`, 'm'), `docs/masking.md has a "### ${key}" section`);
  });
}

test('every masking error code is documented', () => {
  for (const code of Object.keys(MASK_ERRORS)) assert.ok(doc.includes(code), `${code} is in docs/masking.md`);
});
