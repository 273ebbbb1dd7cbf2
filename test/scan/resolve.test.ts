/**
 * Resolution rules, table-driven: each case is a tiny project; the first finding in src/main.ts must have
 * the expected target (null = not resolvable, with the reason in the message) and provider.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Workspace } from '../../server/scan/api.js';

interface Case {
  name: string;
  files: Record<string, string>;
  target: string | null;
  provider?: string | null;
  why?: RegExp;
  catalogId?: string;
}

const OPENAI = `import { ChatOpenAI } from '@langchain/openai';\n`;

const CASES: Case[] = [
  { name: 'string literal', files: { 'src/main.ts': `${OPENAI}new ChatOpenAI({ configuration: { baseURL: 'http://127.0.0.1:8790/openai/v1' } });` }, target: 'http://127.0.0.1:8790/openai/v1', provider: 'openai' },
  { name: 'model name first, options second', files: { 'src/main.ts': `import { ChatAnthropic } from '@langchain/anthropic';\nconst MODEL = 'claude-sonnet-4-5';\nnew ChatAnthropic(MODEL, { anthropicApiUrl: 'http://127.0.0.1:8790/anthropic', apiKey: process.env.CHAINWARDEN_KEY });` }, target: 'http://127.0.0.1:8790/anthropic', provider: 'anthropic' },
  { name: 'SDK default when nothing is written', files: { 'src/main.ts': `${OPENAI}new ChatOpenAI();` }, target: 'https://api.openai.com/v1' },
  { name: 'SDK env default from .env (OPENAI_BASE_URL)', files: { '.env': 'OPENAI_BASE_URL=http://127.0.0.1:8790/openai/v1\n', 'src/main.ts': `${OPENAI}new ChatOpenAI({});` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'const + template literal + .env', files: { '.env': 'GW="http://127.0.0.1:8790" # gateway\n', 'src/main.ts': `${OPENAI}const base = \`\${process.env.GW}/openai/v1\`;\nnew ChatOpenAI({ configuration: { baseURL: base } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'placeholders in .env.example are not values', files: { '.env.example': 'SUPABASE_URL=https://your-project.supabase.co\n', 'src/main.ts': `import { createClient } from '@supabase/supabase-js';\ncreateClient(process.env.SUPABASE_URL!, 'k');` }, target: null, why: /SUPABASE_URL is not set in any \.env file/ },
  { name: 'nearest .env wins over the root one', files: { '.env': 'GW=http://root:1\n', 'src/.env': 'GW=http://127.0.0.1:8790\n', 'src/main.ts': `${OPENAI}new ChatOpenAI({ configuration: { baseURL: process.env['GW'] + '/openai/v1' } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'destructured process.env with a default', files: { 'src/main.ts': `${OPENAI}const { GW = 'http://127.0.0.1:8790' } = process.env;\nnew ChatOpenAI({ configuration: { baseURL: GW + '/openai/v1' } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'unset env var without default is unknown', files: { 'src/main.ts': `${OPENAI}new ChatOpenAI({ configuration: { baseURL: process.env.NOPE } });` }, target: null, why: /NOPE is not set in any \.env file/ },
  { name: 'import.meta.env (Vite)', files: { '.env.local': 'VITE_GW=http://127.0.0.1:8790/openai/v1\n', 'src/main.ts': `${OPENAI}new ChatOpenAI({ configuration: { baseURL: import.meta.env.VITE_GW } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'spread: a later property overrides', files: { 'src/main.ts': `${OPENAI}const base = { configuration: { baseURL: 'https://api.openai.com/v1' } };\nnew ChatOpenAI({ ...base, configuration: { baseURL: 'http://127.0.0.1:8790/openai/v1' } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'spread of an unknown object makes the option unknown', files: { 'src/main.ts': `${OPENAI}export function make(opts: object) { return new ChatOpenAI({ ...opts }); }` }, target: null, why: /spread/ },
  { name: 'parameter is unknown', files: { 'src/main.ts': `${OPENAI}export const make = (url: string) => new ChatOpenAI({ configuration: { baseURL: url } });` }, target: null, why: /url is a parameter/ },
  { name: 'reassigned let is unknown', files: { 'src/main.ts': `${OPENAI}let url = 'http://127.0.0.1:8790/openai/v1';\nif (Math.random() > 1) url = 'https://api.openai.com/v1';\nnew ChatOpenAI({ configuration: { baseURL: url } });` }, target: null, why: /url is reassigned/ },
  { name: 'let never reassigned counts', files: { 'src/main.ts': `${OPENAI}let url = 'http://127.0.0.1:8790/openai/v1';\nnew ChatOpenAI({ configuration: { baseURL: url } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'conditional with different values is unknown', files: { 'src/main.ts': `${OPENAI}const prod = process.env.NODE_ENV === 'production';\nnew ChatOpenAI({ configuration: { baseURL: prod ? 'https://a.example/v1' : 'https://b.example/v1' } });` }, target: null, why: /chosen at run time/ },
  { name: 'config module: default export object, nested property', files: { 'src/config.ts': `export default { llm: { url: 'http://127.0.0.1:8790/openai/v1' } };`, 'src/main.ts': `${OPENAI}import cfg from './config.js';\nnew ChatOpenAI({ configuration: { baseURL: cfg.llm.url } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'export * re-export chain and an alias', files: { 'src/a.ts': `export const URL_A = 'http://127.0.0.1:8790/openai/v1';`, 'src/b.ts': `export * from './a.js';`, 'src/index.ts': `export { URL_A as GATEWAY_OPENAI } from './b.js';`, 'src/main.ts': `${OPENAI}import { GATEWAY_OPENAI } from './index.js';\nnew ChatOpenAI({ configuration: { baseURL: GATEWAY_OPENAI } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'a barrel re-exporting a package with export *', files: { 'src/lc.ts': `export * from '@langchain/anthropic';`, 'src/main.ts': `import { ChatAnthropic } from './lc.js';\nnew ChatAnthropic({ anthropicApiUrl: 'http://127.0.0.1:8790/anthropic' });` }, target: 'http://127.0.0.1:8790/anthropic', provider: 'anthropic', catalogId: 'anthropic.chat' },
  { name: 'namespace import of a local module', files: { 'src/cfg.ts': `export const base = 'http://127.0.0.1:8790/openai/v1';`, 'src/main.ts': `${OPENAI}import * as cfg from './cfg.js';\nnew ChatOpenAI({ configuration: { baseURL: cfg.base } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'index file resolution (./config)', files: { 'src/config/index.ts': `export const base = 'http://127.0.0.1:8790/openai/v1';`, 'src/main.ts': `${OPENAI}import { base } from './config';\nnew ChatOpenAI({ configuration: { baseURL: base } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'tsconfig paths alias (@/*, the Next.js default)', files: { 'tsconfig.json': `{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }`, 'src/lib/llm.ts': `export const base = 'http://127.0.0.1:8790/openai/v1';`, 'src/main.ts': `${OPENAI}import { base } from '@/lib/llm';\nnew ChatOpenAI({ configuration: { baseURL: base } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'tsconfig paths: comments, extends, the longest prefix, the second substitution', files: { 'tsconfig.base.json': `{ // shared\n "compilerOptions": { "baseUrl": ".", "paths": { "~/*": ["nowhere/*", "src/*"], "~/config/*": ["settings/*"] } } }`, 'tsconfig.json': `{ "extends": "./tsconfig.base.json" }`, 'settings/llm.ts': `export const base = 'http://127.0.0.1:8790/openai/v1';`, 'src/config/llm.ts': `export const base = 'https://api.openai.com/v1';`, 'src/main.ts': `${OPENAI}import { base } from '~/config/llm';\nnew ChatOpenAI({ configuration: { baseURL: base } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'tsconfig baseUrl: a bare specifier that names a project file', files: { 'tsconfig.json': `{ "compilerOptions": { "baseUrl": "src" } }`, 'src/config/llm.ts': `export const base = 'http://127.0.0.1:8790/openai/v1';`, 'src/main.ts': `${OPENAI}import { base } from 'config/llm';\nnew ChatOpenAI({ configuration: { baseURL: base } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'a catch-all alias does not shadow packages it maps to no file', files: { 'jsconfig.json': `{ "compilerOptions": { "paths": { "*": ["./types/*"] } } }`, 'src/main.ts': `${OPENAI}new ChatOpenAI({ configuration: { baseURL: 'http://127.0.0.1:8790/openai/v1' } });` }, target: 'http://127.0.0.1:8790/openai/v1', provider: 'openai' },
  { name: 'an alias that maps to no file is unknown, not a guess', files: { 'tsconfig.json': `{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }`, 'src/main.ts': `${OPENAI}import { base } from '@/lib/missing';\nnew ChatOpenAI({ configuration: { baseURL: base } });` }, target: null, why: /cannot find module @\/lib\/missing \(a path alias/ },
  { name: 'CommonJS: require, module.exports, exports.x', files: { 'src/cfg.cjs': `exports.base = 'http://127.0.0.1:8790/openai/v1';`, 'src/main.cjs': `const { ChatOpenAI } = require('@langchain/openai');\nconst cfg = require('./cfg.cjs');\nmodule.exports = new ChatOpenAI({ configuration: { baseURL: cfg.base } });` }, target: 'http://127.0.0.1:8790/openai/v1' },
  { name: 'dynamic import()', files: { 'src/main.ts': `const { Pool } = await import('pg');\nexport const pool = new Pool({ connectionString: 'postgres://app@127.0.0.1:15432/app' });` }, target: 'postgres://app@127.0.0.1:15432/app', provider: 'postgres', catalogId: 'sql.pg' },
  { name: 'factory function in another module gives the store its client', files: { 'src/clients.ts': `import { createClient } from '@supabase/supabase-js';\nexport function makeClient() {\n  const url = 'https://abcd.supabase.co';\n  return createClient(url, process.env.SUPABASE_KEY!);\n}`, 'src/main.ts': `import { SupabaseVectorStore } from '@langchain/community/vectorstores/supabase';\nimport { makeClient } from './clients.js';\nexport const store = new SupabaseVectorStore({}, { client: makeClient(), tableName: 'docs' });` }, target: 'https://abcd.supabase.co', provider: 'supabase', catalogId: 'supabase.store' },
  { name: 'aliased package import and subclass in another file', files: { 'src/base.ts': `import { ChatAnthropic as Claude } from '@langchain/anthropic';\nexport class MyClaude extends Claude {}`, 'src/main.ts': `import { MyClaude } from './base.js';\nnew MyClaude({ anthropicApiUrl: 'http://127.0.0.1:8790/anthropic' });` }, target: 'http://127.0.0.1:8790/anthropic', provider: 'anthropic', catalogId: 'anthropic.chat' },
  { name: 'fetch with new URL(path, base) and a method', files: { 'src/main.mjs': `const BASE = 'https://api.example.com/v2/';\nexport const r = fetch(new URL('items?x=1', BASE), { method: 'POST' });` }, target: 'https://api.example.com/v2/items', provider: 'api.example.com' },
  { name: 'URL with a static origin and a dynamic tail', files: { 'src/main.ts': `export const get = (id: string) => fetch(\`https://api.example.com/users/\${id}?full=1\`);` }, target: 'https://api.example.com/users/…', provider: 'api.example.com' },
  { name: 'URL whose host is not static is unknown', files: { 'src/main.ts': `export const get = (region: string) => fetch('https://api.' + region + '.example.com/x');` }, target: null, provider: null, why: /only "https:\/\/api\.…" is static \(region is a parameter\)/ },
  { name: 'initChatModel with modelProvider option', files: { 'src/main.ts': `import { initChatModel } from 'langchain';\nawait initChatModel('claude-sonnet-4-5', { modelProvider: 'anthropic' });` }, target: 'https://api.anthropic.com', provider: 'anthropic' },
  { name: 'initChatModel infers the provider from the model name', files: { 'src/main.ts': `import { initChatModel } from 'langchain';\nawait initChatModel('gpt-4o-mini');` }, target: 'https://api.openai.com/v1', provider: 'openai' },
  { name: 'pg connection fields compose a target without the password', files: { 'src/main.ts': `import { Client } from 'pg';\nnew Client({ host: 'db.example.com', port: 6432, user: 'app', password: process.env.PGPASSWORD, database: 'shop' });` }, target: 'postgres://app@db.example.com:6432/shop', provider: 'postgres' },
  { name: 'connection string password is never shown', files: { 'src/main.ts': `import postgres from 'postgres';\npostgres(process.env.DB!);`, '.env': 'DB=postgres://app:pw-in-env@db.example.com/shop\n' }, target: 'postgres://app@db.example.com/shop', provider: 'postgres' },
];

for (const c of CASES) {
  test(`resolve: ${c.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-resolve-'));
    try {
      for (const [rel, text] of Object.entries(c.files)) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), text + '\n');
      }
      const main = Object.keys(c.files).find((f) => /^src\/main\./.test(f))!;
      const ws = new Workspace({ root: dir });
      const found = ws.analyzeFile(join(dir, main)).filter((f) => f.kind !== 'secret');
      const f = c.catalogId ? found.find((x) => x.catalogId === c.catalogId) : found[0];
      assert.ok(f, `no finding in ${main}: ${JSON.stringify(found)}`);
      assert.equal(f.target, c.target, f.message);
      if (c.provider !== undefined) assert.equal(f.provider, c.provider);
      if (c.why) assert.match(f.message, c.why);
      assert.doesNotMatch(JSON.stringify(found), /pw-in-env/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
