/** The PostgreSQL path end to end: pg and psql clients through the real listener to the real server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { direct, eventually, rawSession, startHarness, uniqueName, type Harness } from './harness.js';
import { encodeBind, encodeParse, message } from '../../gateway/pg/protocol.js';
import { ApprovalService } from '../../gateway/approvals/service.js';
import { MemoryApprovalRepo } from '../../gateway/approvals/repo.js';
import { approvalsFromService } from '../../gateway/pg/approval-service.js';
import { compilePolicy, parsePolicy, type CompiledPolicy } from '../../gateway/policy/index.js';

const run = promisify(execFile);
const OPEN = uniqueName('cwt_open');
const SALES = uniqueName('cwt_sales');
let h: Harness;

const policy = (port: number) => `version: 1
identity:
  keys:
    - { chain: agent, key: env:CWT_KEY_AGENT }
    - { chain: other, key: env:CWT_KEY_OTHER }
chains:
  agent: { sources: ["**"] }
  other: { sources: ["**"] }
connections:
  db:
    type: postgres
    listen: 127.0.0.1:${port}
    upstream: postgres://postgres@127.0.0.1:5432/test
    mask:
      - { detector: email, columns: [${OPEN}.customers.email] }
rules:
  - name: agent reads
    chains: [agent]
    connection: db
    allow: [read]
  - name: sales writes need a DBA
    chains: [agent]
    connection: db
    approve: { ops: ["write ${SALES}.*"], approvers: ["group:dba"], timeout: 20s }
  - name: open writes, big ones approved
    chains: [agent]
    connection: db
    allow: ["write ${OPEN}.*"]
    approve: { ops: ["write ${OPEN}.*"], approvers: ["group:dba"], when: { rowsOver: 1000, unfiltered: true }, timeout: 20s }
  - name: nobody changes the schema
    chains: ["*"]
    connection: db
    deny: [ddl, admin]
`;

before(async () => {
  await direct(`CREATE SCHEMA ${OPEN}; CREATE SCHEMA ${SALES};
    CREATE TABLE ${OPEN}.items (id int primary key, name text);
    INSERT INTO ${OPEN}.items SELECT g, 'item ' || g FROM generate_series(1, 5) g;
    CREATE TABLE ${OPEN}.big (id int primary key, v int);
    INSERT INTO ${OPEN}.big SELECT g, g FROM generate_series(1, 5000) g;
    ANALYZE ${OPEN}.big;
    CREATE TABLE ${OPEN}.customers (id int, name text, email text);
    INSERT INTO ${OPEN}.customers VALUES (1, 'Ada', 'ada@example.com');
    CREATE TABLE ${SALES}.orders (id int primary key, amount int);
    CREATE FUNCTION ${OPEN}.wipe_orders() RETURNS int LANGUAGE sql VOLATILE AS 'DELETE FROM ${SALES}.orders RETURNING 1';
    CREATE FUNCTION ${OPEN}.twice(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';`);
  h = await startHarness(policy);
});

after(async () => {
  await h?.close();
  await direct(`DROP SCHEMA IF EXISTS ${OPEN} CASCADE; DROP SCHEMA IF EXISTS ${SALES} CASCADE`);
});

const lastAudit = (pred: (r: Harness['audit'][number]) => boolean) => [...h.audit].reverse().find(pred);

test('reads pass with the simple and the extended protocol, and each statement is audited', async () => {
  const c = await h.client();
  const simple = await c.query(`SELECT count(*)::int AS n FROM ${OPEN}.items`);
  assert.equal(simple.rows[0].n, 5);
  const ext = await c.query(`SELECT name FROM ${OPEN}.items WHERE id = $1`, [3]);
  assert.deepEqual(ext.rows, [{ name: 'item 3' }]);
  const rec = await eventually(() => lastAudit((r) => r.sql.includes('WHERE id = $1')), 'audit of the extended read');
  assert.equal(rec.class, 'read');
  assert.deepEqual(rec.tables, [`${OPEN}.items`]);
  assert.equal(rec.decision, 'allow');
  assert.equal(rec.rule, 'agent reads');
  assert.equal(rec.status, 'ok');
  assert.equal(rec.rows, 1);
  assert.equal(rec.chain, 'agent');
  assert.equal(rec.connection, 'db');
  assert.equal(rec.target, '127.0.0.1:5432/test');
  assert.ok(!JSON.stringify(h.audit).includes(h.key), 'the key never appears in audit');
});

test('named prepared statements and pipelined queries on one client', async () => {
  const c = await h.client();
  const results = await Promise.all(
    [1, 2, 3, 4, 5].map((id) => c.query({ name: 'item_by_id', text: `SELECT id, name FROM ${OPEN}.items WHERE id = $1`, values: [id] })),
  );
  assert.deepEqual(results.map((r) => r.rows[0].id), [1, 2, 3, 4, 5]);
  const mixed = await Promise.all([c.query('SELECT 1 AS a'), c.query(`SELECT count(*)::int AS n FROM ${OPEN}.big`), c.query('SELECT $1::text AS t', ['x'])]);
  assert.deepEqual(mixed.map((r) => Object.values(r.rows[0])[0]), [1, 5000, 'x']);
});

test('a refused statement in the middle of a pipeline fails alone; the ones around it run', async () => {
  const c = await h.client();
  const [a, b, d] = await Promise.allSettled([
    c.query(`SELECT count(*)::int AS n FROM ${OPEN}.items WHERE id < $1`, [3]),
    c.query(`DROP TABLE ${OPEN}.items`),
    c.query(`SELECT name FROM ${OPEN}.items WHERE id = $1`, [1]),
  ]);
  assert.equal(a.status === 'fulfilled' && a.value.rows[0].n, 2);
  assert.equal(b.status === 'rejected' && (b.reason as pg.DatabaseError).code, '42501');
  assert.equal(d.status === 'fulfilled' && d.value.rows[0].name, 'item 1');
});

test('a write to the protected schema is held, approved, and then runs', async () => {
  const c = await h.client();
  const notices: string[] = [];
  c.on('notice', (n) => notices.push(`${n.message} ${n.hint ?? ''}`));
  const pending = c.query(`INSERT INTO ${SALES}.orders VALUES ($1, $2)`, [1, 250]);
  const held = await h.desk.next();
  assert.equal(held.summary.class, 'write');
  assert.deepEqual(held.summary.tables, [`${SALES}.orders`]);
  assert.equal(held.summary.rule, 'sales writes need a DBA');
  assert.match(held.summary.sql, /VALUES \(\$1, \$2\)/);
  await eventually(() => notices.length > 0, 'the approval notice');
  assert.match(notices[0]!, new RegExp(`approval ${held.id}.*chainwarden approve ${held.id}`));
  held.approve();
  const res = await pending;
  assert.equal(res.rowCount, 1);
  assert.deepEqual(await direct(`SELECT amount FROM ${SALES}.orders WHERE id = 1`), [{ amount: 250 }]);
  const rec = await eventually(() => lastAudit((r) => r.approval_id === held.id), 'audit with the approval id');
  assert.equal(rec.approver, 'user:dba-alice');
  assert.equal(rec.decision, 'approve');
  assert.equal(rec.rows, 1);
});

test('with the gateway ApprovalService: the held statement is a call approval a DBA answers', async () => {
  const service = new ApprovalService(new MemoryApprovalRepo(), h.policy);
  const h2 = await startHarness(policy, { requestApproval: approvalsFromService(service) });
  try {
    const c = await h2.client();
    const pending = c.query(`INSERT INTO ${SALES}.orders VALUES ($1, $2)`, [60, 7]);
    const queued = await eventually(() => service.list({ status: 'pending' })[0], 'a pending approval');
    assert.equal(queued.operation, `write ${SALES}.orders`);
    assert.equal(queued.summary.sql, `INSERT INTO ${SALES}.orders VALUES ($1, $2)`);
    service.answer(queued.id, { subject: 'dba-alice', groups: ['dba'], via: 'oidc' }, { action: 'approve', once: true });
    assert.equal((await pending).rowCount, 1);
    const rec = await eventually(() => h2.audit.find((r) => r.approval_id === queued.id && r.status === 'ok'), 'audit');
    assert.equal(rec.approver, 'dba-alice');
    const denied = c.query(`DELETE FROM ${SALES}.orders WHERE id = 60`);
    const second = await eventually(() => service.list({ status: 'pending' })[0], 'a second approval');
    service.answer(second.id, { subject: 'dba-alice', groups: ['dba'], via: 'oidc' }, { action: 'deny', reason: 'keep it' });
    await assert.rejects(denied, (e: pg.DatabaseError) => e.code === '42501' && /keep it/.test(e.message));
    assert.equal((await direct(`SELECT count(*)::int AS n FROM ${SALES}.orders WHERE id = 60`))[0]!.n, 1);
  } finally {
    await h2.close();
  }
});

test('a denied approval writes nothing and the session stays usable', async () => {
  const c = await h.client();
  const pending = c.query(`INSERT INTO ${SALES}.orders VALUES (2, 999)`);
  const held = await h.desk.next();
  held.deny('not during the freeze');
  await assert.rejects(pending, (e: pg.DatabaseError) => e.code === '42501' && /not during the freeze/.test(e.message));
  assert.deepEqual(await direct(`SELECT * FROM ${SALES}.orders WHERE id = 2`), []);
  assert.equal((await c.query('SELECT 1 AS one')).rows[0].one, 1);
  const rec = await eventually(() => lastAudit((r) => r.approval_id === held.id), 'audit of the denial');
  assert.equal(rec.status, 'denied');
});

test('DROP TABLE is refused with the rule and the table still exists', async () => {
  const c = await h.client();
  await assert.rejects(c.query(`DROP TABLE ${OPEN}.items`), (e: pg.DatabaseError) => e.code === '42501' && /nobody changes the schema/.test(e.message));
  assert.equal((await direct(`SELECT to_regclass('${OPEN}.items') IS NOT NULL AS present`))[0]!.present, true);
  const rec = await eventually(() => lastAudit((r) => r.class === 'ddl'), 'audit of the refused DROP');
  assert.equal(rec.decision, 'deny');
  assert.equal(rec.status, 'denied');
});

test('a write hidden behind a read in one query string is caught, and nothing of it runs', async () => {
  const c = await h.client();
  await assert.rejects(c.query(`SELECT 1; INSERT INTO ${OPEN}.items VALUES (100, 'x'); DROP TABLE ${OPEN}.customers`), (e: pg.DatabaseError) => e.code === '42501');
  assert.deepEqual(await direct(`SELECT * FROM ${OPEN}.items WHERE id = 100`), []);
  const pending = c.query(`SELECT 1; INSERT INTO ${SALES}.orders VALUES (3, 1)`);
  const held = await h.desk.next();
  assert.match(held.summary.sql, /INSERT INTO/i);
  held.deny('no');
  await assert.rejects(pending, (e: pg.DatabaseError) => e.code === '42501');
});

test('inside a transaction a refused statement aborts it as PostgreSQL would (25P02 until ROLLBACK)', async () => {
  const c = await h.client();
  await c.query('BEGIN');
  await c.query(`INSERT INTO ${OPEN}.items VALUES (200, 'in tx')`);
  await assert.rejects(c.query(`DROP TABLE ${OPEN}.items`), (e: pg.DatabaseError) => e.code === '42501');
  await assert.rejects(c.query('SELECT 1'), (e: pg.DatabaseError) => e.code === '25P02');
  await c.query('ROLLBACK');
  assert.deepEqual(await direct(`SELECT * FROM ${OPEN}.items WHERE id = 200`), []);
  assert.equal((await c.query('SELECT 2 AS two')).rows[0].two, 2);
  // The same after a denied approval, with the extended protocol.
  await c.query('BEGIN');
  const pending = c.query(`INSERT INTO ${SALES}.orders VALUES ($1, 1)`, [4]);
  (await h.desk.next()).deny('no');
  await assert.rejects(pending, (e: pg.DatabaseError) => e.code === '42501');
  await assert.rejects(c.query('SELECT $1::int', [1]), (e: pg.DatabaseError) => e.code === '25P02');
  await c.query('ROLLBACK');
});

test('UPDATE without WHERE and a large planner estimate are held; small filtered writes are not', async () => {
  const c = await h.client();
  await c.query(`UPDATE ${OPEN}.big SET v = v WHERE id = 1`);
  const unfiltered = c.query(`UPDATE ${OPEN}.items SET name = name`);
  const held = await h.desk.next();
  assert.equal(held.summary.unfiltered, true);
  held.approve();
  await unfiltered;
  const big = c.query(`DELETE FROM ${OPEN}.big WHERE id > $1`, [10]);
  const heldBig = await h.desk.next();
  assert.ok(heldBig.summary.estimatedRows !== null && heldBig.summary.estimatedRows > 1000, `estimate ${heldBig.summary.estimatedRows}`);
  heldBig.deny('too many rows');
  await assert.rejects(big, (e: pg.DatabaseError) => e.code === '42501');
  assert.equal((await direct(`SELECT count(*)::int AS n FROM ${OPEN}.big`))[0]!.n, 5000);
  // Simple protocol, inside a transaction block: the EXPLAIN runs in a savepoint.
  await c.query('BEGIN');
  const simple = c.query(`DELETE FROM ${OPEN}.big WHERE id > 20`);
  const heldSimple = await h.desk.next();
  assert.ok(heldSimple.summary.estimatedRows! > 1000);
  heldSimple.deny('no');
  await assert.rejects(simple, (e: pg.DatabaseError) => e.code === '42501');
  await c.query('ROLLBACK');
});

test('PREPARE/EXECUTE: the prepared statement is checked when executed', async () => {
  const c = await h.client();
  await c.query(`PREPARE add_order(int, int) AS INSERT INTO ${SALES}.orders VALUES ($1, $2)`);
  const pending = c.query('EXECUTE add_order(10, 5)');
  const held = await h.desk.next();
  assert.deepEqual(held.summary.tables, [`${SALES}.orders`]);
  held.approve();
  await pending;
  assert.deepEqual(await direct(`SELECT amount FROM ${SALES}.orders WHERE id = 10`), [{ amount: 5 }]);
  await assert.rejects(c.query('EXECUTE never_prepared(1)'), (e: pg.DatabaseError) => e.code === '26000');
});

test('PREPARE then EXECUTE in one query string: the EXECUTE is decided as the statement prepared just before it', async () => {
  const c = await h.client();
  const pending = c.query(`PREPARE in_one AS INSERT INTO ${SALES}.orders VALUES (70, 6); EXECUTE in_one`);
  const held = await h.desk.next();
  assert.deepEqual(held.summary.tables, [`${SALES}.orders`]);
  held.approve();
  await pending;
  assert.deepEqual(await direct(`SELECT amount FROM ${SALES}.orders WHERE id = 70`), [{ amount: 6 }]);
  // Deallocated earlier in the same string: nothing to execute.
  await assert.rejects(c.query('PREPARE gone AS SELECT 1; DEALLOCATE gone; EXECUTE gone'), (e: pg.DatabaseError) => e.code === '26000');
  // A name that already exists keeps its statement (the new PREPARE fails): the EXECUTE is decided as the old one.
  await c.query(`PREPARE taken AS INSERT INTO ${SALES}.orders VALUES (71, 1)`);
  const again = c.query('PREPARE taken AS SELECT 1; EXECUTE taken');
  const second = await h.desk.next();
  assert.deepEqual(second.summary.tables, [`${SALES}.orders`]);
  second.deny('not this one');
  await assert.rejects(again, (e: pg.DatabaseError) => e.code === '42501');
  assert.deepEqual(await direct(`SELECT * FROM ${SALES}.orders WHERE id = 71`), []);
});

test('a Parse the server skipped after an error is never confused with an older statement of the same name', async () => {
  const r = await rawSession(h.port, h.key);
  const parse = (name: string, text: string) => encodeParse({ name, text, paramTypes: [] });
  const bind = (stmt: string) => encodeBind({ portal: '', statement: stmt, paramFormats: [], params: [], resultFormats: [] });
  const exec = message('E', '', 0);
  const sync = message('S');
  // 1. The unnamed statement becomes a held INSERT (prepared, not executed).
  r.send(parse('', `INSERT INTO ${SALES}.orders VALUES (50, 1)`), sync);
  assert.deepEqual(await r.untilReady(), { status: 'I', codes: [] });
  // 2. An error early in the pipeline makes the server skip the Parse that would replace it.
  r.send(parse('boom', 'SELECT 1/0'), bind('boom'), exec, parse('', 'SELECT 1'), bind(''), exec, sync);
  assert.deepEqual((await r.untilReady()).codes, ['22012']);
  // 3. Binding the unnamed statement again must not run the INSERT as if it were SELECT 1.
  r.send(bind(''), exec, sync);
  const third = await r.untilReady();
  assert.deepEqual(third.codes, ['26000']);
  assert.deepEqual(await direct(`SELECT * FROM ${SALES}.orders WHERE id = 50`), []);
  r.socket.destroy();
});

test('a DEALLOCATE that did not run leaves EXECUTE meaning the statement the server still has', async () => {
  const c = await h.client();
  await c.query(`PREPARE sneaky AS INSERT INTO ${SALES}.orders VALUES (51, 1)`);
  await assert.rejects(c.query('SELECT 1/0; DEALLOCATE sneaky'), (e: pg.DatabaseError) => e.code === '22012');
  await assert.rejects(c.query('PREPARE sneaky AS SELECT 1'), (e: pg.DatabaseError) => e.code === '42P05');
  const pending = c.query('EXECUTE sneaky');
  const held = await h.desk.next();
  assert.deepEqual(held.summary.tables, [`${SALES}.orders`]);
  held.deny('caught');
  await assert.rejects(pending, (e: pg.DatabaseError) => e.code === '42501');
  assert.deepEqual(await direct(`SELECT * FROM ${SALES}.orders WHERE id = 51`), []);
});

test('a SELECT calling a volatile user function is a write; an immutable one stays a read', async () => {
  const c = await h.client();
  assert.equal((await c.query(`SELECT ${OPEN}.twice(21) AS v`)).rows[0].v, 42);
  await c.query(`INSERT INTO ${OPEN}.items VALUES (400, 'kept')`);
  const pending = c.query(`SELECT ${OPEN}.wipe_orders()`);
  const held = await h.desk.next();
  assert.equal(held.summary.class, 'write');
  held.deny('no wiping');
  await assert.rejects(pending, (e: pg.DatabaseError) => e.code === '42501');
});

test('masked columns: the email is withheld and the RowDescription says text', async () => {
  const c = await h.client();
  const r = await c.query(`SELECT id, name, email FROM ${OPEN}.customers`);
  assert.equal(r.rows[0].name, 'Ada');
  assert.notEqual(r.rows[0].email, 'ada@example.com');
  const ext = await c.query(`SELECT email FROM ${OPEN}.customers WHERE id = $1`, [1]);
  assert.notEqual(ext.rows[0].email, 'ada@example.com');
  const rec = await eventually(() => lastAudit((x) => x.sql.includes('email FROM') && Object.keys(x.masked).length > 0), 'masked count');
  assert.equal(rec.masked.email, 1);
});

test('a policy reload that adds a column mask applies at once to a session already open', async () => {
  let reloaded: CompiledPolicy | null = null;
  let initial: CompiledPolicy | undefined;
  const h2: Harness = await startHarness(
    (port) => {
      const text = policy(port);
      initial = compilePolicy(parsePolicy(text, '/tmp/cw-mask-reload/chainwarden.yaml', { env: process.env }).policy!);
      return text;
    },
    { compiled: () => reloaded ?? initial! },
  );
  try {
    const c = await h2.client();
    assert.equal((await c.query(`SELECT name FROM ${OPEN}.customers`)).rows[0].name, 'Ada');
    const text = policy(h2.port).replace(`columns: [${OPEN}.customers.email] }`, `columns: [${OPEN}.customers.email] }\n      - { detector: email, columns: [${OPEN}.customers.name] }`);
    const parsed = parsePolicy(text, h2.policy.file, { env: { ...process.env, CWT_KEY_AGENT: h2.key, CWT_KEY_OTHER: h2.otherKey } });
    assert.ok(parsed.policy, JSON.stringify(parsed.diagnostics));
    reloaded = compilePolicy(parsed.policy);
    // The session was opened before the mask existed (so its table names were never loaded): masked anyway.
    const after = await c.query(`SELECT name FROM ${OPEN}.customers`);
    assert.notEqual(after.rows[0].name, 'Ada');
    const ext = await c.query(`SELECT id, name FROM ${OPEN}.customers WHERE id = $1`, [1]);
    assert.notEqual(ext.rows[0].name, 'Ada');
  } finally {
    await h2.close();
  }
});

test('masking uses the wired maskRow function', async () => {
  const h2 = await startHarness(policy, {
    maskRow: (cols, values) => {
      const out = [...values];
      for (const col of cols) if (out[col.index]) out[col.index] = Buffer.from(out[col.index]!.toString().replace(/^[^@]+/, '***'));
      return { values: out, masked: { email: cols.length } };
    },
  });
  try {
    const c = await h2.client();
    const r = await c.query(`SELECT email FROM ${OPEN}.customers`);
    assert.equal(r.rows[0].email, '***@example.com');
  } finally {
    await h2.close();
  }
});

test('an audit sink that cannot write closes the session (fail closed)', async () => {
  const h2 = await startHarness(policy, {
    audit: () => {
      throw new Error('disk full');
    },
  });
  try {
    const c = await h2.client();
    await assert.rejects(c.query('SELECT 1'), (e: Error & { code?: string }) => e.code === '58000');
  } finally {
    await h2.close();
  }
});

test('an unparsable statement is denied', async () => {
  const c = await h.client();
  await assert.rejects(c.query('SELEC * FRM nowhere'), (e: pg.DatabaseError) => e.code === '42601' && /could not parse/.test(e.message));
  assert.equal((await c.query('SELECT 3 AS three')).rows[0].three, 3);
});

test('a wrong key is refused at connection start', async () => {
  await assert.rejects(h.client({ password: 'cwk_wrong' }), (e: pg.DatabaseError) => e.code === '28P01');
  // The other chain's key with this chain's name: SCRAM only tries this chain's keys.
  await assert.rejects(h.client({ password: h.otherKey }), (e: pg.DatabaseError) => e.code === '28P01');
});

test('CancelRequest through the gateway cancels pg_sleep upstream', async () => {
  const c = await h.client();
  const sleeping = c.query('SELECT pg_sleep(30)');
  const client = c as unknown as { processID: number; secretKey: number };
  // Wait until the statement is running upstream, seen from the server itself.
  await eventuallyAsync(async () => (await direct(`SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'`)).length > 0);
  await sendCancel(h.port, client.processID, client.secretKey);
  await assert.rejects(sleeping, (e: pg.DatabaseError) => e.code === '57014');
  assert.equal((await c.query('SELECT 4 AS four')).rows[0].four, 4);
});

test('CancelRequest ends a wait for approval', async () => {
  const c = await h.client();
  const client = c as unknown as { processID: number; secretKey: number };
  const pending = c.query(`INSERT INTO ${SALES}.orders VALUES (20, 1)`);
  await h.desk.next();
  await sendCancel(h.port, client.processID, client.secretKey);
  await assert.rejects(pending, (e: pg.DatabaseError) => e.code === '57014');
  assert.deepEqual(await direct(`SELECT * FROM ${SALES}.orders WHERE id = 20`), []);
});

test('an approval nobody answers times out with 42501, and the approval service is told to stop waiting', async () => {
  let signal: AbortSignal | undefined;
  const h2 = await startHarness((port) => policy(port).replace('timeout: 20s }', 'timeout: 1s }'), {
    requestApproval: (_s, pending, sig) => {
      signal = sig;
      pending('apr_never');
      return new Promise(() => {});
    },
  });
  try {
    const c = await h2.client();
    await assert.rejects(c.query(`INSERT INTO ${SALES}.orders VALUES (30, 1)`), (e: pg.DatabaseError) => e.code === '42501' && /apr_never timed out/.test(e.message));
    assert.equal(signal?.aborted, true);
    assert.deepEqual(await direct(`SELECT * FROM ${SALES}.orders WHERE id = 30`), []);
  } finally {
    await h2.close();
  }
});

test('the approval summary carries the engine decision for the approval service', async () => {
  const c = await h.client();
  const pending = c.query(`UPDATE ${SALES}.orders SET amount = 1 WHERE id = 999`);
  const held = await h.desk.next();
  assert.equal(held.summary.decision.effect, 'approve');
  assert.equal(held.summary.decision.approval?.rule, 'sales writes need a DBA');
  assert.deepEqual(held.summary.approvers, ['group:dba']);
  held.approve();
  assert.equal((await pending).rowCount, 0);
});

test('psql through the gateway (SCRAM with a Chainwarden key)', async () => {
  const env = { ...process.env, PGPASSWORD: h.key };
  const out = await run('psql', ['-h', '127.0.0.1', '-p', String(h.port), '-U', 'agent', '-d', 'test', '-At', '-c', `SELECT name FROM ${OPEN}.items WHERE id = 2`], { env });
  assert.equal(out.stdout.trim(), 'item 2');
  const refused = await run('psql', ['-h', '127.0.0.1', '-p', String(h.port), '-U', 'agent', '-d', 'test', '-At', '-c', `TRUNCATE ${OPEN}.items`], { env }).catch((e: { stderr: string; code: number }) => e);
  assert.match((refused as { stderr: string }).stderr, /Chainwarden denied this statement/);
});

async function eventuallyAsync(check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('COPY FROM STDIN is proxied under policy; COPY TO STDOUT is refused where results are masked', async () => {
  const env = { ...process.env, PGPASSWORD: h.key };
  const args = ['-h', '127.0.0.1', '-p', String(h.port), '-U', 'agent', '-d', 'test', '-At'];
  const child = execFile('psql', [...args, '-c', `\\copy ${OPEN}.items (id, name) from stdin`], { env });
  child.stdin!.end('300\tcopied\n301\tcopied too\n');
  // The rows of a COPY cannot be estimated, and the rule asks above 1000 rows: unknown means ask.
  const held = await h.desk.next();
  assert.equal(held.summary.estimatedRows, null);
  held.approve();
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 0);
  assert.equal((await direct(`SELECT count(*)::int AS n FROM ${OPEN}.items WHERE name LIKE 'copied%'`))[0]!.n, 2);
  const rec = await eventually(() => lastAudit((r) => r.sql.startsWith('COPY') && r.status === 'ok'), 'audit of the COPY');
  assert.equal(rec.rows, 2);
  assert.equal(rec.class, 'write');
  const out = await run('psql', [...args, '-c', `COPY ${OPEN}.customers TO STDOUT`], { env }).catch((e: { stderr: string }) => e);
  assert.match((out as { stderr: string }).stderr, /COPY TO STDOUT is refused/);
});

function sendCancel(port: number, pid: number, secret: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      const b = Buffer.alloc(16);
      b.writeInt32BE(16, 0);
      b.writeInt32BE(80877102, 4);
      b.writeInt32BE(pid, 8);
      b.writeInt32BE(secret, 12);
      s.end(b);
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}
