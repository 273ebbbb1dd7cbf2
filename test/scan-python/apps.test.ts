/**
 * Realistic small LangChain Python apps (test/fixtures/py/apps/<app>/), scanned with their own policy:
 * every finding sits where a caret comment in the .py file says, and the whole JSON document (positions,
 * statuses, rules, messages) equals the app's expected.json (regenerate with UPDATE_GOLDEN=1 and review the diff).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace, toScanJson, type Finding } from '../../server/scan/api.js';
import { FIXTURES } from '../helpers/paths.js';
import { pyMarkersIn } from './markers.js';

const APPS = join(FIXTURES, 'py', 'apps');
const HELPDESK = join(APPS, 'helpdesk');
let helpdesk: Workspace;
let all: Finding[];
before(async () => {
  helpdesk = await new Workspace({ root: HELPDESK, policyFile: join(HELPDESK, 'chainwarden.yaml') }).ready();
  all = helpdesk.scanAll();
});

const at = (file: string, line: number, column?: number) => all.find((f) => f.file === file && f.line === line && (column === undefined || f.column === column));

for (const app of readdirSync(APPS)) {
  test(`app ${app}: findings equal expected.json`, async () => {
    const root = join(APPS, app);
    const ws = await new Workspace({ root, policyFile: join(root, 'chainwarden.yaml') }).ready();
    assert.deepEqual(ws.policyDiagnostics.filter((d) => d.severity === 'error'), []);
    const got = toScanJson(ws.scanAll());
    const file = join(root, 'expected.json');
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, JSON.stringify(got, null, 2) + '\n');
    assert.deepEqual(got, JSON.parse(readFileSync(file, 'utf8')));
  });
}

test('helpdesk: every finding in a .py file is where a caret says, and nowhere else', () => {
  const pyFiles = [...new Set(all.map((f) => f.file))].filter((f) => f.endsWith('.py'));
  assert.ok(pyFiles.length >= 5);
  for (const rel of readdirSync(join(HELPDESK, 'agents')).filter((f) => f.endsWith('.py')).map((f) => `agents/${f}`)) {
    const expected = pyMarkersIn(join(HELPDESK, rel), '').map((m) => `${m.line}:${m.column}${m.catalogId ? ' ' + m.catalogId : ''}`);
    const got = all.filter((f) => f.file === rel).map((f) => `${f.line}:${f.column}${expected.some((e) => e.startsWith(`${f.line}:${f.column} `)) ? ' ' + f.catalogId : ''}`);
    assert.deepEqual(got.sort(), expected.sort(), rel);
  }
});

test('helpdesk: resolution rules', () => {
  // pydantic BaseSettings default built from a module constant that reads .env, imported relatively.
  const model = at('agents/graph.py', 15)!;
  assert.equal(model.target, 'http://127.0.0.1:8790/openai/v1');
  assert.equal(model.status, 'approved');
  assert.equal(model.chain, 'helpdesk-agents');
  // The provider's own key from os.environ, and no base URL: a bypass with the gateway URL to use.
  const search = at('agents/graph.py', 17)!;
  assert.equal(search.status, 'bypass');
  assert.equal(search.fix?.envVar, 'TAVILY_API_KEY');
  assert.equal(search.fix?.gatewayBaseUrl, 'http://127.0.0.1:8790/tavily');
  // An f-string over a module constant, inside a @tool function.
  assert.equal(at('agents/graph.py', 24)?.target, 'https://crm.internal.example/api/customers');
  assert.equal(at('agents/graph.py', 24)?.status, 'unapproved');
  // A model chosen per run from the LangGraph configuration: unknown, provider null, never guessed.
  const dynamic = at('agents/graph.py', 31)!;
  assert.equal(dynamic.provider, null);
  assert.equal(dynamic.status, 'unknown');
  // Absolute import of a sibling package module; alias `OpenAIEmbeddings as Embeddings`; openai_api_base spelling.
  assert.equal(at('agents/rag.py', 8)?.status, 'approved');
  // A DSN from .env through BaseSettings → the gateway's PostgreSQL listener.
  assert.equal(at('agents/rag.py', 10)?.connection, 'warehouse');
  assert.equal(at('agents/rag.py', 10)?.status, 'approved');
  assert.equal(at('agents/sql_agent.py', 9)?.status, 'approved');
  // The direct engine: bypass, its password never in the target or the message.
  const engine = at('agents/sql_agent.py', 11, 15)!;
  assert.equal(engine.status, 'bypass');
  assert.equal(engine.target, 'postgresql+psycopg2://admin@db.internal:5432/analytics');
  assert.ok(!JSON.stringify(all).includes('Winter2024'));
  // MCP servers from a module-level dict: one finding per server, on its key.
  assert.equal(at('agents/mcp_client.py', 7)?.status, 'approved');
  assert.equal(at('agents/mcp_client.py', 7)?.connection, 'docs-mcp');
  assert.equal(at('agents/mcp_client.py', 9)?.provider, '@modelcontextprotocol/server-filesystem');
  // configurable_alternatives: each alternative is listed with its provider; configurable_fields over the endpoint → unknown.
  assert.equal(at('agents/runtime.py', 8)?.status, 'needs-approval');
  assert.equal(at('agents/runtime.py', 12)?.status, 'approved');
  assert.equal(at('agents/runtime.py', 15)?.status, 'unknown');
  assert.equal(at('agents/runtime.py', 15)?.provider, 'openai');
});

test('helpdesk: quick-fix data for Python (keyword spans, chain key spelled for Python)', () => {
  const search = at('agents/graph.py', 17)!;
  // `TavilySearch(max_results=3, tavily_api_key=os.environ["TAVILY_API_KEY"])`: the argument list and the key value.
  assert.deepEqual(search.fix?.optionsRange, { line: 17, column: 22, endLine: 17, endColumn: 82 });
  assert.deepEqual(search.fix?.apiKeyRange, { line: 17, column: 53, endLine: 17, endColumn: 81 });
  assert.equal(search.fix?.syntax, 'python');
  assert.equal(search.fix?.baseUrlProperty, 'api_base_url');
  assert.equal(search.fix?.keyProperty, 'tavily_api_key');
  assert.equal(search.fix?.keyExpression, 'os.environ["CHAINWARDEN_KEY"]');
  // A base URL that is written: its value's span, to be replaced.
  const emb = at('agents/rag.py', 8)!;
  assert.deepEqual(emb.fix?.baseUrlRange, { line: 8, column: 73, endLine: 8, endColumn: 97 });
  assert.equal(emb.fix?.baseUrlProperty, 'base_url');
});

test('helpdesk: notebook findings point into the .ipynb JSON (line, column inside the JSON string)', () => {
  const nb = all.filter((f) => f.file === 'notebooks/explore.ipynb');
  const text = readFileSync(join(HELPDESK, 'notebooks/explore.ipynb'), 'utf8').split('\n');
  const secret = nb.find((f) => f.kind === 'secret')!;
  assert.deepEqual([secret.line, secret.column, secret.endLine, secret.endColumn], [27, 22, 27, 75]);
  // The span covers the literal as written in the JSON: escaped quotes included.
  assert.equal(text[26]!.slice(secret.column - 1, secret.endColumn - 1), '\\"sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\\"');
  const llm = nb.find((f) => f.kind === 'chat_model')!;
  assert.deepEqual([llm.line, llm.column], [28, 12]);
  assert.ok(text[27]!.slice(llm.column - 1).startsWith('ChatAnthropic('));
  assert.equal(llm.status, 'bypass');
  assert.equal(llm.chain, 'helpdesk-agents');
  // The `%pip` magic line is not Python and produced nothing.
  assert.equal(nb.length, 2);
});
