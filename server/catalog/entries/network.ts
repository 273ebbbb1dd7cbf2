/** Raw HTTP clients, SQL drivers, MCP clients and remote LangGraph: the provider comes from the target. */
import type { CatalogEntry } from '../types.js';

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const PY_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const PY_PG_FIELDS = { host: ['host'], port: ['port'], database: ['dbname', 'database'], user: ['user'] };
const SQL_FIELDS = { host: ['0.host'], port: ['0.port'], database: ['0.database'], user: ['0.user', '0.username'] };

export const NETWORK_ENTRIES: CatalogEntry[] = [
  {
    id: 'http.fetch', title: 'fetch', kind: 'http', provider: null,
    js: [
      { module: '<global>', exports: ['fetch'] },
      { module: 'node-fetch', exports: ['default'] },
      { module: 'cross-fetch', exports: ['default', 'fetch'] },
      { module: 'undici', exports: ['fetch'] },
    ],
    endpoint: { from: ['0', '0.url'] },
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.axios', title: 'axios', kind: 'http', provider: null,
    js: [{ module: 'axios', exports: ['default', ...VERBS.map((v) => `default.${v}`)] }],
    endpoint: { from: ['0', '0.url'] },
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.axios-instance', title: 'axios.create', kind: 'http', provider: null,
    js: [{ module: 'axios', exports: ['default.create'] }],
    endpoint: { from: ['0.baseURL'], fixProperty: 'baseURL' },
    operation: { kind: 'http', method: 'GET', path: '' },
  },
  {
    id: 'http.got', title: 'got', kind: 'http', provider: null,
    js: [{ module: 'got', exports: ['default', 'got', ...VERBS.map((v) => `default.${v}`)] }],
    endpoint: { from: ['0', '0.url'] },
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.got-instance', title: 'got.extend', kind: 'http', provider: null,
    js: [{ module: 'got', exports: ['default.extend'] }],
    endpoint: { from: ['0.prefixUrl'], fixProperty: 'prefixUrl' },
    operation: { kind: 'http', method: 'GET', path: '' },
  },
  {
    id: 'http.undici', title: 'undici request', kind: 'http', provider: null,
    js: [{ module: 'undici', exports: ['request', 'stream'] }],
    endpoint: { from: ['0', '0.origin'] },
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.undici-client', title: 'undici Client/Pool', kind: 'http', provider: null,
    js: [{ module: 'undici', exports: ['Client', 'Pool', 'Agent'] }],
    endpoint: { from: ['0'] },
    operation: { kind: 'http', method: 'GET', path: '' },
  },
  {
    id: 'http.node', title: 'node:http(s) request', kind: 'http', provider: null,
    js: [
      { module: 'node:https', exports: ['request', 'get'] },
      { module: 'https', exports: ['request', 'get'] },
      { module: 'node:http', exports: ['request', 'get'] },
      { module: 'http', exports: ['request', 'get'] },
    ],
    endpoint: { from: ['0'] },
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'sql.pg', title: 'node-postgres (pg)', kind: 'sql', provider: 'postgres',
    js: [{ module: 'pg', exports: ['Pool', 'Client'] }],
    endpoint: { from: ['0.connectionString', '0'], fields: SQL_FIELDS, env: ['PGHOST'], scheme: 'postgres', defaultPort: 5432, fixProperty: 'connectionString' },
    credential: { from: ['0.password'], env: ['PGPASSWORD'] },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'sql.postgres-js', title: 'postgres (postgres.js)', kind: 'sql', provider: 'postgres',
    js: [{ module: 'postgres', exports: ['default'] }],
    endpoint: { from: ['0'], fields: SQL_FIELDS, env: ['DATABASE_URL', 'PGHOST'], scheme: 'postgres', defaultPort: 5432 },
    credential: { from: ['0.password', '1.password'], env: ['PGPASSWORD'] },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'sql.mysql2', title: 'mysql2', kind: 'sql', provider: 'mysql',
    js: [
      { module: 'mysql2', exports: ['createConnection', 'createPool', 'default.createConnection', 'default.createPool'] },
      { module: 'mysql2/promise', exports: ['createConnection', 'createPool', 'default.createConnection', 'default.createPool'] },
    ],
    endpoint: { from: ['0.uri', '0'], fields: SQL_FIELDS, scheme: 'mysql', defaultPort: 3306 },
    credential: { from: ['0.password'] },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'sql.typeorm', title: 'TypeORM DataSource', kind: 'sql', provider: null,
    js: [{ module: 'typeorm', exports: ['DataSource'] }],
    endpoint: { from: ['0.url'], fields: { host: ['0.host'], port: ['0.port'], database: ['0.database'], user: ['0.username'], scheme: ['0.type'] }, scheme: 'postgres', defaultPort: 5432, fixProperty: 'url' },
    credential: { from: ['0.password'] },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'sql.langchain-sqldatabase', title: 'LangChain SqlDatabase', kind: 'sql', provider: null,
    js: [
      { module: 'langchain/sql_db', exports: ['SqlDatabase'], statics: ['fromDataSourceParams', 'fromOptionsParams'] },
      { module: '@langchain/classic/sql_db', exports: ['SqlDatabase'], statics: ['fromDataSourceParams', 'fromOptionsParams'] },
    ],
    python: [{ module: 'langchain_community.utilities', names: ['SQLDatabase'], alsoFrom: ['langchain_community.utilities.sql_database', 'langchain.sql_database', 'langchain.utilities'], statics: ['from_uri'], endpoint: ['database_uri', 'engine', '0'] }],
    endpoint: {
      from: ['*.appDataSource', '*.appDataSourceOptions.url'],
      fields: { host: ['*.appDataSourceOptions.host'], port: ['*.appDataSourceOptions.port'], database: ['*.appDataSourceOptions.database'], user: ['*.appDataSourceOptions.username'], scheme: ['*.appDataSourceOptions.type'] },
      scheme: 'postgres', defaultPort: 5432,
    },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'mcp.multi-server', title: 'MultiServerMCPClient server', kind: 'mcp', provider: null,
    js: [{ module: '@langchain/mcp-adapters', exports: ['MultiServerMCPClient'] }],
    python: [{ module: 'langchain_mcp_adapters.client', names: ['MultiServerMCPClient'], endpoint: ['connections', '0'], fixProperty: 'url' }],
    endpoint: { fixProperty: 'url' },
    operation: { kind: 'mcp', tool: '*' },
    special: 'mcp-servers',
  },
  {
    id: 'mcp.http-transport', title: 'MCP SDK HTTP transport', kind: 'mcp', provider: null,
    js: [
      { module: '@modelcontextprotocol/sdk/client/streamableHttp.js', exports: ['StreamableHTTPClientTransport'] },
      { module: '@modelcontextprotocol/sdk/client/sse.js', exports: ['SSEClientTransport'] },
    ],
    python: [{ module: 'mcp.client.streamable_http', names: ['streamablehttp_client', 'streamable_http_client'], endpoint: ['url', '0'] }, { module: 'mcp.client.sse', names: ['sse_client'], endpoint: ['url', '0'] }],
    endpoint: { from: ['0'] },
    operation: { kind: 'mcp', tool: '*' },
  },
  {
    id: 'mcp.stdio-transport', title: 'MCP SDK stdio transport', kind: 'mcp', provider: null,
    js: [{ module: '@modelcontextprotocol/sdk/client/stdio.js', exports: ['StdioClientTransport'] }],
    python: [{ module: 'mcp', names: ['StdioServerParameters'], alsoFrom: ['mcp.client.stdio'], endpoint: ['command'] }],
    endpoint: { from: ['0.command'] },
    operation: { kind: 'mcp', tool: '*' },
    special: 'mcp-stdio',
  },
  {
    id: 'langgraph.client', title: 'LangGraph SDK client', kind: 'langgraph_remote', provider: 'langgraph',
    js: [{ module: '@langchain/langgraph-sdk', exports: ['Client'] }],
    python: [{ module: 'langgraph_sdk', names: ['get_client', 'get_sync_client'], endpoint: ['url'], credential: ['api_key'], fixProperty: 'url', keyProperty: 'api_key' }],
    endpoint: { from: ['0.apiUrl'], env: ['LANGGRAPH_API_URL'], default: 'http://127.0.0.1:8123', fixProperty: 'apiUrl', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['LANGGRAPH_API_KEY', 'LANGSMITH_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/runs/wait' },
  },
  {
    id: 'langgraph.remote-graph', title: 'LangGraph RemoteGraph', kind: 'langgraph_remote', provider: 'langgraph',
    js: [{ module: '@langchain/langgraph/remote', exports: ['RemoteGraph'] }],
    python: [{ module: 'langgraph.pregel.remote', names: ['RemoteGraph'], alsoFrom: ['langgraph.pregel'], endpoint: ['url', 'client', 'sync_client'], credential: ['api_key'], fixProperty: 'url', keyProperty: 'api_key' }],
    endpoint: { from: ['0.url', '0.client'], fixProperty: 'url', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['LANGGRAPH_API_KEY', 'LANGSMITH_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/runs/wait' },
  },
  {
    id: 'http.requests', title: 'requests', kind: 'http', provider: null,
    python: [
      { module: 'requests', names: [...PY_VERBS, ...PY_VERBS.map((v) => `Session().${v}`)], endpoint: ['url', '0'] },
      { module: 'requests', names: ['request', 'Session().request'], endpoint: ['url', '1'], method: ['method', '0'] },
    ],
    endpoint: {},
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.httpx', title: 'httpx', kind: 'http', provider: null,
    python: [
      { module: 'httpx', names: [...PY_VERBS, ...PY_VERBS.map((v) => `Client().${v}`), ...PY_VERBS.map((v) => `AsyncClient().${v}`)], endpoint: ['url', '0'] },
      { module: 'httpx', names: ['request', 'Client().request', 'AsyncClient().request'], endpoint: ['url', '1'], method: ['method', '0'] },
    ],
    endpoint: {},
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.httpx-client', title: 'httpx.Client(base_url=…)', kind: 'http', provider: null,
    python: [{ module: 'httpx', names: ['Client', 'AsyncClient'], requires: ['base_url'], endpoint: ['base_url'], fixProperty: 'base_url' }],
    endpoint: {},
    operation: { kind: 'http', method: 'GET', path: '' },
  },
  {
    id: 'http.aiohttp', title: 'aiohttp', kind: 'http', provider: null,
    python: [
      { module: 'aiohttp', names: PY_VERBS.map((v) => `ClientSession().${v}`), endpoint: ['url', '0'] },
      { module: 'aiohttp', names: ['request', 'ClientSession().request'], endpoint: ['url', '1'], method: ['method', '0'] },
    ],
    endpoint: {},
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.urllib', title: 'urllib.request', kind: 'http', provider: null,
    python: [{ module: 'urllib.request', names: ['urlopen', 'Request'], endpoint: ['url', '0'], method: ['method'] }],
    endpoint: {},
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'sql.sqlalchemy', title: 'SQLAlchemy engine', kind: 'sql', provider: null,
    python: [{ module: 'sqlalchemy', names: ['create_engine'], alsoFrom: ['sqlalchemy.ext.asyncio'], endpoint: ['url', '0'] }, { module: 'sqlalchemy.ext.asyncio', names: ['create_async_engine'], endpoint: ['url', '0'] }],
    endpoint: { scheme: 'postgres', defaultPort: 5432 },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'sql.psycopg', title: 'psycopg / psycopg2', kind: 'sql', provider: 'postgres',
    python: [
      { module: 'psycopg', names: ['connect', 'Connection.connect', 'AsyncConnection.connect'], endpoint: ['conninfo', '0'], fields: PY_PG_FIELDS, credential: ['password'] },
      { module: 'psycopg2', names: ['connect'], endpoint: ['dsn', '0'], fields: PY_PG_FIELDS, credential: ['password'] },
      { module: 'psycopg_pool', names: ['ConnectionPool', 'AsyncConnectionPool'], endpoint: ['conninfo', '0'] },
    ],
    endpoint: { env: ['PGHOST'], scheme: 'postgres', defaultPort: 5432 },
    credential: { env: ['PGPASSWORD'] },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'sql.asyncpg', title: 'asyncpg', kind: 'sql', provider: 'postgres',
    python: [{ module: 'asyncpg', names: ['connect', 'create_pool'], endpoint: ['dsn', '0'], fields: { host: ['host'], port: ['port'], database: ['database'], user: ['user'] }, credential: ['password'] }],
    endpoint: { env: ['PGHOST'], scheme: 'postgres', defaultPort: 5432 },
    credential: { env: ['PGPASSWORD'] },
    operation: { kind: 'sql', class: 'read' },
  },
];
