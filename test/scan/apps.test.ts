/**
 * Realistic small LangChain.js apps (test/fixtures/ts/apps/<app>/) scanned with their own policy; the whole
 * JSON document (positions, statuses, rules, messages) must equal the app's expected.json.
 * After a deliberate change, regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace, toScanJson } from '../../server/scan/api.js';
import { FIXTURES } from '../helpers/paths.js';

const APPS = join(FIXTURES, 'ts', 'apps');

for (const app of readdirSync(APPS)) {
  test(`app ${app}: findings equal expected.json`, () => {
    const root = join(APPS, app);
    const ws = new Workspace({ root, policyFile: join(root, 'chainwarden.yaml') });
    assert.deepEqual(ws.policyDiagnostics.filter((d) => d.severity === 'error'), []);
    const got = toScanJson(ws.scanAll());
    const file = join(root, 'expected.json');
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, JSON.stringify(got, null, 2) + '\n');
    assert.deepEqual(got, JSON.parse(readFileSync(file, 'utf8')));
  });
}

test('research-agent: what each resolution rule gives', () => {
  const root = join(APPS, 'research-agent');
  const ws = new Workspace({ root, policyFile: join(root, 'chainwarden.yaml') });
  const byLine = (file: string, line: number) => ws.analyzeFile(join(root, file)).find((f) => f.line === line);
  // Aliased import + spread + config module behind a barrel re-export + .env value in a template literal.
  assert.equal(byLine('src/lib/models.ts', 7)?.target, 'http://127.0.0.1:8790/openai/v1');
  assert.equal(byLine('src/lib/models.ts', 7)?.status, 'approved');
  // A namespace import; approve rule → needs-approval.
  assert.equal(byLine('src/lib/models.ts', 11)?.status, 'needs-approval');
  // A subclass of a catalog class holding the provider's own key: bypass even through the gateway.
  const traced = byLine('src/agent.ts', 11);
  assert.equal(traced?.catalogId, 'openai.chat');
  assert.equal(traced?.status, 'bypass');
  assert.equal(traced?.fix?.envVar, 'OPENAI_API_KEY');
  // A provider chosen at run time is unknown, never guessed.
  const dynamic = byLine('src/agent.ts', 9);
  assert.equal(dynamic?.provider, null);
  assert.equal(dynamic?.status, 'unknown');
  // The vector store inherits its target from the client it is given.
  assert.equal(byLine('src/tools/docs.ts', 7)?.target, 'https://abcd.supabase.co');
  // TypeORM DataSource URL from a config module and .env → the gateway's PostgreSQL listener.
  assert.equal(byLine('src/tools/sql.ts', 7)?.connection, 'analytics');
});
