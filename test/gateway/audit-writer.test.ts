/** Group commit: waiting records commit on the next turn; records nobody waits for are gathered by time and count. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from '../../gateway/store/sqlite.js';
import { AuditWriter } from '../../gateway/store/audit-writer.js';
import type { AuditRecord } from '../../gateway/store/types.js';

let seq = 0;
function record(): AuditRecord {
  const now = new Date().toISOString();
  return {
    id: `t_${++seq}`, ts_start: now, ts_end: now, chain: 'c', subject: 'chain:c', groups: [], key_id: null, connection: 'db', kind: 'sql',
    operation: 'read public.t', target: '127.0.0.1:5432/x', decision: 'allow', rule: 'r', approval_id: null, approver: null, status: 0,
    bytes_in: 10, bytes_out: 20, latency_ms: 1, upstream_ms: 1, masked: {}, error: null, run_id: null, flagged: false, detail: { sql: 'SELECT $1' },
  };
}

function withStore(fn: (store: SqliteStore) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-writer-'));
    const store = new SqliteStore(join(dir, 'state.db'));
    try {
      await fn(store);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('records nobody waits for are committed within the delay, in one commit', withStore(async (store) => {
  const writer = new AuditWriter(store, undefined, { noWaitDelayMs: 300 });
  for (let i = 0; i < 5; i++) writer.appendNoWait(record(), () => assert.fail('no failure expected'));
  await new Promise((r) => setImmediate(r));
  assert.equal(store.countAudit(), 0, 'not committed on the next turn');
  await sleep(700);
  assert.equal(store.countAudit(), 5);
}));

test('a waiting record brings the commit forward for the whole batch', withStore(async (store) => {
  const writer = new AuditWriter(store, undefined, { noWaitDelayMs: 10_000 });
  writer.appendNoWait(record(), () => {});
  writer.appendNoWait(record(), () => {});
  await writer.append(record());
  assert.equal(store.countAudit(), 3);
}));

test('the count bound commits without waiting for the delay; blocks of rows keep every record', withStore(async (store) => {
  const writer = new AuditWriter(store, undefined, { noWaitDelayMs: 10_000, noWaitMaxRecords: 70 });
  const ids: string[] = [];
  for (let i = 0; i < 70; i++) {
    const r = record();
    ids.push(r.id);
    writer.appendNoWait(r, () => {});
  }
  await new Promise((r) => setImmediate(r));
  assert.equal(store.countAudit(), 70);
  // 70 = two blocks of 32 and six single rows: every record present once, fields intact.
  const got = store.queryAudit({ limit: 1000 });
  assert.deepEqual(got.map((r) => r.id).sort(), [...ids].sort());
  assert.deepEqual(got[0]!.detail, { sql: 'SELECT $1' });
}));

test('a failed commit calls every no-wait caller back, and rejects waiting ones', withStore(async (store) => {
  const writer = new AuditWriter(store, undefined, { noWaitDelayMs: 5 });
  let failures = 0;
  writer.appendNoWait(record(), () => failures++);
  writer.appendNoWait(record(), () => failures++);
  const waiting = writer.append(record());
  store.close();
  await assert.rejects(waiting);
  assert.equal(failures, 2);
  assert.equal(writer.healthy, false);
}));
