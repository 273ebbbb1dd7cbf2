/** The audit store: migrations, the JSON-lines sink, and failing closed (or open, when configured) when it cannot write. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fakeOpenAI } from './fakes.js';
import { gatewayFor, KEYS, policyYaml } from './setup.js';
import { SqliteStore } from '../../gateway/store/sqlite.js';
import { MIGRATIONS } from '../../gateway/store/migrations.js';

const headers = { authorization: `Bearer ${KEYS.support}` };

test('migrations apply once and are recorded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-store-'));
  try {
    const file = join(dir, 'a.db');
    new SqliteStore(file).close();
    new SqliteStore(file).close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
    assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
    assert.equal((db.pragma('journal_mode', { simple: true }) as string).toLowerCase(), 'wal');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the JSON-lines sink gets the same records, without credentials', async () => {
  const up = await fakeOpenAI();
  const g = await gatewayFor(policyYaml({ openaiUrl: up.url, extraGateway: '  audit: { jsonl: audit.jsonl }' }));
  try {
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${g.gw.url}/openai/v1/models`, { headers });
      await r.arrayBuffer();
    }
    const lines = readFileSync(join(g.dir, 'audit.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    const ids = g.gw.store.queryAudit({}).map((r) => r.id).sort();
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { id: string }).id).sort(), ids);
    for (const secret of Object.values(KEYS)) assert.ok(!lines.join('').includes(secret));
  } finally {
    await g.stop();
    await up.close();
  }
});

test('a store that cannot write: the gateway fails closed with 503', async () => {
  const up = await fakeOpenAI();
  const g = await gatewayFor(policyYaml({ openaiUrl: up.url }));
  try {
    g.gw.store.close(); // every later write throws
    // The first call's answer is cut: its record could not be made durable.
    await assert.rejects(fetch(`${g.gw.url}/openai/v1/models`, { headers }).then((r) => r.arrayBuffer()));
    const r = await fetch(`${g.gw.url}/openai/v1/models`, { headers });
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'CW_ERR_AUDIT_UNAVAILABLE');
    assert.equal(up.seen.length, 1, 'refused calls never reach the upstream');
  } finally {
    await g.stop();
    await up.close();
  }
});

test('with gateway.audit.failOpen the calls go on', async () => {
  const up = await fakeOpenAI();
  const g = await gatewayFor(policyYaml({ openaiUrl: up.url, extraGateway: '  audit: { failOpen: true }' }));
  try {
    g.gw.store.close();
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${g.gw.url}/openai/v1/models`, { headers });
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
  } finally {
    await g.stop();
    await up.close();
  }
});

test('admin API: healthz is open, everything else needs the admin token', async () => {
  const up = await fakeOpenAI();
  const g = await gatewayFor(policyYaml({ openaiUrl: up.url }));
  try {
    assert.equal((await fetch(`${g.gw.adminUrl}/healthz`)).status, 200);
    const noAuth = await fetch(`${g.gw.adminUrl}/v1/audit`);
    assert.equal(noAuth.status, 401);
    assert.equal(((await noAuth.json()) as { error: { code: string } }).error.code, 'CW_ERR_ADMIN_UNAUTHORIZED');
    assert.equal((await fetch(`${g.gw.adminUrl}/v1/audit`, { headers: { authorization: `Bearer ${KEYS.support}` } })).status, 401);
    assert.equal((await fetch(`${g.gw.adminUrl}/v1/reload`, { method: 'POST' })).status, 401);
    const reload = await fetch(`${g.gw.adminUrl}/v1/reload`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.admin}` } });
    assert.equal(reload.status, 200);
    const bad = await fetch(`${g.gw.adminUrl}/v1/audit?limit=-1`, { headers: { authorization: `Bearer ${KEYS.admin}` } });
    assert.equal(bad.status, 400);
  } finally {
    await g.stop();
    await up.close();
  }
});
