/** The diagnostic rule registry: every rule documented, every status covered, codes stable. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, ruleForStatus, ruleHelpUri } from '../../server/scan/rules.js';
import { SCAN_STATUSES } from '../../server/scan/types.js';
import { REPO_ROOT } from '../helpers/paths.js';

const DOCS = join(REPO_ROOT, 'docs', 'rules');

for (const rule of RULES) {
  test(`rule ${rule.code} (${rule.name}) has docs/rules/${rule.code}.md naming it`, () => {
    const file = join(DOCS, `${rule.code}.md`);
    assert.ok(existsSync(file), `missing ${file}`);
    const text = readFileSync(file, 'utf8');
    assert.match(text.split('\n')[0]!, new RegExp(`^# ${rule.code} ${rule.name}$`));
    assert.ok(text.length > 200, 'the docs say what the rule means and how to fix it');
    assert.ok(ruleHelpUri(rule.code).endsWith(`docs/rules/${rule.code}.md`));
  });
}

test('rule codes are unique, sorted, CWnnn; each status (and secrets) has exactly one rule', () => {
  const codes = RULES.map((r) => r.code);
  assert.deepEqual(codes, [...new Set(codes)].sort());
  for (const c of codes) assert.match(c, /^CW\d{3}$/);
  for (const s of [...SCAN_STATUSES, 'secret' as const]) assert.equal(RULES.filter((r) => r.status === s).length, 1, s);
  assert.equal(ruleForStatus('bypass').code, 'CW002');
});

test('no stray rule docs without a registry entry', () => {
  for (const f of readdirSync(DOCS)) assert.ok(RULES.some((r) => `${r.code}.md` === f), `${f} documents no rule`);
});
