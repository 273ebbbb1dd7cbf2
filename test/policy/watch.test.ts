import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { requirePolicy } from '../../gateway/policy/load.js';
import { PolicyWatcher } from '../../gateway/policy/watch.js';
import { EXAMPLE_POLICY } from '../helpers/paths.js';

test('hot reload: a valid change takes effect, an invalid one keeps the old policy and reports errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-watch-'));
  const file = join(dir, 'chainwarden.yaml');
  const original = readFileSync(EXAMPLE_POLICY, 'utf8').replaceAll('file:.dev-keys', 'file:/dev/null');
  writeFileSync(file, original);
  const watcher = new PolicyWatcher(file, requirePolicy(file), {}, 20).start();
  try {
    const reloaded = once(watcher, 'reload');
    writeFileSync(file, original.replace('name: support searches the web', 'name: support searches'));
    const [policy] = await reloaded;
    assert.ok(policy.rules.some((r: { name: string }) => r.name === 'support searches'));
    assert.equal(watcher.policy, policy);

    const rejected = once(watcher, 'rejected');
    writeFileSync(file, original.replace('connection: tavily', 'connection: tavilly'));
    const [diagnostics] = await rejected;
    assert.match(diagnostics[0].message, /unknown connection "tavilly"/);
    assert.ok(watcher.policy.rules.some((r) => r.name === 'support searches'), 'the last good policy stays in force');

    // Editors save by writing a temp file and renaming it over the original.
    const again = once(watcher, 'reload');
    writeFileSync(join(dir, '.chainwarden.yaml.tmp'), original);
    renameSync(join(dir, '.chainwarden.yaml.tmp'), file);
    const [restored] = await again;
    assert.ok(restored.rules.some((r: { name: string }) => r.name === 'support searches the web'));
  } finally {
    watcher.close();
  }
});
