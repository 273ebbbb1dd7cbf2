/** Raw HTTP clients, SQL drivers, MCP clients and remote LangGraph: the provider comes from the target. */
import type { CatalogEntry } from '../types.js';

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
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
    python: [{ module: 'requests', name: 'request' }],
    endpoint: { from: ['0', '0.url'] },
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.axios', title: 'axios', kind: 'http', provider: null,
    js: [{ module: 'axios', exports: ['default', ...VERBS.map((v) => `default.${v}`)] }],
    python: [{ module: 'httpx', name: 'request' }],
    endpoint: { from: ['0', '0.url'] },
    operation: { kind: 'http', method: 'GET', path: '' },
    special: 'http-call',
  },
  {
    id: 'http.axios-instance', title: 'axios.create', kind: 'http', provider: null,
    js: [{ module: 'axios', exports: ['default.create'] }],
    python: [{ module: 'httpx', name: 'Client' }],
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
    python: [{ module: 'psycopg', name: 'connect' }],
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
    python: [{ module: 'pymysql', name: 'connect' }],
    endpoint: { from: ['0.uri', '0'], fields: SQL_FIELDS, scheme: 'mysql', defaultPort: 3306 },
    credential: { from: ['0.password'] },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'sql.typeorm', title: 'TypeORM DataSource', kind: 'sql', provider: null,
    js: [{ module: 'typeorm', exports: ['DataSource'] }],
    python: [{ module: 'sqlalchemy', name: 'create_engine' }],
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
    python: [{ module: 'langchain_community.utilities', name: 'SQLDatabase' }],
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
    python: [{ module: 'langchain_mcp_adapters.client', name: 'MultiServerMCPClient' }],
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
    python: [{ module: 'mcp.client.streamable_http', name: 'streamablehttp_client' }],
    endpoint: { from: ['0'] },
    operation: { kind: 'mcp', tool: '*' },
  },
  {
    id: 'mcp.stdio-transport', title: 'MCP SDK stdio transport', kind: 'mcp', provider: null,
    js: [{ module: '@modelcontextprotocol/sdk/client/stdio.js', exports: ['StdioClientTransport'] }],
    python: [{ module: 'mcp.client.stdio', name: 'stdio_client' }],
    endpoint: { from: ['0.command'] },
    operation: { kind: 'mcp', tool: '*' },
    special: 'mcp-stdio',
  },
  {
    id: 'langgraph.client', title: 'LangGraph SDK client', kind: 'langgraph_remote', provider: 'langgraph',
    js: [{ module: '@langchain/langgraph-sdk', exports: ['Client'] }],
    python: [{ module: 'langgraph_sdk', name: 'get_client' }],
    endpoint: { from: ['0.apiUrl'], env: ['LANGGRAPH_API_URL'], default: 'http://127.0.0.1:8123', fixProperty: 'apiUrl', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['LANGGRAPH_API_KEY', 'LANGSMITH_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/runs/wait' },
  },
  {
    id: 'langgraph.remote-graph', title: 'LangGraph RemoteGraph', kind: 'langgraph_remote', provider: 'langgraph',
    js: [{ module: '@langchain/langgraph/remote', exports: ['RemoteGraph'] }],
    python: [{ module: 'langgraph.pregel.remote', name: 'RemoteGraph' }],
    endpoint: { from: ['0.url', '0.client'], fixProperty: 'url', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['LANGGRAPH_API_KEY', 'LANGSMITH_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/runs/wait' },
  },
];
