/** A LangChain.js SQL tool whose pg pool points at the gateway: what a chain would run. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { tool, type DynamicStructuredTool } from '@langchain/core/tools';
import { ToolMessage } from '@langchain/core/messages';
import { direct, startHarness, uniqueName, type Harness } from './harness.js';

const SCHEMA = uniqueName('cwt_lc');
let h: Harness;
let pool: pg.Pool;

before(async () => {
  await direct(`CREATE SCHEMA ${SCHEMA}; CREATE TABLE ${SCHEMA}.orders (id int, status text); INSERT INTO ${SCHEMA}.orders VALUES (1, 'shipped'), (2, 'open')`);
  h = await startHarness(
    (port) => `version: 1
identity:
  keys: [ { chain: agent, key: env:CWT_KEY_AGENT } ]
chains:
  agent: { sources: ["**"] }
connections:
  orders:
    type: postgres
    listen: 127.0.0.1:${port}
    upstream: postgres://postgres@127.0.0.1:5432/test
rules:
  - name: the agent reads orders
    chains: [agent]
    connection: orders
    allow: ["read ${SCHEMA}.*"]
  - name: nobody changes the schema
    chains: ["*"]
    connection: orders
    deny: [ddl]
`,
  );
  pool = new pg.Pool({ host: '127.0.0.1', port: h.port, user: 'agent', database: 'test', password: h.key, max: 2 });
  // An idle pooled connection hears about the gateway shutting down at the end; that is expected.
  pool.on('error', () => {});
});

after(async () => {
  await pool?.end();
  await h?.close();
  await direct(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

const sqlTool = (): DynamicStructuredTool =>
  tool(
    async ({ sql }: { sql: string }) => {
      try {
        const r = await pool.query(sql);
        return JSON.stringify(r.rows);
      } catch (e) {
        return `refused: ${(e as Error).message}`;
      }
    },
    {
      name: 'query_orders',
      description: 'Runs one SQL query against the orders database and returns the rows as JSON.',
      schema: { type: 'object', properties: { sql: { type: 'string' } }, required: ['sql'] },
    },
  ) as DynamicStructuredTool;

test('the tool reads through the gateway', async () => {
  const out = await sqlTool().invoke({ sql: `SELECT id, status FROM ${SCHEMA}.orders ORDER BY id` });
  assert.deepEqual(JSON.parse(out as string), [{ id: 1, status: 'shipped' }, { id: 2, status: 'open' }]);
  assert.ok(h.audit.some((r) => r.chain === 'agent' && r.connection === 'orders' && r.class === 'read' && r.status === 'ok'));
});

test('a tool call the model asks for that the policy refuses comes back as a refusal, and nothing changes', async () => {
  const msg = await sqlTool().invoke({ name: 'query_orders', args: { sql: `DROP TABLE ${SCHEMA}.orders` }, id: 'call_1', type: 'tool_call' });
  assert.ok(msg instanceof ToolMessage);
  assert.match(String(msg.content), /refused: Chainwarden denied this statement.*nobody changes the schema/);
  assert.equal((await direct(`SELECT count(*)::int AS n FROM ${SCHEMA}.orders`))[0]!.n, 2);
  // A table outside the granted schema falls to the default deny.
  const other = await sqlTool().invoke({ sql: 'SELECT * FROM pg_catalog.pg_authid' });
  assert.match(other as string, /refused: .*no rule matched/);
});
